"""The live archive: the current knowledge base, refreshed in the background.

New articles appear without a restart. :meth:`Archive.watch` scans the articles folder (and the
feeds folder beside it, given as ``also``) every few seconds (names, sizes and modification
times of its ``.txt``/``.md`` files: a cheap ``stat`` per file, no reading, and only the files
the loader would read: see :func:`knowledge.scan_folder`); when that fingerprint changes it
reopens the knowledge base in a worker thread (the saved index is reused if nothing that
matters changed) and swaps it in. Questions keep being answered from
the previous knowledge base meanwhile: readers take ``archive.current`` once per request, and
the swap is a single attribute assignment. A failed refresh is logged and the old knowledge base
stays. Each swap bumps :attr:`Archive.generation`, which tells the answering worker processes
(:mod:`bot.workers`) to reopen their own copies.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from knowledge import KnowledgeBase, scan_folder

__all__ = ["Archive", "folder_fingerprint"]

logger = logging.getLogger(__name__)

Fingerprint = tuple[tuple[str, int, int], ...]


def folder_fingerprint(folder: Path) -> Fingerprint:
    """Names, sizes and modification times of the articles under ``folder`` (empty if missing)."""
    entries = []
    paths, _skipped = scan_folder(folder)  # only files the loader would read (no links out)
    for path in paths:
        try:
            stat = path.stat()
        except OSError:  # vanished between listing and stat
            continue
        entries.append((str(path.relative_to(folder)), stat.st_size, stat.st_mtime_ns))
    return tuple(sorted(entries))


class Archive:
    """Holds the current knowledge base and replaces it when the articles folder changes."""

    def __init__(
        self,
        current: KnowledgeBase,
        *,
        folder: Path | None = None,
        reopen: Callable[[], KnowledgeBase] | None = None,
        also: Sequence[Path] = (),
    ) -> None:
        """Start from ``current``; without ``folder`` and ``reopen`` the archive never changes.

        ``also`` are more folders watched the same way (the feeds folder).
        """
        self._current = current
        self._folder = folder
        self._also = tuple(also)
        self._reopen = reopen
        self._seen = self._fingerprint()
        self._generation = 0

    def _fingerprint(self) -> tuple[Fingerprint, ...]:
        if self._folder is None:
            return ()
        return tuple(folder_fingerprint(f) for f in (self._folder, *self._also))

    @property
    def current(self) -> KnowledgeBase:
        """The knowledge base to use for the next request."""
        return self._current

    def changed(self) -> bool:
        """Tell whether the folder differs from what the current knowledge base reflects."""
        return self._folder is not None and self._fingerprint() != self._seen

    @property
    def generation(self) -> int:
        """How many times the knowledge base was replaced; copies elsewhere compare it."""
        return self._generation

    def reload_if_changed(self) -> bool:
        """Reopen the knowledge base if the folder changed; return whether it was replaced.

        Blocking (it may read and index articles): call it from a worker, not an event loop.
        A failed reopen is logged and the old knowledge base stays.
        """
        if self._folder is None or self._reopen is None:
            return False
        fingerprint = self._fingerprint()
        if fingerprint == self._seen:
            return False
        started = time.perf_counter()
        try:
            fresh = self._reopen()
        except Exception:  # a broken refresh must not take the bot down
            logger.exception(
                "could not refresh the archive from %s; keeping the old one", self._folder
            )
            return False
        before = {a.id for a in self._current.articles}
        added = [a.id for a in fresh.articles if a.id not in before]
        self._current, self._seen = fresh, fingerprint
        self._generation += 1
        logger.info(
            "archive refreshed in %.2f s: %d articles (%d new%s)",
            time.perf_counter() - started,
            len(fresh.articles),
            len(added),
            ": " + ", ".join(added[:5]) if added else "",
        )
        return True

    async def refresh(self) -> bool:
        """:meth:`reload_if_changed` in a worker thread, so the event loop keeps serving."""
        return await asyncio.to_thread(self.reload_if_changed)

    async def watch(
        self,
        stop: asyncio.Event,
        *,
        interval: float = 5.0,
        sleep: Callable[[float], Awaitable[None]] | None = None,
    ) -> None:
        """Refresh every ``interval`` seconds until ``stop`` is set."""
        pause = sleep or (lambda seconds: _wait(stop, seconds))
        while not stop.is_set():
            await self.refresh()
            await pause(interval)


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
