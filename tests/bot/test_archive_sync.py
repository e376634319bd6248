"""Replicas following the shared archive's generations: one reopens, the others load its state.

Each replica is an :class:`Archive` over the same articles folder and the same saved index (one
data folder), with an :class:`ArchiveSync` on one shared store of each kind. The reopen is the
real :meth:`KnowledgeBase.open`, counted, so a test can tell an index built from one reused.
``tests/test_replica_processes.py`` runs the same with two processes.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.archive import Archive
from bot.archive_sync import ArchiveSync, listing_digest
from bot.postgres_store import PostgresStore
from bot.sqlite_store import SqliteStore
from bot.store import ARCHIVE_LEASE, ArchiveGeneration, MemoryStore, Store, StoreError
from knowledge import KnowledgeBase
from tests.conftest import SEEDS

QUARKBYTE = (
    "---\ntitle: Quarkbyte stellt Q-9 vor\nsource: Beispiel.de\npublished: 2026-11-20\n---\n"
    "Die Firma Quarkbyte stellt das Sprachmodell Q-9 vor. Es soll im Frühjahr erscheinen.\n\n"
    "Quarkbyte sammelte dafür 40 Millionen Euro ein.\n"
)
NEW_ID = "005_quark"


class Replica:
    """One replica's archive over the shared folders, its sync, and how often it reopened."""

    def __init__(
        self, name: str, store: Store, articles: Path, index: Path, *, lease_seconds: float = 30.0
    ) -> None:
        self.name = name
        self.articles, self.index = articles, index
        self.opened: list[KnowledgeBase] = []
        self.slow = 0.0
        self.broken = False
        self.archive = Archive(self._open(), folder=articles, reopen=self.reopen)
        self.opened.clear()  # count only the reopens, not the start
        self.sync = ArchiveSync(self.archive, store, owner=name, lease_seconds=lease_seconds)

    def _open(self) -> KnowledgeBase:
        opened = KnowledgeBase.open(self.articles, self.index)
        self.opened.append(opened)
        return opened

    def reopen(self) -> KnowledgeBase:
        time.sleep(self.slow)
        if self.broken:
            raise OSError("the shared mount went away")
        return self._open()

    @property
    def rebuilt(self) -> int:
        """How many reopens built the index instead of loading the saved one."""
        return sum(1 for opened in self.opened if not opened.loaded_from_cache)

    def has_new_article(self) -> bool:
        return self.archive.current.has_article(NEW_ID)


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    made: Store
    if request.param == "memory":
        made = MemoryStore()
    elif request.param == "sqlite":
        made = SqliteStore(tmp_path / "nd.db")
    else:
        made = PostgresStore(request.getfixturevalue("postgres_url"))
    yield made
    made.close()


@pytest.fixture
def articles(tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    shutil.copytree(SEEDS, folder)
    return folder


@pytest.fixture
def index(tmp_path: Path) -> Path:
    return tmp_path / "data" / "index"


def two(
    store: Store, articles: Path, index: Path, *, lease_seconds: float = 30.0
) -> tuple[Replica, Replica]:
    first = Replica("replica-a", store, articles, index, lease_seconds=lease_seconds)  # indexes
    return first, Replica("replica-b", store, articles, index, lease_seconds=lease_seconds)


def add_article(articles: Path) -> None:
    (articles / f"{NEW_ID}.md").write_text(QUARKBYTE, encoding="utf-8")


async def test_a_new_article_is_indexed_by_one_replica_and_loaded_from_its_state_by_the_other(
    store: Store, articles: Path, index: Path
) -> None:
    a, b = two(store, articles, index)
    assert [await a.sync.step(), await b.sync.step()] == ["idle", "idle"]
    add_article(articles)
    assert await a.sync.step() == "published"
    assert a.has_new_article()
    assert not b.has_new_article()
    assert await b.sync.step() == "reloaded"
    assert b.has_new_article()
    assert (a.rebuilt, b.rebuilt) == (1, 0)  # b read the index a saved
    assert (len(a.opened), len(b.opened)) == (1, 1)
    published = store.archive_generation()
    assert published is not None
    assert published.publisher == "replica-a"
    assert (a.sync.loaded, b.sync.loaded) == (published.number, published.number)
    assert published.digest == listing_digest(a.archive.seen) == listing_digest(b.archive.seen)
    assert [await a.sync.step(), await b.sync.step()] == ["idle", "idle"]
    assert (len(a.opened), len(b.opened)) == (1, 1)  # nothing reopened twice


async def test_replicas_noticing_together_build_the_index_once(
    store: Store, articles: Path, index: Path
) -> None:
    a, b = two(store, articles, index)
    a.slow = b.slow = 0.3  # both are looking while the first one reopens
    add_article(articles)
    first = await asyncio.gather(a.sync.step(), b.sync.step())
    assert sorted(first) == ["published", "waiting"]
    second = await asyncio.gather(a.sync.step(), b.sync.step())
    assert sorted(second) == ["idle", "reloaded"]
    assert a.has_new_article()
    assert b.has_new_article()
    assert a.rebuilt + b.rebuilt == 1
    assert len(a.opened) + len(b.opened) == 2


async def test_a_replica_waits_while_another_holds_the_lease_and_leads_once_it_expires(
    store: Store, articles: Path, index: Path
) -> None:
    now = dt.datetime.now(dt.UTC)
    a, _ = two(store, articles, index)
    held = store.acquire_lease(ARCHIVE_LEASE, "replica-dead", now, dt.timedelta(seconds=1))
    assert held is not None
    add_article(articles)
    assert await a.sync.step() == "waiting"
    assert not a.has_new_article()
    assert a.opened == []
    await asyncio.sleep(1.1)  # the holder died: its lease runs out
    assert await a.sync.step() == "published"
    assert a.has_new_article()


async def test_a_replica_started_on_the_published_listing_adopts_it_without_reopening(
    store: Store, articles: Path, index: Path
) -> None:
    a, _ = two(store, articles, index)
    add_article(articles)
    assert await a.sync.step() == "published"
    late = Replica("replica-c", store, articles, index)
    assert late.has_new_article()
    assert await late.sync.step() == "adopted"
    assert late.opened == []
    assert late.sync.loaded == a.sync.loaded


async def test_the_lease_is_renewed_while_a_slow_reopen_runs(
    store: Store, articles: Path, index: Path
) -> None:
    a, _ = two(store, articles, index, lease_seconds=0.3)
    a.slow = 1.0  # more than three lease lengths
    add_article(articles)
    leading = asyncio.create_task(a.sync.step())
    await asyncio.sleep(0.7)
    now = dt.datetime.now(dt.UTC)
    assert store.acquire_lease(ARCHIVE_LEASE, "replica-b", now, dt.timedelta(seconds=1)) is None
    assert await leading == "published"
    taken = store.acquire_lease(ARCHIVE_LEASE, "replica-b", now, dt.timedelta(seconds=1))
    assert taken is not None  # given back at once


class FailingStore(MemoryStore):
    """A memory store whose archive calls fail while ``failing`` is set."""

    failing = True

    def archive_generation(self) -> ArchiveGeneration | None:
        if self.failing:
            raise StoreError("database newsdesk: connection refused")
        return super().archive_generation()


async def test_while_the_store_fails_a_replica_refreshes_alone_and_says_so_once(
    articles: Path, index: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = FailingStore()
    a = Replica("replica-a", store, articles, index)
    with caplog.at_level("WARNING", logger="bot.archive_sync"):
        assert await a.sync.step() == "idle"
        add_article(articles)
        assert await a.sync.step() == "alone"
    assert a.has_new_article()
    assert [r.message for r in caplog.records].count(
        "the store fails (database newsdesk: connection refused); this replica refreshes the"
        " archive alone"
    ) == 1
    store.failing = False
    assert await a.sync.step() == "idle"  # nothing published, nothing changed since
    store.publish_archive_generation(
        listing_digest(a.archive.seen), "replica-b", dt.datetime.now(dt.UTC)
    )
    assert await a.sync.step() == "adopted"
    assert len(a.opened) == 1


async def test_a_failed_reopen_for_a_generation_is_retried_at_the_next_step(
    store: Store, articles: Path, index: Path
) -> None:
    a, b = two(store, articles, index)
    add_article(articles)
    assert await a.sync.step() == "published"
    b.broken = True
    assert await b.sync.step() == "kept"
    assert not b.has_new_article()
    b.broken = False
    assert await b.sync.step() == "reloaded"
    assert b.has_new_article()
