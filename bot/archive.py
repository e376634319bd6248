"""The live archive: the current knowledge base, refreshed in the background.

New articles appear without a restart. :meth:`Archive.watch` looks at the articles folder (and
the feeds folder beside it, given as ``also``) every few seconds through a :class:`FolderWatch`
each: a ``stat`` of each folder (a file added, removed or
renamed changes its folder's time stamp) and of a rolling slice of the files (a file rewritten in
place is seen within a few minutes even at 10^5 files), so an idle look costs O(folders + slice),
not a ``stat`` per file. Only when that finds something is the whole folder listed (names, sizes
and modification times of the files the loader would read: see :func:`knowledge.walk_folder`);
when that fingerprint changed it reopens the knowledge base in a worker thread (from the saved
state: only changed files are read, see :mod:`knowledge.state`) and swaps it in. Questions keep
being answered from the previous knowledge base meanwhile: readers take ``archive.current`` once
per request, and the swap is a single attribute assignment. A failed refresh is logged and the old
knowledge base stays. Each swap bumps :attr:`Archive.generation` and :attr:`Archive.version` (a
digest of the listings it reflects), which tell the answering worker processes (:mod:`bot.workers`)
whether their own copies are current; listeners (:meth:`Archive.on_change`) hear of a change as
soon as it is seen, before the reopen, so workers can reopen at the same time.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import os
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from knowledge import KnowledgeBase, walk_folder

__all__ = ["Archive", "FolderWatch", "folder_fingerprint", "listing_digest"]

logger = logging.getLogger(__name__)

Fingerprint = tuple[tuple[str, int, int], ...]
RACY_NS = 2_000_000_000  # a time stamp this close to the look that recorded it is not trusted
SWEEP_FILES = 2000  # files whose stamps one look checks, in turn


def listing_digest(seen: tuple[Fingerprint, ...]) -> str:
    """Name folder listings (:attr:`Archive.seen`): equal listings, equal digest."""
    return hashlib.sha256(json.dumps(seen, separators=(",", ":")).encode()).hexdigest()[:32]


def folder_fingerprint(folder: Path) -> Fingerprint:
    """Names, sizes and modification times of the articles under ``folder`` (empty if missing)."""
    entries = []
    prefix = os.path.join(str(folder), "")
    for name in walk_folder(folder).files:  # only files the loader would read (no links out)
        try:
            stat = os.stat(prefix + name)
        except OSError:  # vanished between listing and stat
            continue
        entries.append((name, stat.st_size, stat.st_mtime_ns))
    return tuple(sorted(entries))


class FolderWatch:
    """Tells cheaply whether an articles folder may have changed since it was last listed."""

    def __init__(self, folder: Path, *, sweep: int = SWEEP_FILES) -> None:
        """List ``folder`` now; :meth:`poll` then compares against that listing."""
        self.folder = folder
        self._sweep = sweep
        self._dirs: dict[str, int] = {}
        self._files: list[tuple[str, int, int]] = []
        self._cursor = 0
        self._listed_ns = 0
        self.fingerprint: Fingerprint = ()
        self.rescan()

    def rescan(self) -> Fingerprint:
        """List the whole folder again (O(files)); return and keep its fingerprint."""
        listed_ns = time.time_ns()
        dirs: dict[str, int] = {}
        for root, dirnames, _files in os.walk(self.folder):
            dirnames[:] = [name for name in dirnames if not name.startswith(".")]
            with contextlib.suppress(OSError):
                dirs[root] = os.stat(root).st_mtime_ns
        fingerprint = folder_fingerprint(self.folder)
        self._dirs, self._listed_ns, self.fingerprint = dirs, listed_ns, fingerprint
        prefix = os.path.join(str(self.folder), "")
        self._files = [(prefix + name, size, mtime) for name, size, mtime in fingerprint]
        self._cursor = 0
        return fingerprint

    def poll(self) -> bool:
        """Whether something may have changed since :meth:`rescan` (O(folders + slice)).

        A folder's time stamp changes when an entry is added, removed or renamed; a file
        rewritten in place is found by the rolling slice. A stamp within :data:`RACY_NS` of
        the listing counts as changed (the file system's clock may not have ticked yet).
        """
        trusted_before = self._listed_ns - RACY_NS
        if not self._dirs:
            return self.folder.is_dir()  # a folder that appeared
        for root, mtime in self._dirs.items():
            try:
                now = os.stat(root).st_mtime_ns
            except OSError:
                return True
            if now != mtime or mtime >= trusted_before:
                return True
        count = len(self._files)
        for step in range(min(self._sweep, count)):
            path, size, mtime = self._files[(self._cursor + step) % count]
            try:
                info = os.stat(path)
            except OSError:
                return True
            if (info.st_size, info.st_mtime_ns) != (size, mtime) or mtime >= trusted_before:
                return True
        if count:
            self._cursor = (self._cursor + self._sweep) % count
        return False


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
        self._reopen = reopen
        self._also = tuple(also)
        self._watches: tuple[FolderWatch, ...] = ()  # made at the first look: `ask` needs none
        self._seen = self._opened_fingerprint(current)
        self._generation = 0
        self._version: tuple[tuple[Fingerprint, ...], str] | None = None  # (seen, its digest)
        self._listeners: list[Callable[[], None]] = []

    def _opened_fingerprint(self, current: KnowledgeBase) -> tuple[Fingerprint, ...]:
        """What opening ``current`` saw of each folder (its own listing of the articles folder)."""
        if self._folder is None:
            return ()
        listed = current.listing or not current.articles
        main = current.listing if listed else folder_fingerprint(self._folder)
        return (main, *(folder_fingerprint(f) for f in self._also))

    @property
    def current(self) -> KnowledgeBase:
        """The knowledge base to use for the next request."""
        return self._current

    def changed(self) -> bool:
        """Tell whether the folder differs from what the current knowledge base reflects.

        Cheap while nothing changes (:meth:`FolderWatch.poll`); the folder is listed only when
        the watch sees something.
        """
        if self._folder is None:
            return False
        if not self._watches:  # lists each folder once
            self._watches = tuple(FolderWatch(f) for f in (self._folder, *self._also))
        else:
            for watch in self._watches:
                if watch.poll():
                    watch.rescan()
        return self._fingerprint() != self._seen

    def _fingerprint(self) -> tuple[Fingerprint, ...]:
        return tuple(watch.fingerprint for watch in self._watches)

    @property
    def generation(self) -> int:
        """How many times the knowledge base was replaced; copies elsewhere compare it."""
        return self._generation

    @property
    def version(self) -> str:
        """The digest of :attr:`seen` (:func:`listing_digest`): equal in every process whose
        knowledge base reflects the same listings. Computed once per replacement (O(files))."""
        seen = self._seen
        if self._version is None or self._version[0] is not seen:
            self._version = (seen, listing_digest(seen))
        return self._version[1]

    def on_change(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` (in the refreshing thread) whenever a change is about to be reopened.

        It is called before the reopen, so that copies elsewhere can reopen at the same time;
        an exception it raises is logged and ignored.
        """
        self._listeners.append(listener)

    @property
    def seen(self) -> tuple[Fingerprint, ...]:
        """The folders' listings the current knowledge base reflects (one per watched folder)."""
        return self._seen

    def reload_if_changed(self, *, force: bool = False) -> bool:
        """Reopen the knowledge base if the folder changed; return whether it was replaced.

        ``force`` reopens even if the watches saw nothing (another replica published a newer
        archive, :mod:`bot.archive_sync`), after listing the folders in full.
        Blocking (it may read and index articles): call it from a worker, not an event loop.
        A failed reopen is logged and the old knowledge base stays.
        """
        if self._folder is None or self._reopen is None:
            return False
        pending = bool(self._watches) and self._fingerprint() != self._seen  # seen, not loaded
        if force:
            self._watches = tuple(FolderWatch(f) for f in (self._folder, *self._also))
        elif not pending and not self.changed():
            return False
        fingerprint = self._fingerprint()
        for listener in self._listeners:
            try:
                listener()
            except Exception:  # a listener must not stop the refresh
                logger.exception("an archive change listener failed")
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
        self._version = (fingerprint, listing_digest(fingerprint))  # here, not in an event loop
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
