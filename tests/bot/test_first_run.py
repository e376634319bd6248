"""The first-run rule means "nothing was ever delivered to this channel", not "never ran"."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

from bot import Destination, Digest
from bot.delivery import DeliveryLoop, PostError
from tests.bot.test_delivery import FakeClock
from tests.bot.test_digest_end_to_end import MONDAY_0700_UTC, TEAM, Recorder, setup


class RefusesFirst(Recorder):
    """A poster whose first post is refused (the bot is not in the channel yet)."""

    def __init__(self) -> None:
        super().__init__()
        self.refused = 0

    async def post(
        self, destination: Destination, digest: Digest, *, delivery_id: int | None = None
    ) -> str | None:
        if not self.refused:
            self.refused += 1
            raise PostError("not_in_channel", permanent=True)
        return await super().post(destination, digest, delivery_id=delivery_id)


def test_a_failed_first_run_keeps_the_first_run_protection(tmp_path: Path) -> None:
    async def scenario() -> None:
        clock = FakeClock(MONDAY_0700_UTC)
        core, store, _ = setup(tmp_path, clock)
        assert core.desk is not None
        core.handle("digest subscribe daily 09:00", TEAM)
        poster = RefusesFirst()
        loop = DeliveryLoop(store, core.desk.digests, {"slack": poster}, clock)
        clock.advance(dt.timedelta(hours=1))
        [failed] = await loop.run_due()
        assert failed.status == "permanent_failure"
        clock.advance(dt.timedelta(days=1))
        [posted] = await loop.run_due()
        assert posted.status == "posted"
        [(_, digest)] = poster.posts
        assert len(digest.items) == 3  # still a first digest: the latest few
        assert digest.older
        assert not digest.more

    asyncio.run(scenario())


def test_an_empty_first_run_keeps_the_first_run_protection(tmp_path: Path) -> None:
    async def scenario() -> None:
        clock = FakeClock(MONDAY_0700_UTC)
        core, store, articles = setup(tmp_path, clock)
        assert core.desk is not None
        core.handle("digest subscribe daily 09:00 about Quarkbyte", TEAM)
        poster = Recorder()
        loop = DeliveryLoop(store, core.desk.digests, {"slack": poster}, clock)
        clock.advance(dt.timedelta(hours=1))
        [empty] = await loop.run_due()
        assert empty.status == "nothing_new"
        for n in range(6):
            (articles / f"8{n}_quarkbyte.md").write_text(
                f"---\ntitle: Quarkbyte Nummer {n}\nsource: Beispiel.de\n"
                f"published: 2026-11-2{n % 3}\n---\nQuarkbyte stellt Modell {n} vor. Mehr folgt.\n",
                encoding="utf-8",
            )
        assert await core.archive.refresh()
        clock.advance(dt.timedelta(days=1))
        [posted] = await loop.run_due()
        assert posted.status == "posted"
        [(_, digest)] = poster.posts
        assert len(digest.items) == 3
        assert len(digest.older) == 3
        assert not digest.more

    asyncio.run(scenario())
