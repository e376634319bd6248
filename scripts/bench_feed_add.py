"""What one new feed article costs today: an archive of N articles, then one more file.

Generates N German-like articles (wordfreq's most frequent German words, 6-12 sentences each,
about 1,500 characters: the size of a feed article's text) into a temporary articles folder, opens
the knowledge base once (building and saving the index, as a running bot has), then writes one
more article the way the feed loop does (``ArticleWriter``) and times what the live archive does
when its watcher sees the file: ``Archive.reload_if_changed`` (rescan, read the new file, and
search its passages in a delta segment beside the saved index: issue 17), then the same reopen
without a delta segment (a full rebuild, as before issue 17). Each step is also timed alone.

Usage: ``python scripts/bench_feed_add.py 10000 [100000]`` (BM25 only, no encoder).
"""

from __future__ import annotations

import itertools
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

import wordfreq

from bot.archive import Archive
from bot.ingestion import ArticleWriter
from knowledge import GermanAnalyzer, KnowledgeBase, SearchIndex, load_articles, split_passages
from knowledge.base import cache_key


def generate(folder: Path, count: int, seed: int = 13) -> None:
    """Write ``count`` articles of random frequent German words."""
    words = [w for w in wordfreq.top_n_list("de", 20_000) if w.isalpha()]
    weights = list(itertools.accumulate(1.0 / (rank + 10) for rank in range(len(words))))
    rng = random.Random(seed)
    folder.mkdir(parents=True)
    for n in range(count):
        sentences = []
        for _ in range(rng.randint(6, 12)):
            picked = rng.choices(words, cum_weights=weights, k=rng.randint(10, 22))
            sentences.append(" ".join(picked).capitalize() + ".")
        paragraphs = [" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)]
        title = " ".join(rng.choices(words, cum_weights=weights, k=6)).capitalize()
        body = "\n\n".join(paragraphs)
        text = f"---\ntitle: {title}\nsource: Bench\npublished: 2026-11-20\n---\n\n{body}\n"
        (folder / f"bench-{n:06d}.md").write_text(text, encoding="utf-8")


def timed(label: str, action):  # type: ignore[no-untyped-def]
    """Run ``action`` and print how long it took."""
    started = time.perf_counter()
    result = action()
    print(f"  {label}: {time.perf_counter() - started:.2f} s", flush=True)
    return result


def measure(count: int) -> None:
    """Print the cost of adding one article to an archive of ``count``."""
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        articles, feeds, index = root / "articles", root / "feeds", root / "index"
        print(f"{count} articles:", flush=True)
        timed("generate", lambda: generate(articles, count))

        def reopen() -> KnowledgeBase:
            return KnowledgeBase.open(articles, index, also=(feeds,), delta=True)

        knowledge = timed("first open (build + save the index)", reopen)
        print(f"  passages: {len(knowledge.passages)}", flush=True)
        archive = Archive(knowledge, folder=articles, reopen=reopen, also=(feeds,))
        timed("reopen, nothing changed (index reused from disk)", reopen)
        timed("one scan of the folders, nothing changed (the watcher, every 5 s)", archive.changed)
        writer = ArticleWriter(feeds)
        writer.write(
            "feed-0123456789abcdef",
            title="Ein neuer Artikel aus dem Feed",
            text="Nvidia stellt neue KI-Chips vor.\n\nSie sollen im Frühjahr kommen.",
            source="Techblog",
            published=None,
            language="de",
            url="https://techblog.example/a/1",
        )
        writer.publish()
        replaced = timed(
            "watcher sees the file: Archive.reload_if_changed()", archive.reload_if_changed
        )
        assert replaced, "the archive did not notice the new article"
        assert len(archive.current.articles) == count + 1
        print(f"  delta segment: {archive.current.index.has_delta}", flush=True)
        timed(
            "the same reopen without a delta segment (full rebuild and save, as before)",
            lambda: KnowledgeBase.open(articles, index, also=(feeds,)),
        )
        print("  of which, measured alone:", flush=True)
        loaded = timed(
            "    load_articles (read and parse every file)",
            lambda: load_articles(articles, also=(feeds,)),
        )
        passages = timed(
            "    split_passages",
            lambda: [p for a in loaded.articles for p in split_passages(a.id, a.text)],
        )
        built = timed(
            "    SearchIndex.build",
            lambda: SearchIndex.build([p.text for p in passages], GermanAnalyzer()),
        )
        timed("    index save", lambda: built.save(root / "index2", cache_key(loaded.articles)))
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"  peak memory of the process: {peak:.0f} MiB", flush=True)


if __name__ == "__main__":
    for size in sys.argv[1:] or ["10000"]:
        measure(int(size))
