"""Slack in HTTP mode: the real Bolt app on 127.0.0.1, signed requests in, a fake Slack out.

Each test sends what Slack sends (slash commands, events, button clicks) and asserts on what the
bot sent back over the wire: the response URL's messages and the ``chat.postMessage`` calls.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from adapters.slack.harness import SIGNING_SECRET, SlackHarness
from adapters.slack.payloads import mention_event, message_event, signed_headers
from adapters.slack.render import SHARE, VOTE_UP
from bot import GERMAN, Newsdesk, RequestContext, Settings, build_newsdesk
from bot.store import MemoryStore
from tests.conftest import SEEDS, make_settings

QUESTION = "Wie viel bot Musk für OpenAI?"
NOT_ALLOWED = (
    "Die Digest-Abos dieses Kanals darfst du nicht ändern. Frag jemanden, der den Kanal "
    "verwaltet; `/digest list` und `/digest now` gehen für alle."
)


@pytest.fixture
def store() -> Iterator[MemoryStore]:
    made = MemoryStore()
    yield made
    made.close()


@pytest.fixture
def newsdesk(seed_settings: Settings, store: MemoryStore) -> Newsdesk:
    return build_newsdesk(seed_settings, store=lambda: store)


@pytest.fixture
async def bot(newsdesk: Newsdesk, seed_settings: Settings) -> AsyncIterator[SlackHarness]:
    async with SlackHarness.serve(newsdesk, seed_settings) as harness:
        yield harness


def texts(message: dict[str, Any]) -> list[str]:
    return [b["text"]["text"] for b in message["blocks"] if b["type"] == "section"]


def button(message: dict[str, Any], action_id: str) -> str:
    for block in message["blocks"]:
        for element in block.get("elements", ()):
            if element.get("action_id") == action_id:
                return str(element["value"])
    raise AssertionError(f"no {action_id} button in {message}")


async def response(bot: SlackHarness, key: str = "r1") -> dict[str, Any]:
    """The first message sent to one response URL, once it arrives."""
    await bot.fake.wait_for(lambda: bot.fake.responses_to(key))
    return bot.fake.responses_to(key)[0]


async def posted(bot: SlackHarness) -> dict[str, Any]:
    """The arguments of the first ``chat.postMessage``, once it arrives."""
    await bot.fake.wait_for(lambda: bot.fake.calls_to("chat.postMessage"))
    return bot.fake.calls_to("chat.postMessage")[0].args


async def settle(bot: SlackHarness) -> None:
    """Let every listener that was started finish."""
    await asyncio.sleep(0.2)
    assert await bot.service.inflight.drain(10)


async def test_ask_acks_at_once_then_answers_the_asker_restating_the_question(
    bot: SlackHarness,
) -> None:
    started = time.perf_counter()
    assert await bot.command(QUESTION) == 200
    assert time.perf_counter() - started < 1.0
    answer = await response(bot)
    assert answer["response_type"] == "ephemeral"
    question, body = texts(answer)[:2]
    assert question == f"> {QUESTION}"
    assert "Elon *Musk*" in body
    assert "[1]" in body
    assert "Musk" in answer["text"]
    assert "link_names" not in answer
    assert "parse" not in answer


async def test_ask_without_a_question_shows_usage(bot: SlackHarness) -> None:
    await bot.command("")
    usage = await response(bot)
    assert texts(usage)[0].startswith("Ich beantworte Fragen aus dem Nachrichtenarchiv")


async def test_digest_help_shows_the_digest_commands(bot: SlackHarness) -> None:
    await bot.command("help", command="/digest")
    usage = await response(bot)
    assert texts(usage)[0] == "> /digest help"
    assert texts(usage)[1].startswith(GERMAN.digest_help[0])


async def test_examples_in_replies_are_slack_commands(bot: SlackHarness) -> None:
    await bot.command("subscribe every fortnight", command="/digest")
    wrong = await response(bot)
    assert wrong["response_type"] == "ephemeral"
    assert texts(wrong)[1:] == [
        "Den Zeitplan „every fortnight“ verstehe ich nicht.\n"
        "So geht es zum Beispiel: `/digest subscribe werktags 09:30 in Europe/Berlin`",
    ]
    await bot.command("help", command="/digest", response_key="r2")
    helped = "\n".join(texts(await response(bot, "r2")))
    assert (
        "`/digest subscribe &lt;Zeitplan&gt; [in &lt;Zeitzone&gt;] [about &lt;Thema&gt;]`" in helped
    )
    assert "`/digest unsubscribe 1` (oder `/digest unsubscribe all`)" in helped
    assert " digest list" not in helped  # never the console's bare commands


async def test_a_mention_is_answered_in_a_thread_under_it(bot: SlackHarness) -> None:
    assert await bot.event(mention_event(f"<@UBOT> {QUESTION}", ts="100.1", channel="C7")) == 200
    post = await posted(bot)
    assert (post["channel"], post["thread_ts"]) == ("C7", "100.1")
    assert "Elon *Musk*" in texts(post)[0]
    assert "link_names" not in post
    assert "parse" not in post


async def test_a_mention_in_a_thread_is_answered_in_that_thread(bot: SlackHarness) -> None:
    await bot.event(mention_event(f"<@UBOT> {QUESTION}", ts="101.0", thread_ts="100.1"))
    assert (await posted(bot))["thread_ts"] == "100.1"


async def test_a_thread_the_bot_answered_continues_without_a_mention(bot: SlackHarness) -> None:
    await bot.event(mention_event(f"<@UBOT> {QUESTION}", ts="200.1", channel="C7"))
    await bot.fake.wait_for(lambda: len(bot.fake.calls_to("chat.postMessage")) == 1)
    follow_up = message_event(
        "und wann war das?", ts="200.5", channel="C7", channel_type="channel", thread_ts="200.1"
    )
    assert await bot.event(follow_up) == 200
    await bot.fake.wait_for(lambda: len(bot.fake.calls_to("chat.postMessage")) == 2)
    answer = bot.fake.calls_to("chat.postMessage")[1].args
    assert (answer["channel"], answer["thread_ts"]) == ("C7", "200.1")
    assert "10. Februar" in " ".join(texts(answer))  # the date of the offer, read in context

    # not for the bot: another thread, the same thread ts in another channel, small talk
    for event in (
        message_event(
            "und wann?", ts="300.5", channel="C7", channel_type="channel", thread_ts="300.1"
        ),
        message_event(
            "und wann?", ts="200.6", channel="C8", channel_type="channel", thread_ts="200.1"
        ),
        message_event(
            "danke!", ts="200.7", channel="C7", channel_type="channel", thread_ts="200.1"
        ),
    ):
        assert await bot.event(event) == 200
    await settle(bot)
    assert len(bot.fake.calls_to("chat.postMessage")) == 2


async def test_a_direct_message_is_answered_there(bot: SlackHarness) -> None:
    await bot.event(message_event("digest list", ts="5.0", channel="D3"))
    post = await posted(bot)
    assert post["channel"] == "D3"
    assert "thread_ts" not in post
    assert texts(post) == [
        "Dieser Kanal hat kein Digest-Abo. Eins anlegen: `/digest subscribe werktags 09:30`"
    ]


async def test_one_mention_delivered_twice_and_retried_is_answered_once(bot: SlackHarness) -> None:
    text = f"<@UBOT> {QUESTION}"
    await bot.event(mention_event(text, ts="200.0"), event_id="Ev1")
    await bot.event(message_event(text, ts="200.0", channel="C1", channel_type="channel"))
    await bot.event(mention_event(text, ts="200.0"), event_id="Ev1", retry_num=1)
    await bot.fake.wait_for(lambda: bot.fake.calls_to("chat.postMessage"))
    await settle(bot)
    assert len(bot.fake.calls_to("chat.postMessage")) == 1


async def test_the_bot_ignores_bots_and_edits(bot: SlackHarness) -> None:
    await bot.event(message_event("Ich bin ein Bot", ts="1.0", bot_id="B9"))
    await bot.event(message_event("", ts="2.0", subtype="message_changed"))
    await settle(bot)
    assert bot.fake.calls_to("chat.postMessage") == []


async def test_a_vote_is_recorded_and_acknowledged_to_the_voter(
    bot: SlackHarness, store: MemoryStore
) -> None:
    await bot.event(mention_event(f"<@UBOT> {QUESTION}", ts="300.0"))
    answer_id = button(await posted(bot), VOTE_UP)
    assert await bot.click(VOTE_UP, answer_id, user="U2", ephemeral=False) == 200
    assert await response(bot, "click") == {
        "text": GERMAN.feedback_thanks,
        "response_type": "ephemeral",
        "replace_original": False,
    }
    assert store.votes(answer_id) == {"U2": "up"}
    [voted] = store.feedback()  # stored with what it is about
    assert (voted.answer.answer_id, voted.answer.platform) == (answer_id, "slack")
    assert voted.answer.question == QUESTION
    assert voted.answer.article_ids[0] == "001_37de1b6d01b33ede"
    assert (voted.up, voted.down) == (1, 0)


async def test_post_to_channel_shows_the_same_answer_to_everyone_saying_who_asked(
    bot: SlackHarness,
) -> None:
    await bot.command(QUESTION, user="U1")
    private = await response(bot)
    await bot.click(SHARE, button(private, SHARE), user="U1", response_key="share")
    await bot.fake.wait_for(lambda: len(bot.fake.responses_to("share")) == 2)
    public, cleanup = bot.fake.responses_to("share")
    assert public["response_type"] == "in_channel"
    assert public["replace_original"] is False
    assert texts(public)[0] == f"<@U1> fragte: {QUESTION}"
    assert texts(public)[1:] == texts(private)[1:]
    assert button(public, VOTE_UP) == button(private, VOTE_UP)
    assert SHARE not in json.dumps(public)
    assert cleanup["delete_original"] is True


async def test_only_managers_may_change_subscriptions_when_managers_are_set(
    newsdesk: Newsdesk, seed_settings: Settings, store: MemoryStore
) -> None:
    async with SlackHarness.serve(newsdesk, seed_settings, managers="U9") as bot:
        await bot.command("subscribe daily 08:00", command="/digest", user="U1")
        assert texts(await response(bot))[1] == NOT_ALLOWED
        assert store.subscriptions() == []

        await bot.command("subscribe daily 08:00", command="/digest", user="U9", response_key="r2")
        assert texts(await response(bot, "r2"))[1].startswith("Abonniert: täglich um 08:00")
        [subscription] = store.subscriptions()
        assert subscription.destination.key == "slack:C1"


async def test_workspace_admins_may_manage_when_admins_are_listed(
    newsdesk: Newsdesk, seed_settings: Settings, store: MemoryStore
) -> None:
    users = {"UADMIN": {"id": "UADMIN", "is_admin": True}, "U1": {"id": "U1", "is_admin": False}}
    async with SlackHarness.serve(newsdesk, seed_settings, managers="admins", users=users) as bot:
        replies = []
        for n, user in enumerate(["U1", "UADMIN", "UADMIN"]):
            key = f"r{n}"
            await bot.command(  # distinct schedules: an identical one is refused as a duplicate
                f"subscribe daily {8 + n:02d}:00", command="/digest", user=user, response_key=key
            )
            replies.append(texts(await response(bot, key))[1])
        assert replies[0] == NOT_ALLOWED
        assert all(reply.startswith("Abonniert") for reply in replies[1:])
        assert len(store.subscriptions()) == 2
        asked = [call.args["user"] for call in bot.fake.calls_to("users.info")]
        assert asked == ["U1", "UADMIN"]  # remembered for a while, not asked each time


async def test_nobody_can_be_pinged_through_the_bot(tmp_path: Path) -> None:
    articles = tmp_path / "articles"
    shutil.copytree(SEEDS, articles)
    (articles / "quark.md").write_text(
        "---\ntitle: Quarkbot <!channel> Rückruf\nsource: Spam & <Eggs>\npublished: 2026-01-02\n"
        "---\nDer Quarkbot kostet fünf Euro, meldet <!channel> mit @here und @everyone und "
        "<!subteam^S1|@devs> und <@U2>.\n\nDer Quarkbot wird in Quarkstadt gebaut.\n",
        encoding="utf-8",
    )
    settings = make_settings(tmp_path / "data", articles_dir=articles)
    async with SlackHarness.serve(build_newsdesk(settings), settings) as bot:
        question = "Was kostet der Quarkbot? <!channel> <!here> @everyone"
        await bot.event(mention_event(f"<@UBOT> {question}", ts="1.0"))
        await bot.command(question.replace("<", "&lt;").replace(">", "&gt;"))
        sent_both = [await posted(bot), await response(bot)]
    for sent in sent_both:
        wire = json.dumps(sent, ensure_ascii=False)
        assert "*Quarkbot*" in wire
        assert "fünf Euro" in wire
        assert not re.search(r"<!|<@U2>", wire)
        assert not re.search(r"[@＠]\*?(channel|here|everyone)\b", wire)
        assert "link_names" not in sent
        assert "parse" not in sent


async def test_url_verification_is_answered(bot: SlackHarness) -> None:
    body = json.dumps({"type": "url_verification", "challenge": "3eZbrw1aB", "token": "t"})
    headers = signed_headers(SIGNING_SECRET, body, content_type="application/json")
    status, text = await bot.post(body, content_type="application/json", headers=headers)
    assert (status, json.loads(text)) == (200, {"challenge": "3eZbrw1aB"})


class SlowNewsdesk(Newsdesk):
    """A core whose every answer takes a second of CPU-bound work."""

    def handle(self, text: str, context: RequestContext | None = None) -> Any:
        time.sleep(1.0)
        return super().handle(text, context)


async def test_a_slow_search_never_delays_another_acknowledgement(
    newsdesk: Newsdesk, seed_settings: Settings
) -> None:
    slow = SlowNewsdesk(newsdesk.archive, newsdesk.phrases, desk=newsdesk.desk)
    async with SlackHarness.serve(slow, seed_settings) as bot:
        started = time.perf_counter()
        statuses = await asyncio.gather(
            *(bot.command(QUESTION, response_key=f"r{n}") for n in range(3))
        )
        assert statuses == [200, 200, 200]
        assert time.perf_counter() - started < 0.9
        await bot.fake.wait_for(lambda: all(bot.fake.responses_to(f"r{n}") for n in range(3)))


async def test_feed_commands_are_served_as_slash_feed(
    bot: SlackHarness, store: MemoryStore
) -> None:
    await bot.command("add <https://www.heise.de/rss/heise-atom.xml> every 2h", command="/feed")
    added = await response(bot)
    assert texts(added)[0] == "> /feed add https://www.heise.de/rss/heise-atom.xml every 2h"
    assert texts(added)[1].startswith("Feed 1 hinzugefügt: https://www.heise.de/rss/heise-atom.xml")
    [feed] = store.feeds()
    assert feed.interval_minutes == 120
    assert feed.added_by is not None
    assert feed.added_by.key == "slack:C1"
    await bot.command("list", command="/feed", response_key="r2")
    listed = texts(await response(bot, "r2"))[1]
    assert listed == (
        "Feeds:\n1. https://www.heise.de/rss/heise-atom.xml: alle 2 Stunden; zuletzt abgerufen "
        "noch nicht; 0 Artikel; in Ordnung"
    )


async def test_only_managers_may_change_feeds_when_managers_are_set(
    newsdesk: Newsdesk, seed_settings: Settings, store: MemoryStore
) -> None:
    async with SlackHarness.serve(newsdesk, seed_settings, managers="U9") as bot:
        await bot.command("add https://www.heise.de/rss/heise-atom.xml", command="/feed", user="U1")
        assert texts(await response(bot))[1] == (
            "Feeds darfst du nicht ändern; frag jemanden, der den Kanal verwaltet. "
            "`/feed list` geht für alle."
        )
        assert store.feeds() == []
