"""Tantivy beside Newsdesk on one archive's passages (a child process of ``bench archive``).

``python -m benchmarks.archive_peers ARCHIVE N`` opens the knowledge base of ``ARCHIVE`` from the
saved state in ``NEWSDESK_DATA_DIR`` (built before by ``newsdesk index``), indexes its passages'
texts with tantivy (simple tokenizer, lower case, Snowball German stemmer: its nearest to the
project's analyzer; BM25 with tantivy's own k1 1.2, b 0.75) in a temporary folder, and times the
same 200 questions in both (each query alone, best 10; Newsdesk's includes reading the question,
tantivy's its query parser). Prints one JSON object: ``tantivy_build_s``, ``tantivy_added_mb``
(resident high-water mark of the build above what the process held before), ``tantivy_p50_ms``
and ``newsdesk_p50_ms``; all null without tantivy installed.
"""

from __future__ import annotations

import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.archive_corpus import marker
from benchmarks.measure import peak_rss_mb, percentile, reset_peak_rss, rss_mb
from bot.settings import Settings
from knowledge import KnowledgeBase

_QUESTIONS = 200


def main(argv: list[str]) -> int:
    """Measure; print the JSON object."""
    archive, n = Path(argv[0]), int(argv[1])
    figures: dict[str, Any] = {
        "tantivy_build_s": None,
        "tantivy_added_mb": None,
        "tantivy_p50_ms": None,
        "newsdesk_p50_ms": None,
    }
    settings = Settings(articles_dir=archive, multilingual=False)
    kb = KnowledgeBase.open(archive, settings.index_dir)
    rng = random.Random(n)  # noqa: S311 -- not for secrets
    questions = [f"Was ist {marker(rng.randrange(n))}?" for _ in range(_QUESTIONS // 2)]
    for _ in range(_QUESTIONS - len(questions)):
        words = kb.passages[rng.randrange(len(kb.passages))].body.split()
        start = rng.randrange(max(1, len(words) - 6))
        questions.append(" ".join(words[start : start + 5]))
    kb.search(kb.parse_query(questions[0]))  # warm-up: the reader and word lists
    times = []
    for question in questions:
        started = time.perf_counter()
        kb.search(kb.parse_query(question), 10)
        times.append((time.perf_counter() - started) * 1000)
    figures["newsdesk_p50_ms"] = percentile(times, 50)
    texts = [p.text for p in kb.passages]
    del kb
    figures.update(_tantivy(texts, questions))
    print(json.dumps(figures))
    return 0


def _tantivy(texts: list[str], questions: list[str]) -> dict[str, float]:
    """Tantivy's build seconds, memory added and query p50 (empty when it is not installed)."""
    try:
        import tantivy  # noqa: PLC0415 -- the bench extra
    except ImportError:
        return {}
    figures: dict[str, float] = {}
    folder = Path(tempfile.mkdtemp(prefix="tantivy-"))
    try:
        before = rss_mb()
        reset_peak_rss()
        started = time.perf_counter()
        builder = tantivy.SchemaBuilder()
        builder.add_text_field("body", stored=False, tokenizer_name="de_stem")
        schema = builder.build()
        index = tantivy.Index(schema, path=str(folder))
        analyzer = (
            tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
            .filter(tantivy.Filter.lowercase())
            .filter(tantivy.Filter.stemmer("german"))
            .build()
        )
        index.register_tokenizer("de_stem", analyzer)
        writer = index.writer(heap_size=200_000_000, num_threads=1)
        for text in texts:
            writer.add_document(tantivy.Document(body=text))
        writer.commit()
        writer.wait_merging_threads()
        index.reload()
        figures["tantivy_build_s"] = time.perf_counter() - started
        figures["tantivy_added_mb"] = peak_rss_mb() - before
        searcher = index.searcher()
        times = []
        for question in questions:
            started = time.perf_counter()
            query = index.parse_query_lenient(question, ["body"])[0]
            searcher.search(query, 10)
            times.append((time.perf_counter() - started) * 1000)
        figures["tantivy_p50_ms"] = percentile(times, 50)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return figures


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
