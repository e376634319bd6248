"""Search at scale: the project's BM25 index against rank-bm25 and bm25s, ``newsdesk bench search``.

For each size, generated German-like passages (:mod:`benchmarks.corpus`) are indexed by each
system in its own child process (:mod:`benchmarks.systems`): build time, peak memory, on-disk
size, load time and query latency p50/p99 (top 10), and a check of each top 10 against rank-bm25,
the reference. rank-bm25's full scan is slow, so it times only the first queries at large sizes.

Usage::

    python -m benchmarks.search [--sizes 1000,10000,100000] [--json] [--queries 1000]

``--json`` prints exactly one object, ``{"sizes": {"<n>": {"newsdesk": M, "rank_bm25": M,
"bm25s": M}}}`` where each M is ``{"build_s", "peak_mb", "disk_mb", "load_s", "p50_ms", "p99_ms",
"identical_to_reference"}`` (null where a figure does not apply). Without it a table per size,
the ratios and the targets of the issue are printed. Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from benchmarks.corpus import CorpusSpec, QuerySpec, generate_queries, german_vocabulary
from benchmarks.measure import available_mb, percentile
from benchmarks.report import SizeResult, as_json, text_report
from benchmarks.runs import Outcome, Task, measure
from benchmarks.systems import REFERENCE, SYSTEMS, K, installed
from knowledge.bm25 import DEFAULT_BM25

__all__ = ["DEFAULT_SIZES", "main", "reference_queries", "run_size"]

DEFAULT_SIZES = (1_000, 10_000, 100_000)
"""Sizes run without ``--sizes``; 10^6 is opt-in (several minutes)."""

_REFERENCE_BUDGET = 5_000_000  # passages x queries rank-bm25 scans per size (about 10 s)
_REFERENCE_MIN_QUERIES = 20
_REFERENCE_KB_PER_DOC = 4.0  # BM25Okapi's dictionaries plus the passages: 2.8 KB at 10^6
_NEWSDESK_KB_PER_DOC = 9.0  # the impact matrix's build peak: 7.9 KB per passage at 10^6

Progress = Callable[[str], None]


def reference_queries(n_docs: int, n_queries: int, requested: int | None = None) -> int:
    """Return how many queries rank-bm25 times: all at small sizes, at least 20 at large ones."""
    if requested is not None:
        return min(requested, n_queries)
    return min(n_queries, max(_REFERENCE_MIN_QUERIES, _REFERENCE_BUDGET // max(n_docs, 1)))


def run_size(
    n_docs: int,
    queries: Sequence[Sequence[str]],
    vocabulary: tuple[str, ...],
    workdir: Path,
    *,
    seed: int,
    warmup: int,
    reference_count: int | None,
    progress: Progress,
) -> SizeResult:
    """Measure every system at one size, each in a fresh process, the reference last.

    Args:
        n_docs: Number of passages.
        queries: The query set.
        vocabulary: The generator's terms.
        workdir: Where the indexes are saved (created, then removed).
        seed: Seed of the passages.
        warmup: Untimed queries before timing.
        reference_count: Queries rank-bm25 times, None to skip it.
        progress: Receives one line per step.
    """
    spec = CorpusSpec(n_docs, seed=seed)
    folder = workdir / str(n_docs)
    folder.mkdir(parents=True, exist_ok=True)
    outcomes: dict[str, Outcome | None] = dict.fromkeys(SYSTEMS)
    all_queries = tuple(tuple(q) for q in queries)
    try:
        for system in ("newsdesk", "bm25s", REFERENCE):
            task = Task(system, spec, vocabulary, all_queries, warmup, DEFAULT_BM25, folder)
            if system == REFERENCE:
                if reference_count is None:
                    progress(f"[{n_docs:,}] {system}: skipped")
                    continue
                task = replace(
                    task,
                    queries=all_queries[:reference_count],
                    newsdesk_index=folder / "newsdesk",
                    candidates={
                        s: o.served.top[:reference_count] for s, o in outcomes.items() if o
                    },
                )
            if not installed(system):
                progress(f"[{n_docs:,}] {system}: not installed (pip install -e '.[bench]')")
                continue
            steps = "build" if system == REFERENCE else "build, save, load"
            progress(f"[{n_docs:,}] {system}: {steps}, {len(task.queries)} queries ...")
            started = time.perf_counter()
            outcome = measure(task)
            outcomes[system] = outcome
            built, served = outcome.built, outcome.served
            progress(
                f"[{n_docs:,}] {system}: build {built.build_s:.2f} s, peak {built.peak_mb:.0f} MB,"
                f" p50 {percentile(served.latencies_ms, 50):.3f} ms"
                f" ({time.perf_counter() - started:.0f} s in all)"
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    digests = {o.built.digest for o in outcomes.values() if o is not None}
    if len(digests) != 1:
        raise RuntimeError(f"the systems indexed different passages at {n_docs}: {digests}")
    return SizeResult(n_docs, outcomes, reference_count or 0)


def _parser() -> argparse.ArgumentParser:
    """Return the command line parser."""
    parser = argparse.ArgumentParser(
        prog="newsdesk bench search",
        description="Compare the project's BM25 index with rank-bm25 and bm25s at scale.",
    )
    parser.add_argument(
        "--sizes",
        type=_sizes,
        default=DEFAULT_SIZES,
        help="comma-separated passage counts (default 1000,10000,100000; 1000000 is opt-in)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--queries", type=_positive, default=1000, help="size of the query set")
    parser.add_argument(
        "--reference-queries",
        type=_positive,
        default=None,
        help=f"queries rank-bm25 times (default: all while passages x queries stay under "
        f"{_REFERENCE_BUDGET:,}, at least {_REFERENCE_MIN_QUERIES})",
    )
    parser.add_argument(
        "--reference-max-docs",
        type=_positive,
        default=None,
        help="skip rank-bm25 (null figures) above this many passages; it is also skipped "
        "where its memory would exceed what is available",
    )
    parser.add_argument(
        "--warmup", type=_non_negative, default=3, help="untimed queries before timing"
    )
    parser.add_argument("--seed", type=int, default=CorpusSpec(0).seed, help="passage seed")
    parser.add_argument(
        "--workdir", type=Path, default=None, help="where indexes are saved (default: a temp dir)"
    )
    return parser


def _positive(text: str) -> int:
    """Parse a positive integer argument."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {text!r}")
    return value


def _non_negative(text: str) -> int:
    """Parse a whole number of at least 0."""
    if text.strip() == "0":
        return 0
    try:
        return _positive(text)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(f"expected 0 or more, got {text!r}") from None


def _sizes(text: str) -> tuple[int, ...]:
    """Parse ``--sizes``: comma-separated passage counts of at least ``K``."""
    sizes = tuple(_positive(part.strip()) for part in text.split(",") if part.strip())
    if not sizes or min(sizes) < K:
        raise argparse.ArgumentTypeError(f"sizes must be at least {K} passages, got {text!r}")
    return sizes


def _fits(n_docs: int, kb_per_doc: float) -> bool:
    """Tell whether a build of ``kb_per_doc`` per passage probably fits in the memory available."""
    available = available_mb()
    return available is None or n_docs * kb_per_doc / 1024 < 0.8 * available


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the tables or the JSON object; return the exit status."""
    args = _parser().parse_args(argv)

    def progress(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    too_large = [n for n in args.sizes if not _fits(n, _NEWSDESK_KB_PER_DOC)]
    if too_large:
        need = max(too_large) * _NEWSDESK_KB_PER_DOC / 1024**2
        progress(f"size {max(too_large):,} needs about {need:.0f} GB, more than is available")
        return 2
    progress("vocabulary: wordfreq's German words through the GermanAnalyzer ...")
    vocabulary = german_vocabulary()
    queries = generate_queries(QuerySpec(n_queries=args.queries), vocabulary)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="newsdesk-bench-search-"))
    results: list[SizeResult] = []
    try:
        for n_docs in args.sizes:
            count: int | None = reference_queries(n_docs, len(queries), args.reference_queries)
            if args.reference_max_docs is not None and n_docs > args.reference_max_docs:
                count = None
            elif not _fits(n_docs, _REFERENCE_KB_PER_DOC):
                progress(f"[{n_docs:,}] rank_bm25 would not fit in the memory available")
                count = None
            results.append(
                run_size(
                    n_docs,
                    queries,
                    vocabulary,
                    workdir,
                    seed=args.seed,
                    warmup=args.warmup,
                    reference_count=count,
                    progress=progress,
                )
            )
    except subprocess.CalledProcessError as error:
        progress(f"a measuring process failed (exit status {error.returncode}); see above")
        return 1
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    if args.json:
        print(json.dumps(as_json(results)))
    else:
        print(text_report(results, len(vocabulary), args.queries))
    return 0


if __name__ == "__main__":
    sys.exit(main())
