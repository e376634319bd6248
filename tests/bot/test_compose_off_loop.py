"""Digests compose off the chat event loop (topic ranking is CPU work)."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from bot.delivery import DeliveryLoop
from bot.digest import Digest
from tests.bot.test_delivery import FakeClock
from tests.bot.test_digest_end_to_end import MONDAY_0700_UTC, TEAM, Recorder, setup


def on_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def test_topic_digests_compose_in_a_worker_thread(tmp_path: Path) -> None:
    async def scenario() -> None:
        clock = FakeClock(MONDAY_0700_UTC)
        core, store, _ = setup(tmp_path, clock)
        assert core.desk is not None
        source = core.desk.digests
        seen: list[bool] = []

        class Watching:
            def compose_for(
                self, topic: str | None, sent: frozenset[str], *, first_run: bool
            ) -> Digest:
                seen.append(on_event_loop())
                return source.compose_for(topic, sent, first_run=first_run)

            def resend(self, article_ids: Sequence[str]) -> Digest | None:
                seen.append(on_event_loop())
                return source.resend(article_ids)

        core.handle("digest subscribe daily 09:00 about OpenAI", TEAM)
        poster = Recorder()
        loop = DeliveryLoop(store, Watching(), {"slack": poster}, clock)
        clock.advance(dt.timedelta(hours=1))
        [outcome] = await loop.run_due()
        assert outcome.status == "posted"
        assert seen == [False]

    asyncio.run(scenario())
