"""Measured runs of one system at one size, each step in a fresh child process.

:func:`measure` runs, for a system with a disk format, two children: :func:`build_step`
generates the passages, builds the index (wall time, and peak memory since a reset just before
the build), saves it and sizes it on disk; :func:`serve_step` then loads it in a fresh process,
as the bot does when it starts (wall time and peak memory of the load), and times every query
after a warm-up. The reference has no disk format: :func:`scan_step` builds and queries in one
child, and checks the others' results against its scores: each top 10, allowing for ties, and
for ``newsdesk`` every score of every passage and every idf.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import numpy.typing as npt

from benchmarks.corpus import CorpusSpec, generate_passages
from benchmarks.measure import (
    directory_mb,
    peak_rss_mb,
    reset_peak_rss,
    rss_mb,
    run_isolated,
    time_calls,
)
from benchmarks.systems import REFERENCE, RankBm25, System, TopK, driver, load_newsdesk
from knowledge.bm25 import Bm25Params, ImpactMatrix

__all__ = [
    "Agreement",
    "Built",
    "Outcome",
    "Served",
    "Task",
    "build_step",
    "compare",
    "measure",
    "scan_step",
    "serve_step",
]

TOLERANCE = {"newsdesk": 1e-9, "bm25s": 1e-5}
"""Relative score tolerance of each checked system (bm25s keeps float32 scores)."""


@dataclass(frozen=True, slots=True)
class Task:
    """What one system is measured on.

    Attributes:
        system: The system's name.
        corpus: The passages to generate and index.
        vocabulary: The generator's terms in rank order.
        queries: The queries to time, in order.
        warmup: How many of the first queries run once, untimed, before timing.
        params: BM25 parameters of every system.
        workdir: Where the system saves its index, in a folder named after it.
        newsdesk_index: Reference only: the saved ``newsdesk`` index to compare in full.
        candidates: Reference only: per system, its top 10 of each query to check.
    """

    system: str
    corpus: CorpusSpec
    vocabulary: tuple[str, ...]
    queries: tuple[tuple[str, ...], ...]
    warmup: int
    params: Bm25Params
    workdir: Path
    newsdesk_index: Path | None = None
    candidates: Mapping[str, Sequence[TopK]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Built:
    """The figures of a build.

    Attributes:
        digest: Digest of the passages indexed (equal across systems).
        n_tokens: Number of terms over all passages.
        corpus_mb: Resident memory just before the build: interpreter, libraries, passages.
        build_s: Wall time of the build from token lists.
        peak_mb: Resident high-water mark during the build, ``corpus_mb`` included.
        disk_mb: Size of the saved index, None without a disk format.
    """

    digest: str
    n_tokens: int
    corpus_mb: float
    build_s: float
    peak_mb: float
    disk_mb: float | None


@dataclass(frozen=True, slots=True)
class Agreement:
    """How one system's results agree with the reference's scores.

    Attributes:
        queries: Queries checked.
        identical: Queries whose top 10 equal the reference's: the same passages in the same
            order (up to ties) with the same scores, to the system's tolerance.
        max_error: Largest relative score difference over the compared top 10s.
        all_scores: ``newsdesk`` only: every passage's score and every idf equal to 1e-9.
    """

    queries: int
    identical: int
    max_error: float
    all_scores: bool | None = None

    @property
    def holds(self) -> bool:
        """Tell whether every query agreed (and all scores, where compared)."""
        return self.identical == self.queries and self.all_scores is not False


@dataclass(frozen=True, slots=True)
class Served:
    """The figures of loading and querying.

    Attributes:
        load_s: Wall time of loading the saved index in a fresh process, None without one.
        load_peak_mb: Resident high-water mark of that process after the load, None without.
        latencies_ms: Wall time of each timed query (top 10 included).
        top: The top 10 of each timed query.
        agreement: Reference only: per checked system, how its results agree.
    """

    load_s: float | None
    load_peak_mb: float | None
    latencies_ms: tuple[float, ...]
    top: tuple[TopK, ...]
    agreement: Mapping[str, Agreement] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Outcome:
    """The figures of one system at one size."""

    system: str
    built: Built
    served: Served


def _say(task: Task, text: str) -> None:
    """Print a progress line of a child process to stderr."""
    print(f"[{task.corpus.n_docs:,}] {task.system}: {text}", file=sys.stderr, flush=True)


def _build(task: Task) -> tuple[System, Built]:
    """Generate the passages and build the index; the figures leave ``disk_mb`` unset."""
    start = time.perf_counter()
    corpus = generate_passages(task.corpus, task.vocabulary)
    digest, n_tokens, docs = corpus.digest, corpus.n_tokens, corpus.docs
    del corpus
    _say(task, f"passages generated in {time.perf_counter() - start:.1f} s, building ...")
    system = driver(task.system, task.params)
    corpus_mb = rss_mb()
    reset_peak_rss()
    start = time.perf_counter()
    system.build(docs)
    build_s = time.perf_counter() - start
    _say(task, f"built in {build_s:.1f} s")
    return system, Built(digest, n_tokens, corpus_mb, build_s, peak_rss_mb(), None)


def build_step(task: Task) -> Built:
    """Child process: build the index, save it to ``workdir/system`` and size it."""
    system, built = _build(task)
    directory = task.workdir / task.system
    system.save(directory)
    return replace(built, disk_mb=directory_mb(directory))


def serve_step(task: Task) -> Served:
    """Child process: load the saved index, then time the queries."""
    system = driver(task.system, task.params)
    start = time.perf_counter()
    system.load(task.workdir / task.system)
    load_s = time.perf_counter() - start
    load_peak_mb = peak_rss_mb()
    _say(task, f"loaded in {load_s:.2f} s; timing {len(task.queries)} queries ...")
    top: list[TopK] = []
    latencies = time_calls(
        system.search, task.queries, warmup=task.warmup, after=lambda _, r: top.append(r)
    )
    return Served(load_s, load_peak_mb, tuple(latencies), tuple(top))


def scan_step(task: Task) -> Outcome:
    """Child process: build the reference, time its queries and check the other systems."""
    system, built = _build(task)
    if not isinstance(system, RankBm25):
        raise TypeError(f"{task.system} is not the reference {REFERENCE}")
    checker = _Checker(task, system)
    _say(task, f"timing and checking {len(task.queries)} queries ...")
    latencies = time_calls(
        system.scored_search, task.queries, warmup=task.warmup, after=checker.check
    )
    served = Served(None, None, tuple(latencies), tuple(checker.top), checker.agreement())
    return Outcome(task.system, built, served)


def measure(task: Task) -> Outcome:
    """Measure one system at one size, each step in a fresh child process."""
    if task.system == REFERENCE:
        return run_isolated("benchmarks.runs:scan_step", task, Outcome)
    built = run_isolated("benchmarks.runs:build_step", task, Built)
    served = run_isolated("benchmarks.runs:serve_step", task, Served)
    return Outcome(task.system, built, served)


def compare(
    candidate: TopK, reference: TopK, scores: npt.NDArray[np.float64], rtol: float
) -> tuple[bool, float]:
    """Tell whether a top 10 equals the reference's, and return the largest relative error.

    They are equal when they are equally long and, rank by rank, the candidate's passage has (by
    the reference's ``scores``) the reference's score at that rank, and the candidate reports that
    score, each to ``rtol``: passages of equal score may swap places, nothing else.
    """
    error = 0.0
    for (doc, score), (_, expected) in zip(candidate, reference, strict=False):
        actual = float(scores[doc])
        scale = max(abs(expected), 1e-300)
        error = max(error, abs(score - actual) / scale, abs(actual - expected) / scale)
    return len(candidate) == len(reference) and error <= rtol, error


class _Checker:
    """The reference's checks of the other systems, made after each timed query."""

    def __init__(self, task: Task, reference: RankBm25) -> None:
        self.task = task
        self.top: list[TopK] = []
        self.identical = dict.fromkeys(task.candidates, 0)
        self.errors = dict.fromkeys(task.candidates, 0.0)
        self.matrix: ImpactMatrix | None = None
        self.all_scores: bool | None = None
        if task.newsdesk_index is not None:
            main = load_newsdesk(task.newsdesk_index, task.params).main
            if not isinstance(main, ImpactMatrix):  # a saved index has no delta segment
                raise TypeError("a saved index has one impact matrix per field")
            self.matrix = main
            self.all_scores = _same_idf(main, reference.idf())

    def check(self, position: int, result: tuple[TopK, npt.NDArray[np.float64]]) -> None:
        """Check every system's result of query ``position`` against the reference's."""
        top, scores = result
        self.top.append(top)
        for name, results in self.task.candidates.items():
            same, error = compare(results[position], top, scores, TOLERANCE[name])
            self.identical[name] += same
            self.errors[name] = max(self.errors[name], error)
        if self.matrix is not None:
            ours = self.matrix.scores(self.task.queries[position])
            same_scores = bool(np.allclose(ours, scores, rtol=1e-9, atol=1e-12))
            self.all_scores = bool(self.all_scores) and same_scores

    def agreement(self) -> dict[str, Agreement]:
        """Return how each checked system agreed over the queries checked so far."""
        return {
            name: Agreement(
                queries=len(self.top),
                identical=self.identical[name],
                max_error=self.errors[name],
                all_scores=self.all_scores if name == "newsdesk" else None,
            )
            for name in self.task.candidates
        }


def _same_idf(matrix: ImpactMatrix, reference: Mapping[str, float]) -> bool:
    """Tell whether the matrix has exactly the reference's terms, each with the same idf."""
    if len(reference) != len(matrix.terms):
        return False
    for term, expected in reference.items():
        ours = matrix.idf(term)
        if ours is None or abs(ours - expected) > 1e-9 * max(abs(expected), 1e-300):
            return False
    return True
