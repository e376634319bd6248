"""The live archive across replicas: one reopens a changed archive, the store tells the others.

Replicas share the articles folder and the data folder (the saved index and state). Each watches
the folders (:meth:`bot.archive.Archive.changed`), but when they change only one reopens at
first: the replica that takes the short lease of :data:`~bot.store.ARCHIVE_LEASE`. It reopens
(reading only the changed files, saving the index and state for the others), renewing the lease
meanwhile, then publishes a new :class:`~bot.store.ArchiveGeneration` with a digest of the listing
it loaded and gives the lease back. Every scan, every replica reads the newest generation (one
row); one newer than its own whose digest differs from what it loaded makes it reopen too, from
the saved state just written: no article read and no index built. A replica that notices the
change while another holds the lease waits for that one's generation; one that dies while
reopening leaves the lease to expire, and the next replica that notices takes over. The lease
only spares work (two replicas rebuilding the same saved index at once): should two reopen
together, both publish and every answer stays right.

While the store fails (the database is down) a replica refreshes on its own, as a single process
does, and says so once. With one process (the SQLite or in-memory store) it always gets the lease,
so it works as before plus a one-row write per change.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import secrets
import socket
from collections.abc import Awaitable, Callable
from typing import Literal

from bot.archive import Archive, listing_digest
from bot.store import ARCHIVE_LEASE, ArchiveGeneration, Lease, Store, StoreError

__all__ = ["ArchiveSync", "Step", "listing_digest"]

logger = logging.getLogger(__name__)

Step = Literal["idle", "adopted", "reloaded", "published", "waiting", "kept", "alone"]
"""What one :meth:`ArchiveSync.step` did: nothing new; took a generation it had already loaded;
reopened for another replica's generation; reopened and published one; saw a change another
replica is reopening; found nothing to replace (or the reopen failed, logged); refreshed alone
because the store failed."""

LEASE_SECONDS = 30.0


class ArchiveSync:
    """Keeps one replica's :class:`Archive` at the shared archive's newest generation."""

    def __init__(
        self,
        archive: Archive,
        store: Store,
        *,
        owner: str | None = None,
        lease_seconds: float = LEASE_SECONDS,
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        """Follow ``store``'s generations; ``owner`` names this replica in the lease."""
        self.archive = archive
        self.store = store
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self.lease_ttl = dt.timedelta(seconds=lease_seconds)
        self._now = clock or (lambda: dt.datetime.now(dt.UTC))
        self.loaded = 0
        """The newest generation the current knowledge base reflects (0: none seen yet)."""
        self._alone = False

    async def watch(
        self,
        stop: asyncio.Event,
        *,
        interval: float = 5.0,
        sleep: Callable[[float], Awaitable[None]] | None = None,
    ) -> None:
        """Take a :meth:`step` every ``interval`` seconds until ``stop`` is set."""
        pause = sleep or (lambda seconds: _wait(stop, seconds))
        while not stop.is_set():
            await self.step()
            await pause(interval)

    async def step(self) -> Step:
        """Follow a newer generation, or lead the reopen of a changed folder; say which."""
        try:
            published = await asyncio.to_thread(self.store.archive_generation)
        except StoreError as error:
            return await self._refresh_alone(error)
        if self._alone:
            logger.info("the store answers again; the archive follows its generations again")
            self._alone = False
        if self._newer(published):
            return await asyncio.to_thread(self._follow, published)
        if not await asyncio.to_thread(self.archive.changed):
            return "idle"
        return await self._lead()

    def _newer(self, published: ArchiveGeneration | None) -> bool:
        return published is not None and published.number > self.loaded

    def _follow(self, published: ArchiveGeneration | None) -> Step:
        """Load ``published`` (blocking): reopen unless the current archive is that listing."""
        if published is None:
            return "idle"
        if published.digest == self.archive.version:
            self.loaded = published.number
            return "adopted"
        if not self.archive.reload_if_changed(force=True):
            return "kept"  # the failure is logged; the next step tries again
        self.loaded = published.number
        logger.info(
            "archive generation %d (published by %s) loaded: %d articles, %s",
            published.number,
            published.publisher,
            len(self.archive.current.articles),
            _how(self.archive),
        )
        return "reloaded"

    async def _lead(self) -> Step:
        """Reopen the changed folder under the lease, then publish the new generation."""
        try:
            lease = await asyncio.to_thread(
                self.store.acquire_lease, ARCHIVE_LEASE, self.owner, self._now(), self.lease_ttl
            )
        except StoreError as error:
            return await self._refresh_alone(error)
        if lease is None:
            return "waiting"  # another replica is reopening; its generation comes next
        try:
            published = await asyncio.to_thread(self.store.archive_generation)
            if self._newer(published):  # published while this replica looked at the folder
                return await asyncio.to_thread(self._follow, published)
            if not await self._renewing(lease, asyncio.to_thread(self.archive.reload_if_changed)):
                return "kept"
            generation = await asyncio.to_thread(
                self.store.publish_archive_generation,
                self.archive.version,
                self.owner,
                self._now(),
            )
        except StoreError as error:  # the archive here is fresh; the others see the change too
            logger.warning("could not publish the refreshed archive: %s", error)
            return "kept"
        finally:
            try:
                await asyncio.to_thread(self.store.release_lease, lease)
            except StoreError as error:
                logger.warning("could not give the archive lease back (it expires): %s", error)
        self.loaded = generation.number
        logger.info(
            "archive generation %d published: %d articles, %s",
            generation.number,
            len(self.archive.current.articles),
            _how(self.archive),
        )
        return "published"

    async def _renewing(self, lease: Lease, work: Awaitable[bool]) -> bool:
        """Await ``work``, renewing ``lease`` every third of its length meanwhile."""
        task = asyncio.ensure_future(work)
        renewing = True
        while True:
            done, _ = await asyncio.wait({task}, timeout=self.lease_ttl.total_seconds() / 3)
            if done:
                return task.result()
            if renewing:
                try:
                    lease = await asyncio.to_thread(
                        self.store.renew_lease, lease, self._now(), self.lease_ttl
                    )
                except StoreError as error:  # lost or unreachable: finish, publish anyway
                    logger.warning("could not renew the archive lease: %s", error)
                    renewing = False

    async def _refresh_alone(self, error: StoreError) -> Step:
        if not self._alone:
            logger.warning("the store fails (%s); this replica refreshes the archive alone", error)
            self._alone = True
        return "alone" if await self.archive.refresh() else "idle"


def _how(archive: Archive) -> str:
    """Whether the current knowledge base reused the saved index (with a delta) or built it."""
    current = archive.current
    if current.index.has_delta:
        return "saved index reused with a delta segment"
    return "saved index reused" if current.loaded_from_cache else "index rebuilt"


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
