"""Feed commands as a channel meets them: feed add, feed list, feed remove, feed help."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import Newsdesk, ReplyKind, build_newsdesk
from bot.commands import FeedAdd, FeedHelp, FeedList, FeedRemove, parse_command
from bot.feeds import parse_interval, valid_feed_url
from bot.store import Destination, FeedFetchRecord, MemoryStore
from bot.subscriptions import RequestContext
from tests.conftest import make_settings

NOW = dt.datetime(2026, 11, 23, 7, 0, tzinfo=dt.UTC)  # 08:00 in Berlin
CHANNEL = RequestContext(Destination("slack", "C1"), user="U1")
VISITOR = RequestContext(Destination("slack", "C1"), user="U2", may_manage=False)
FEED = "https://www.heise.de/rss/heise-atom.xml"


@pytest.fixture
def store() -> Iterator[MemoryStore]:
    memory = MemoryStore()
    yield memory
    memory.close()


@pytest.fixture
def core(tmp_path: Path, store: MemoryStore) -> Newsdesk:
    return build_newsdesk(make_settings(tmp_path), store=lambda: store, clock=lambda: NOW)


@pytest.fixture
def english(tmp_path: Path, store: MemoryStore) -> Newsdesk:
    settings = make_settings(tmp_path, language="en")
    return build_newsdesk(settings, store=lambda: store, clock=lambda: NOW)


@pytest.mark.parametrize(
    ("text", "command"),
    [
        (f"feed add {FEED}", FeedAdd(FEED)),
        (f"feed add {FEED} every 30m", FeedAdd(FEED, "every 30m")),
        (f"Feed hinzufügen {FEED} alle 2h", FeedAdd(FEED, "alle 2h")),
        (f"feed add <{FEED}>", FeedAdd(FEED)),  # Slack's link markup
        (f"feed add <{FEED}|heise>", FeedAdd(FEED)),
        ("feed list", FeedList()),
        ("feeds liste", FeedList()),
        ("feed remove 2", FeedRemove(2, "2")),
        ("feed entfernen #1", FeedRemove(1, "#1")),
        ("feed remove", FeedRemove()),
        ("feed remove zwei", FeedRemove(None, "zwei")),
        ("feed", FeedHelp()),
        ("feed help", FeedHelp()),
        ("feed add", FeedHelp(unknown="add")),
        ("feed fetch", FeedHelp(unknown="fetch")),
    ],
)
def test_the_feed_grammar(text: str, command: object) -> None:
    assert parse_command(text) == command


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("every 30m", 30), ("alle 2h", 120), ("every 1d", 1440), ("every 45 minutes", 45),
     ("alle 3 Stunden", 180), ("every 7 days", 10080), ("every 4m", None), ("every 8d", None),
     ("every hour", None), ("30m", None), ("every -5m", None)],
)  # fmt: skip
def test_intervals(text: str, minutes: int | None) -> None:
    assert parse_interval(text) == minutes


@pytest.mark.parametrize(
    ("url", "ok"),
    [(FEED, True), ("http://blog.example/feed", True), ("ftp://x.example/f", False),
     ("heise.de/rss", False), ("https://user:pw@x.example/", False), ("https:// x", False),
     ("javascript:alert(1)", False)],
)  # fmt: skip
def test_feed_addresses(url: str, ok: bool) -> None:
    assert valid_feed_url(url) is ok


def test_feed_add_records_the_feed_due_at_once_and_says_when(
    core: Newsdesk, store: MemoryStore
) -> None:
    reply = core.handle(f"feed add {FEED} every 30m", CHANNEL)
    assert reply.kind is ReplyKind.INFO
    assert reply.text.startswith(f"Feed 1 hinzugefügt: {FEED}, abgerufen alle 30 Minuten.")
    (feed,) = store.feeds()
    assert (feed.url, feed.interval_minutes, feed.added_by) == (FEED, 30, CHANNEL.destination)
    assert store.due_feeds(NOW) == [feed]


def test_feed_add_without_an_interval_uses_the_setting(core: Newsdesk, store: MemoryStore) -> None:
    reply = core.handle(f"feed add {FEED}", CHANNEL)
    assert "abgerufen alle 1 Stunde." in reply.text
    assert store.feeds()[0].interval_minutes == 60


def test_the_same_feed_twice_is_refused_with_its_number(core: Newsdesk, store: MemoryStore) -> None:
    core.handle("feed add https://a.example/rss", CHANNEL)
    core.handle(f"feed add {FEED}", CHANNEL)
    again = core.handle(f"feed add {FEED.replace('www.heise.de', 'WWW.HEISE.DE')}/", CHANNEL)
    assert again.kind is ReplyKind.PROBLEM
    assert again.text == "Diesen Feed gibt es schon: Nummer 2 in /feed list."  # as Slack types it
    assert len(store.feeds()) == 2


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("feed add heise.de/rss", "„heise.de/rss“ ist keine Feed-Adresse"),
        ("feed add ftp://heise.de/rss", "„ftp://heise.de/rss“ ist keine Feed-Adresse"),
        (f"feed add {FEED} every 2m", "Das Intervall „every 2m“ verstehe ich nicht"),
        (f"feed add {FEED} every often", "Das Intervall „every often“ verstehe ich nicht"),
    ],
)
def test_a_bad_address_or_interval_gets_a_sentence_and_an_example(
    core: Newsdesk, store: MemoryStore, text: str, start: str
) -> None:
    reply = core.handle(text, CHANNEL)
    assert reply.kind is ReplyKind.PROBLEM
    assert reply.text.startswith(start)
    assert "feed add https://" in reply.text or "every 30m" in reply.text
    assert store.feeds() == []


def test_feed_list_shows_last_fetch_error_and_count(core: Newsdesk, store: MemoryStore) -> None:
    assert core.handle("feed list", CHANNEL).text.startswith("Noch kein Feed.")
    core.handle(f"feed add {FEED} every 30m", CHANNEL)
    core.handle("feed add https://gone.example/rss every 1h", CHANNEL)
    first, second = store.feeds()
    store.record_fetch(
        first.id,
        FeedFetchRecord(NOW, NOW + dt.timedelta(minutes=30), None, 0, title="heise online"),
    )
    store.record_fetch(
        second.id, FeedFetchRecord(NOW, NOW + dt.timedelta(hours=2), "not_found:404", 1)
    )
    lines = core.handle("feed list", VISITOR).text.split("\n\n")  # anyone may list
    assert lines[0] == "Feeds:"
    assert lines[1] == (
        f"1. heise online ({FEED}): alle 30 Minuten; zuletzt abgerufen Mo 23.11.2026 08:00; "
        "0 Artikel; in Ordnung"
    )
    assert lines[2].startswith("2. https://gone.example/rss: alle 1 Stunde; zuletzt abgerufen")
    assert lines[2].endswith("Fehler: die Seite gibt es nicht (HTTP 404); prüf die Adresse")


@pytest.mark.parametrize(
    ("code", "sentence"),
    [
        ("not_a_feed", "error: there is no RSS or Atom feed at that address"),
        ("not_found:404", "error: the page does not exist (HTTP 404); check the address"),
        ("timeout", "error: the server did not answer in time; I will try again"),
        ("tls", "error: the TLS connection failed (an invalid certificate?)"),
        ("too_large:5000000", "error: the response is larger than 5000000 bytes"),
        ("not_utf8", "error: the feed is not valid UTF-8"),
        ("rate_limited:120", "error: the server asks for a pause (Retry-After 120 s)"),
        ("blocked:10.0.0.1", "error: the address leads to a local or private network (10.0.0.1)"),
        ("something_new", "error: something went wrong on my side while fetching (see the log)"),
    ],
)
def test_every_feed_problem_reads_as_a_sentence(
    english: Newsdesk, store: MemoryStore, code: str, sentence: str
) -> None:
    english.handle(f"feed add {FEED}", CHANNEL)
    store.record_fetch(store.feeds()[0].id, FeedFetchRecord(NOW, NOW, code, 1))
    assert sentence in english.handle("feed list", CHANNEL).text


def test_feed_remove_by_number_keeps_the_articles(core: Newsdesk, store: MemoryStore) -> None:
    core.handle("feed add https://a.example/rss", CHANNEL)
    core.handle(f"feed add {FEED}", CHANNEL)
    assert core.handle("feed remove", CHANNEL).text.startswith("Es gibt 2 Feeds. Welcher soll")
    assert core.handle("feed remove 3", CHANNEL).text.startswith(
        "Einen Feed Nummer 3 gibt es nicht"
    )
    assert core.handle("feed remove zwei", CHANNEL).text.startswith("„zwei“ ist keine Nummer.")
    reply = core.handle("feed remove 1", CHANNEL)
    assert reply.text == "Feed beendet: https://a.example/rss (seine 0 Artikel bleiben im Archiv)."
    assert [f.url for f in store.feeds()] == [FEED]
    assert core.handle("feed remove", CHANNEL).text.startswith(f"Feed beendet: {FEED}")


def test_changing_feeds_needs_the_digest_permission(core: Newsdesk, store: MemoryStore) -> None:
    for text in (f"feed add {FEED}", "feed remove 1"):
        reply = core.handle(text, VISITOR)
        assert reply.kind is ReplyKind.PROBLEM
        assert reply.text.startswith("Feeds darfst du nicht ändern")
    assert store.feeds() == []


def test_feed_help_lists_the_commands_with_the_default_interval(english: Newsdesk) -> None:
    reply = english.handle("feed help", CHANNEL)
    assert "feed add <url> [every 30m]" in reply.text
    assert "(default: 1 hour)" in reply.text
    assert "feed list" in reply.text
    assert "feed remove <number>" in reply.text
    unknown = english.handle("feed fetch", CHANNEL)
    assert unknown.text.startswith("I don't know “feed fetch”.")


@pytest.mark.parametrize("platform", [None, "slack", "discord"])
def test_help_names_the_feed_commands_on_every_platform(
    core: Newsdesk, platform: str | None
) -> None:
    text = core.help(platform).text
    expected = {None: "feed add <URL>", "slack": "/feed add <URL>", "discord": "/feed add url:"}
    assert expected[platform] in text
    assert "feed list" in text
    assert "feed remove" in text


@pytest.mark.parametrize(
    ("where", "remove", "listing"),
    [
        (CHANNEL, "/feed remove 1", "/feed list"),
        (RequestContext(Destination("discord", "D1"), user="U1"), "/feed remove number: 1", None),
        (None, "feed remove 1", "feed list"),
    ],
)
def test_feed_sentences_show_commands_as_the_askers_platform_types_them(
    core: Newsdesk, where: RequestContext | None, remove: str, listing: str | None
) -> None:
    core.handle("feed add https://a.example/rss", where)
    core.handle(f"feed add {FEED}", where)
    which = core.handle("feed remove", where)
    assert which.kind is ReplyKind.PROBLEM
    assert remove in which.text
    assert [span.text for p in which.paragraphs for span in p if span.style == "command"] == [
        remove,
        listing or "/feed list",
    ]
    help_text = core.handle("feed help", where).text
    assert (listing or "/feed list") in help_text
