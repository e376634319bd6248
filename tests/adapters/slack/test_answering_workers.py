"""Slack served as `newsdesk run` serves it: questions answered in a worker process.

The real Bolt app on 127.0.0.1 with :class:`bot.CoreWorkers` in a process of its own: the
answers are the ones the core gives, commands still use this process's store, and the serving
process's own core is not asked the questions.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from adapters.slack.harness import SlackHarness
from adapters.slack.payloads import mention_event
from adapters.slack.render import to_blocks
from bot import CoreWorkers, Newsdesk, Reply, Settings, build_newsdesk
from bot.store import Destination, MemoryStore
from tests.conftest import make_settings

QUESTION = "Wie viel bot Musk für OpenAI?"


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path, answer_processes=1)


@pytest.fixture
def core(settings: Settings, store: MemoryStore) -> Newsdesk:
    return build_newsdesk(settings, store=lambda: store)


@pytest.fixture
async def workers(core: Newsdesk, settings: Settings) -> AsyncIterator[CoreWorkers]:
    started = CoreWorkers(core, settings)
    await asyncio.wait_for(started.start(), timeout=60)
    assert started.in_processes
    yield started
    await asyncio.wait_for(started.close(), timeout=30)


def questions_asked_here(core: Newsdesk) -> list[str]:
    """Record every text the serving process's own core is asked to handle."""
    asked: list[str] = []
    original = core.handle

    def handle(text: str, context: Any = None) -> Reply:
        asked.append(text)
        return original(text, context)

    core.handle = handle  # type: ignore[method-assign]
    return asked


async def test_slack_questions_are_answered_in_the_worker_and_commands_here(
    core: Newsdesk, settings: Settings, workers: CoreWorkers, store: MemoryStore
) -> None:
    expected = core.handle(QUESTION)
    here = questions_asked_here(core)
    async with SlackHarness.serve(core, settings, workers=workers) as bot:
        assert await bot.command(QUESTION, response_key="ask") == 200
        assert await bot.event(mention_event(f"<@UBOT> {QUESTION}", ts="100.1")) == 200
        assert (
            await bot.command("subscribe daily 09:00", command="/digest", response_key="sub") == 200
        )
        await bot.fake.wait_for(
            lambda: (
                bot.fake.responses_to("ask")
                and bot.fake.responses_to("sub")
                and bot.fake.calls_to("chat.postMessage")
            ),
            timeout=20,
        )
        [answer] = bot.fake.responses_to("ask")
        [posted] = bot.fake.calls_to("chat.postMessage")
        [subscribed] = bot.fake.responses_to("sub")

    rendered = to_blocks(expected, core.phrases)
    assert rendered["blocks"][0] in answer["blocks"]  # the same first paragraph of the answer
    assert rendered["text"] == answer["text"]
    assert posted.args["text"] == rendered["text"]
    assert "Abonniert: täglich um 09:00" in subscribed["text"]
    assert [s.destination for s in store.subscriptions()] == [Destination("slack", "C1")]
    assert here == ["digest subscribe daily 09:00"]  # the questions went to the worker
