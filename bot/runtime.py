"""A running bot's background work: the digest delivery loop and the archive watcher.

Adapters serve their platforms; :class:`Runtime` runs beside them in the same event loop until
``stop`` is set. One process, one delivery loop, whichever platforms are configured.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping

from bot.core import Newsdesk
from bot.delivery import Clock, DeliveryLoop, Poster, SystemClock
from bot.errors import NewsdeskError
from bot.settings import Settings

__all__ = ["Runtime"]

logger = logging.getLogger(__name__)


class Runtime:
    """The delivery loop and the archive watcher of one core, for the given posters."""

    def __init__(
        self,
        core: Newsdesk,
        posters: Mapping[str, Poster],
        settings: Settings,
        *,
        clock: Clock | None = None,
    ) -> None:
        """Prepare the background work; nothing runs until :meth:`run`.

        Raises:
            NewsdeskError: the core has no digest desk (and so no store) to deliver from.
        """
        if core.desk is None:
            raise NewsdeskError("this core has no digest store; digests cannot be delivered")
        self.core = core
        self.settings = settings
        self.loop = DeliveryLoop(
            core.desk.store,
            core.desk.digests,
            posters,
            clock or SystemClock(),
            post_empty=settings.digest_post_empty,
            poll_interval=10.0,
        )

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver digests and watch the articles folder until ``stop`` is set."""
        logger.info("digest delivery and archive watch started")
        await asyncio.gather(
            self.loop.run(stop),
            self.core.archive.watch(stop, interval=self.settings.archive_scan_seconds),
        )
        logger.info("digest delivery and archive watch stopped")
