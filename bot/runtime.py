"""A running bot's background work: the digest delivery loop, the archive watcher, the feed loop.

The archive watcher follows the store's archive generations (:mod:`bot.archive_sync`), so of
several replicas one reopens a changed archive and the others load what it saved.

Adapters serve their platforms; :class:`Runtime` runs beside them in the same event loop until
``stop`` is set. One process (plus the answering workers of :mod:`bot.workers`), one delivery
loop, whichever platforms are configured.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Protocol

from bot.archive_sync import ArchiveSync
from bot.core import Newsdesk
from bot.delivery import Clock, DeliveryEvents, DeliveryLoop, Poster, SystemClock
from bot.errors import NewsdeskError
from bot.feed_port import FeedSource
from bot.ingestion import ArticleWriter, FeedLoop, feed_policy
from bot.settings import Settings
from bot.workers import CoreWorkers

__all__ = ["PlatformService", "Runtime", "serve"]

logger = logging.getLogger(__name__)


class PlatformService(Protocol):
    """What a chat adapter offers ``newsdesk run``: its platform name, a poster, a server."""

    platform: str

    @property
    def poster(self) -> Poster:
        """Posts digests to this platform's channels."""
        ...

    async def run(self, stop: asyncio.Event) -> None:
        """Serve the platform until ``stop`` is set, then shut down cleanly."""
        ...


class Runtime:
    """The delivery loop, the archive watcher and the feed loop of one core."""

    def __init__(
        self,
        core: Newsdesk,
        posters: Mapping[str, Poster],
        settings: Settings,
        *,
        clock: Clock | None = None,
        events: DeliveryEvents | None = None,
        feeds: FeedSource | None = None,
    ) -> None:
        """Prepare the background work; nothing runs until :meth:`run`.

        ``feeds`` (``ingest.HttpFeedSource``) fetches the feeds; without it, none are fetched.

        Raises:
            NewsdeskError: the core has no digest desk (and so no store) to deliver from.
        """
        if core.desk is None:
            raise NewsdeskError("this core has no digest store; digests cannot be delivered")
        self.core = core
        self.settings = settings
        clock = clock or SystemClock()
        self.loop = DeliveryLoop(
            core.desk.store,
            core.desk.digests,
            posters,
            clock,
            post_empty=settings.digest_post_empty,
            poll_interval=settings.digest_poll_seconds,
            lease_seconds=settings.digest_lease_seconds,
            events=events,
        )
        self.archive = ArchiveSync(
            core.archive, core.desk.store, owner=self.loop.owner, clock=clock.now
        )
        self.feeds = (
            None
            if feeds is None
            else FeedLoop(
                core.desk.store,
                feeds,
                ArticleWriter(settings.feeds_dir),
                clock,
                feed_policy(settings),
            )
        )

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver digests, watch the articles folders and fetch feeds until ``stop`` is set."""
        logger.info("digest delivery and archive watch started")
        jobs = [
            self.loop.run(stop),
            self.archive.watch(stop, interval=self.settings.archive_scan_seconds),
        ]
        if self.feeds is not None:
            jobs.append(self.feeds.run(stop))
        await asyncio.gather(*jobs)
        logger.info("digest delivery and archive watch stopped")


async def serve(
    core: Newsdesk,
    services: list[PlatformService],
    settings: Settings,
    stop: asyncio.Event,
    *,
    clock: Clock | None = None,
    workers: CoreWorkers | None = None,
    beside: Sequence[Callable[[asyncio.Event], Awaitable[None]]] = (),
    feeds: FeedSource | None = None,
) -> None:
    """Run every platform service and the one runtime until ``stop`` is set or one fails.

    ``workers`` (shared with the services) are started first and stopped last, once the
    services have finished their answers; their metrics, if any, hear of every digest too.
    ``beside`` are further jobs run until ``stop`` (the health and metrics server). A failing
    service stops the others and its error propagates; nothing is left running.
    """
    workers = workers or CoreWorkers(core)
    posters = {s.platform: s.poster for s in services}
    runtime = Runtime(core, posters, settings, clock=clock, events=workers.metrics, feeds=feeds)
    await workers.start()  # the first question should not wait for loading
    gc.freeze()  # what is loaded now lives until exit: spare it the full collections' pauses

    async def guarded(job: Awaitable[None]) -> None:
        try:
            await job
        finally:
            stop.set()  # one part ending (or failing) ends them all

    jobs = [guarded(runtime.run(stop)), *(guarded(s.run(stop)) for s in services)]
    jobs += [guarded(job(stop)) for job in beside]
    try:
        results = await asyncio.gather(*jobs, return_exceptions=True)  # all wind down gracefully
    finally:
        await workers.close()
    for result in results:
        if isinstance(result, BaseException):
            raise result
