"""Digest commands as a channel meets them: now, subscribe, list, unsubscribe, help."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import Newsdesk, ReplyKind, build_newsdesk
from bot.core import CONSOLE
from bot.phrases import phrasebook
from bot.store import Destination, MemoryStore
from bot.subscriptions import RequestContext
from tests.conftest import SEEDS, make_settings

# Monday 2026-11-23 07:00 UTC = 08:00 in Berlin
NOW = dt.datetime(2026, 11, 23, 7, 0, tzinfo=dt.UTC)
CHANNEL = RequestContext(Destination("slack", "C1"), user="U1")


@pytest.fixture
def store() -> Iterator[MemoryStore]:
    memory = MemoryStore()
    yield memory
    memory.close()


@pytest.fixture
def desk_core(tmp_path: Path, store: MemoryStore) -> Newsdesk:
    return build_newsdesk(make_settings(tmp_path), store=lambda: store, clock=lambda: NOW)


def test_digest_now_shows_the_latest_articles_with_summaries(desk_core: Newsdesk) -> None:
    reply = desk_core.handle("digest now")
    assert reply.kind is ReplyKind.DIGEST
    assert reply.digest is not None
    assert len(reply.digest.items) == 5
    first = reply.digest.items[0]
    assert first.article_id == "000_26a8121a7ae71e0a"  # the only dated article is the newest
    assert 2 <= len(first.summary) <= 3
    assert reply.text.startswith("Neu im Archiv")
    assert "(Creati.ai · 27.01.2026)" in reply.text


def test_digest_now_about_a_topic_keeps_unrelated_articles_out(desk_core: Newsdesk) -> None:
    reply = desk_core.handle("digest now Windsurf")
    assert reply.digest is not None
    assert [item.article_id for item in reply.digest.items] == ["002_702a485bbd3150d5"]
    assert reply.text.startswith("Neu im Archiv zum Thema „Windsurf“")


def test_digest_now_ranks_by_relevance_to_the_topic(desk_core: Newsdesk) -> None:
    reply = desk_core.handle("digest now Musk")
    assert reply.digest is not None
    assert reply.digest.items[0].article_id == "001_37de1b6d01b33ede"
    assert "000_26a8121a7ae71e0a" not in [i.article_id for i in reply.digest.items]


def test_digest_now_about_an_uncovered_topic_says_so(desk_core: Newsdesk) -> None:
    reply = desk_core.handle("digest now Wetter")
    assert reply.kind is ReplyKind.NO_ANSWER
    assert reply.text == "Zum Thema „Wetter“ habe ich im Archiv nichts gefunden."


def test_subscribe_shows_the_parsed_schedule_and_next_three_runs(
    desk_core: Newsdesk, store: MemoryStore
) -> None:
    reply = desk_core.handle("digest subscribe weekdays 09:30 about OpenAI", CHANNEL)
    assert reply.text == (
        "Abonniert: werktags um 09:30 (Europe/Berlin), zum Thema „OpenAI“.\n\n"
        "Die nächsten Digests: Mo 23.11.2026 09:30, Di 24.11.2026 09:30, Mi 25.11.2026 09:30."
    )
    [subscription] = store.subscriptions(CHANNEL.destination)
    assert subscription.cron == "30 9 * * 1-5"
    assert subscription.topic == "OpenAI"
    assert subscription.next_run == dt.datetime(2026, 11, 23, 8, 30, tzinfo=dt.UTC)


def test_subscribe_in_german_with_a_time_zone(desk_core: Newsdesk, store: MemoryStore) -> None:
    reply = desk_core.handle("digest subscribe täglich 08:00 in America/New_York", CHANNEL)
    assert reply.text.startswith("Abonniert: täglich um 08:00 (America/New_York).")
    assert "Mo 23.11.2026 08:00, Di 24.11.2026 08:00, Mi 25.11.2026 08:00" in reply.text
    assert store.subscriptions(CHANNEL.destination)[0].timezone == "America/New_York"


def test_subscribe_with_cron(desk_core: Newsdesk) -> None:
    reply = desk_core.handle("digest subscribe 0 */6 * * *", CHANNEL)
    assert reply.text.startswith("Abonniert: Cron »0 */6 * * *« (Europe/Berlin).")
    assert "Mo 23.11.2026 12:00, Mo 23.11.2026 18:00, Di 24.11.2026 00:00" in reply.text


@pytest.mark.parametrize(
    ("command", "sentence"),
    [
        ("digest subscribe", "Sag mir, wann der Digest kommen soll."),
        ("digest subscribe fortnightly 08:00", "Den Zeitplan „fortnightly“ verstehe ich"),
        ("digest subscribe daily 25:00", "Die Uhrzeit „25:00“ gibt es nicht"),
        ("digest subscribe daily 08:00 in Mars/Olympus", "Die Zeitzone „Mars/Olympus“ kenne"),
        ("digest subscribe every 7h", "Das Intervall „7h“ teilt den Tag nicht gleichmäßig"),
        ("digest subscribe every fortnight", "Den Zeitplan „every fortnight“ verstehe ich"),
        ("digest subscribe jeden Montag", "Zu „jeden Montag“ fehlt die Uhrzeit"),
        ("digest subscribe werktags 09:30 in Springfield", "Die Zeitzone „Springfield“ kenne"),
        (
            "digest subscribe werktags 09:30 in Pacific",
            "„Pacific“ passt zu mehreren Zeitzonen: America/Los_Angeles, America/Vancouver.",
        ),
    ],
)
def test_a_wrong_schedule_says_what_was_wrong_and_shows_an_example(
    desk_core: Newsdesk, store: MemoryStore, command: str, sentence: str
) -> None:
    reply = desk_core.handle(command, CHANNEL)
    assert reply.kind is ReplyKind.PROBLEM
    assert sentence in reply.text
    assert "digest subscribe werktags 09:30 in Europe/Berlin" in reply.text
    assert store.subscriptions() == []


@pytest.mark.parametrize(
    ("command", "sentence"),
    [
        ("digest subscribe", "Tell me when the digest should come."),
        ("digest subscribe every weekday at 25:00", "There is no time “25:00”"),
        ("digest subscribe mondays", "“mondays” needs a time of day, e.g. “mondays at 08:00”."),
        ("digest subscribe every fortnight", "I don't understand the schedule “every fortnight”."),
        ("digest subscribe every 2 days", "The interval “2 days” does not divide the day"),
        ("digest subscribe daily 08:00 in Atlantis", "I don't know the time zone “Atlantis”"),
        ("digest subscribe daily 08:00 in Central", "“Central” matches several time zones"),
    ],
)
def test_every_kind_of_schedule_gets_its_own_english_sentence(
    tmp_path: Path, store: MemoryStore, command: str, sentence: str
) -> None:
    settings = make_settings(tmp_path, language="en")
    core = build_newsdesk(settings, store=lambda: store, clock=lambda: NOW)
    reply = core.handle(command, CHANNEL)
    assert reply.kind is ReplyKind.PROBLEM
    assert sentence in reply.text
    assert "digest subscribe weekdays 09:30 in Europe/Berlin" in reply.text
    assert store.subscriptions() == []


def test_list_shows_next_run_last_run_and_status(desk_core: Newsdesk, store: MemoryStore) -> None:
    assert desk_core.handle("digest list", CHANNEL).text.startswith(
        "Dieser Kanal hat kein Digest-Abo."
    )
    desk_core.handle("digest subscribe mondays 08:00 about Microsoft", CHANNEL)
    [subscription] = store.subscriptions()
    store.record_run(
        subscription.id,
        ran_at=NOW,
        next_run=dt.datetime(2026, 11, 30, 7, 0, tzinfo=dt.UTC),
        error="channel_not_found",
    )
    text = desk_core.handle("digest list", CHANNEL).text
    assert text == (
        "Digest-Abos in diesem Kanal:\n\n1. montags um 08:00 (Europe/Berlin) zum Thema "
        "„Microsoft“: nächster Mo 30.11.2026 08:00, letzter Mo 23.11.2026 08:00, "
        "channel_not_found"
    )


def test_list_shows_only_this_channels_subscriptions(desk_core: Newsdesk) -> None:
    desk_core.handle("digest subscribe daily 08:00", CHANNEL)
    other = RequestContext(Destination("slack", "C2"))
    assert "kein Digest-Abo" in desk_core.handle("digest list", other).text


def test_unsubscribe_all_ends_this_channels_subscriptions(
    desk_core: Newsdesk, store: MemoryStore
) -> None:
    desk_core.handle("digest subscribe daily 08:00", CHANNEL)
    desk_core.handle("digest subscribe mondays 09:00", CHANNEL)
    desk_core.handle("digest subscribe daily 08:00", RequestContext(Destination("slack", "C2")))
    asked = desk_core.handle("digest unsubscribe", CHANNEL)  # two: which one? nothing ends
    assert asked.kind == ReplyKind.PROBLEM
    assert "digest unsubscribe 1" in asked.text
    assert "digest unsubscribe all" in asked.text
    assert len(store.subscriptions()) == 3
    reply = desk_core.handle("digest unsubscribe all", CHANNEL)
    assert reply.text == "Alle 2 Digest-Abos in diesem Kanal sind beendet."
    assert [s.destination.channel for s in store.subscriptions()] == ["C2"]


def test_unsubscribe_a_number_from_the_list_ends_only_that_one(
    desk_core: Newsdesk, store: MemoryStore
) -> None:
    desk_core.handle("digest subscribe daily 08:00", CHANNEL)
    desk_core.handle("digest subscribe mondays 09:00", CHANNEL)
    assert "\n2. montags um 09:00" in desk_core.handle("digest list", CHANNEL).text
    missing = desk_core.handle("digest unsubscribe 3", CHANNEL)
    assert missing.kind == ReplyKind.PROBLEM
    assert "Nummer 3" in missing.text
    assert "digest list" in missing.text
    assert desk_core.handle("digest unsubscribe 2", CHANNEL).text.startswith("Beendet: montags")
    assert [s.cron for s in store.subscriptions()] == ["0 8 * * *"]
    assert desk_core.handle("digest unsubscribe", CHANNEL).text.startswith("Beendet: täglich")
    assert store.subscriptions() == []


def test_an_identical_subscription_is_refused(desk_core: Newsdesk, store: MemoryStore) -> None:
    desk_core.handle("digest subscribe daily 08:00 about Microsoft", CHANNEL)
    again = desk_core.handle("digest subscribe täglich 8 Uhr über microsoft", CHANNEL)
    assert again.kind == ReplyKind.PROBLEM
    assert again.text.startswith("Dieses Abo gibt es in diesem Kanal schon")
    other_topic = desk_core.handle("digest subscribe daily 08:00 about OpenAI", CHANNEL)
    assert other_topic.text.startswith("Abonniert")
    assert len(store.subscriptions()) == 2


def test_no_reply_speaks_in_parenthesised_plurals() -> None:
    for language in ("de", "en"):
        book = phrasebook(language)
        texts = [getattr(book, f.name) for f in dataclasses.fields(book)]
        sentences = [t for t in texts if isinstance(t, str)]
        assert sentences
        assert not [t for t in sentences if "(s)" in t or "(e)" in t or "(n)" in t]


def test_someone_without_permission_is_refused_politely(
    desk_core: Newsdesk, store: MemoryStore
) -> None:
    guest = RequestContext(Destination("slack", "C1"), user="U9", may_manage=False)
    for command in ("digest subscribe daily 08:00", "digest unsubscribe"):
        reply = desk_core.handle(command, guest)
        assert reply.kind is ReplyKind.PROBLEM
        assert reply.text.startswith("Die Digest-Abos dieses Kanals darfst du nicht ändern.")
    assert store.subscriptions() == []
    assert desk_core.handle("digest list", guest).kind is ReplyKind.INFO
    assert desk_core.handle("digest now", guest).kind is ReplyKind.DIGEST


def test_digest_help_and_unknown_subcommands(desk_core: Newsdesk) -> None:
    assert desk_core.handle("digest").text.startswith("Digests fassen neue Artikel")
    reply = desk_core.handle("digest frobnicate")
    assert reply.text.startswith("„digest frobnicate“ kenne ich nicht.")
    assert "digest subscribe <Zeitplan>" in reply.text


def test_the_console_is_the_default_channel(desk_core: Newsdesk, store: MemoryStore) -> None:
    desk_core.handle("digest subscribe daily 08:00")
    assert store.subscriptions()[0].destination == CONSOLE.destination


def test_english_digest_sentences(tmp_path: Path, store: MemoryStore) -> None:
    core = build_newsdesk(
        make_settings(tmp_path, language="en"), store=lambda: store, clock=lambda: NOW
    )
    reply = core.handle("digest subscribe weekdays 09:30", CHANNEL)
    assert reply.text.startswith("Subscribed: weekdays at 09:30 (Europe/Berlin).")
    assert "Next digests: Mon 2026-11-23 09:30" in reply.text


def test_an_article_added_while_running_appears_in_the_next_digest(
    tmp_path: Path, store: MemoryStore
) -> None:
    articles = tmp_path / "articles"
    shutil.copytree(SEEDS, articles)
    core = build_newsdesk(
        make_settings(tmp_path / "data", articles_dir=articles),
        store=lambda: store,
        clock=lambda: NOW,
    )
    before = core.knowledge
    (articles / "005_quark.md").write_text(
        "---\ntitle: Quarkbyte stellt Q-9 vor\nsource: Beispiel.de\npublished: 2026-11-20\n---\n"
        "Die Firma Quarkbyte stellt das Sprachmodell Q-9 vor. Es soll im Frühjahr erscheinen.\n\n"
        "Quarkbyte sammelte dafür 40 Millionen Euro ein.\n",
        encoding="utf-8",
    )
    assert core.archive.changed()
    assert asyncio.run(core.archive.refresh())
    assert core.knowledge is not before
    digest = core.handle("digest now").digest
    assert digest is not None
    assert digest.items[0].title == "Quarkbyte stellt Q-9 vor"
    assert core.ask("Wie viel Geld sammelte Quarkbyte ein?").answered
