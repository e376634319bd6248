"""Two replicas on one archive and one data folder: what one new article costs each of them.

Generates N articles (``scripts/bench_feed_add.py``'s generator) and opens two replicas' archives
over the same articles folder and saved index (the first builds and saves it). Then:

- *before* (each replica reopens on its own, as until issue 14): one new article, both replicas'
  watchers see it in the same scan and call ``Archive.reload_if_changed`` at once;
- *after* (``bot.archive_sync``): another new article; the replica that takes the archive lease
  reopens and publishes a generation through the store (SQLite here), then the other one's next
  step sees it and reopens from the state the first one saved.

Prints the wall time of each step and whether each replica built the index or reused the saved
one. Usage: ``PYTHONPATH=. .venv/bin/python scripts/bench_archive_replicas.py 10000`` (BM25 only).
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench_feed_add import generate

from bot.archive import Archive
from bot.archive_sync import ArchiveSync
from bot.sqlite_store import SqliteStore
from knowledge import KnowledgeBase

ARTICLE = (
    "---\ntitle: Quarkbyte stellt Q-{n} vor\nsource: Bench\npublished: 2026-11-20\n---\n\n"
    "Die Firma Quarkbyte stellt das Sprachmodell Q-{n} vor. Sie sammelte 40 Millionen Euro ein.\n"
)


def how(archive: Archive) -> str:
    return "reused the saved index" if archive.current.loaded_from_cache else "built the index"


async def measure(count: int) -> None:
    """Print what one new article costs two replicas, before and after the generations."""
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        articles, index = root / "articles", root / "data" / "index"
        generate(articles, count)

        def reopen() -> KnowledgeBase:
            return KnowledgeBase.open(articles, index)

        started = time.perf_counter()
        a = Archive(reopen(), folder=articles, reopen=reopen)
        print(f"{count} articles: replica A opened in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        b = Archive(reopen(), folder=articles, reopen=reopen)
        print(f"  replica B opened in {time.perf_counter() - started:.1f} s ({how(b)})")
        a.changed(), b.changed()  # the watchers' first listing, as at a running bot's first scan

        (articles / "new-1.md").write_text(ARTICLE.format(n=1), encoding="utf-8")
        started = time.perf_counter()
        with ThreadPoolExecutor(2) as pool:
            both = list(pool.map(lambda archive: archive.reload_if_changed(), (a, b)))
        wall = time.perf_counter() - started
        assert both == [True, True]
        print(f"  before, both reopen at once: {wall:.1f} s wall; A {how(a)}, B {how(b)}")

        store = SqliteStore(root / "data" / "newsdesk.db")
        sync_a, sync_b = ArchiveSync(a, store, owner="A"), ArchiveSync(b, store, owner="B")
        await sync_a.step(), await sync_b.step()  # both adopt the current listing
        (articles / "new-2.md").write_text(ARTICLE.format(n=2), encoding="utf-8")
        started = time.perf_counter()
        steps = await asyncio.gather(sync_a.step(), sync_b.step())  # the same scan
        first = time.perf_counter() - started
        print(f"  after, the same scan: {steps[0]} (A, {first:.1f} s), {steps[1]} (B)")
        started = time.perf_counter()
        follower = sync_b if steps[0] == "published" else sync_a
        print(f"  after, the next scan: {await follower.step()} in", end=" ")
        print(f"{time.perf_counter() - started:.1f} s; A {how(a)}, B {how(b)}")
        assert a.current.has_article("new-2")
        assert b.current.has_article("new-2")
        store.close()


if __name__ == "__main__":
    for size in sys.argv[1:] or ["10000"]:
        asyncio.run(measure(int(size)))
