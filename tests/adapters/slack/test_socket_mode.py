"""Slack in Socket Mode: the same flows through a websocket, with envelopes in and acks out."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from adapters.slack.harness import SlackHarness
from adapters.slack.payloads import envelope, mention_event
from adapters.slack.render import VOTE_DOWN
from bot import Settings, build_newsdesk
from bot.store import MemoryStore

QUESTION = "Wie viel bot Musk für OpenAI?"


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
async def bot(seed_settings: Settings, store: MemoryStore) -> AsyncIterator[SlackHarness]:
    core = build_newsdesk(seed_settings, store=lambda: store)
    async with SlackHarness.serve(core, seed_settings, socket_mode=True) as harness:
        yield harness


def texts(message: dict[str, object]) -> list[str]:
    blocks = message["blocks"]
    assert isinstance(blocks, list)
    return [b["text"]["text"] for b in blocks if b["type"] == "section"]


async def test_the_service_connects_with_the_app_token_and_serves_no_http(
    bot: SlackHarness,
) -> None:
    [opened] = bot.fake.calls_to("apps.connections.open")
    assert opened.token == bot.fake.app_token
    assert bot.fake.connected == 1
    assert bot.service.address is None


async def test_a_slash_command_is_acked_on_the_socket_then_answered(bot: SlackHarness) -> None:
    await bot.fake.push(
        envelope(
            "slash_commands",
            {
                "command": "/ask",
                "text": QUESTION,
                "user_id": "U1",
                "channel_id": "C1",
                "team_id": "T0001",
                "response_url": bot.fake.response_url("r1"),
            },
            envelope_id="e-ask",
        )
    )
    assert await bot.fake.ack("e-ask") == {"envelope_id": "e-ask"}
    await bot.fake.wait_for(lambda: bot.fake.responses_to("r1"))
    [answer] = bot.fake.responses_to("r1")
    assert answer["response_type"] == "ephemeral"
    assert texts(answer)[0] == f"> {QUESTION}"
    assert "Elon *Musk*" in texts(answer)[1]


async def test_a_mention_and_its_retry_get_one_threaded_answer(bot: SlackHarness) -> None:
    event = mention_event(f"<@UBOT> {QUESTION}", ts="400.0", channel="C5")
    assert await bot.event(event) == 200
    assert await bot.event(event, retry_num=1) == 200
    await bot.fake.wait_for(lambda: bot.fake.calls_to("chat.postMessage"))
    await asyncio.sleep(0.2)
    assert await bot.service.inflight.drain(10)
    [post] = bot.fake.calls_to("chat.postMessage")
    assert (post.args["channel"], post.args["thread_ts"]) == ("C5", "400.0")


async def test_a_vote_through_the_socket_is_recorded(bot: SlackHarness, store: MemoryStore) -> None:
    assert await bot.click(VOTE_DOWN, "answer-7", user="U3") == 200
    await bot.fake.wait_for(lambda: bot.fake.responses_to("click"))
    assert bot.fake.responses_to("click")[0]["text"] == (
        "Danke! Gespeichert: diese Antwort hat nicht geholfen."
    )
    assert store.votes("answer-7") == {"U3": "down"}


async def test_stopping_closes_the_socket(bot: SlackHarness) -> None:
    assert bot.fake.connected == 1
    await bot.stop()
    await bot.fake.wait_for(lambda: bot.fake.connected == 0)
