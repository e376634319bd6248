"""A seeded generator of German-like passages and queries, emitted as analysed terms.

The vocabulary is real German: the most frequent words of wordfreq's German list (a dependency of
Newsdesk already), each run once through :class:`knowledge.analysis.GermanAnalyzer` so the terms
are what the index really stores (Snowball stems, no stopwords). Words whose term is a stopword,
not purely alphabetic (numbers), or already taken by a more frequent word are skipped, so the
vocabulary is a list of distinct stems in frequency order.

Passages draw 60-120 terms each from a Zipf distribution over that order (term of rank ``r`` with
probability proportional to ``1 / r**s``). Queries mix frequent, medium and rare terms (2-6
each). Every system of the benchmark gets exactly these token lists, so analysis is not measured.

The same seed gives the same passages on every machine with the same wordfreq list (the
``digest`` tells); documents are drawn block by block, so temporary arrays stay small at 10^6.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import wordfreq

from knowledge.analysis import Analyzer, GermanAnalyzer, fold

IntArray = npt.NDArray[np.int32]

__all__ = [
    "Corpus",
    "CorpusSpec",
    "QuerySpec",
    "draw_ranks",
    "generate_passages",
    "generate_queries",
    "german_vocabulary",
    "guide_table",
    "zipf_cdf",
]

_BLOCK_DOCS = 16384  # documents drawn per numpy pass; fixed, since it orders the random stream
_GUIDE_BUCKETS = 1 << 22  # buckets of the guide table that speeds up the inverse-CDF draw


@dataclass(frozen=True, slots=True)
class CorpusSpec:
    """What to generate: the passages of one benchmark size.

    Attributes:
        n_docs: Number of passages.
        seed: Seed of the random stream.
        min_terms: Fewest terms of a passage.
        max_terms: Most terms of a passage (inclusive).
        zipf_s: Exponent of the Zipf distribution over the vocabulary's ranks.
    """

    n_docs: int
    seed: int = 20260601
    min_terms: int = 60
    max_terms: int = 120
    zipf_s: float = 1.0


@dataclass(frozen=True, slots=True)
class QuerySpec:
    """The fixed query set: each term is frequent, medium or rare with equal chance.

    Attributes:
        n_queries: Number of queries.
        seed: Seed of the random stream.
        min_terms: Fewest terms of a query.
        max_terms: Most terms of a query (inclusive).
        frequent: Ranks below this are frequent terms.
        medium: Ranks from ``frequent`` to below this are medium terms; the rest are rare.
    """

    n_queries: int = 1000
    seed: int = 6
    min_terms: int = 2
    max_terms: int = 6
    frequent: int = 100
    medium: int = 5000


@dataclass(frozen=True, slots=True)
class Corpus:
    """Generated passages.

    Attributes:
        docs: One list of terms per passage.
        n_tokens: Number of terms over all passages.
        digest: SHA-256 of the term ranks: equal digests mean equal passages.
    """

    docs: list[list[str]]
    n_tokens: int
    digest: str


def german_vocabulary(n_words: int = 200_000, analyzer: Analyzer | None = None) -> tuple[str, ...]:
    """Return distinct German index terms in the frequency order of wordfreq's word list.

    Args:
        n_words: How many of wordfreq's most frequent German words to analyse.
        analyzer: The analyzer giving each word its term; the project's German one by default.

    Returns:
        The terms, most frequent first (126,834 from wordfreq 3.1 for 200,000 words).
    """
    analyzer = analyzer or GermanAnalyzer()
    terms: dict[str, None] = {}
    for word in wordfreq.top_n_list("de", n_words):
        term = analyzer.term(fold(word))
        if term is not None and term.isalpha():
            terms.setdefault(term)
    return tuple(terms)


def zipf_cdf(n_terms: int, s: float) -> npt.NDArray[np.float64]:
    """Return the cumulative Zipf probabilities of ranks 1..n_terms (last value exactly 1)."""
    weights = 1.0 / np.arange(1, n_terms + 1, dtype=np.float64) ** s
    cdf = np.cumsum(weights)
    cdf /= cdf[-1]
    cdf[-1] = 1.0
    return cdf


def guide_table(cdf: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
    """Return the first rank of each of ``_GUIDE_BUCKETS`` equal slices of [0, 1) (Chen, 1974)."""
    return np.searchsorted(cdf, np.arange(_GUIDE_BUCKETS) / _GUIDE_BUCKETS, side="right")


def draw_ranks(
    cdf: npt.NDArray[np.float64], guide: npt.NDArray[np.int64], uniform: npt.NDArray[np.float64]
) -> IntArray:
    """Return for each uniform number ``u`` the first rank whose cumulative probability exceeds it.

    Equals ``np.searchsorted(cdf, uniform, side="right")``, only faster: the guide table gives
    each number a start rank at or below the answer, and a few vectorised steps move it up.

    Args:
        cdf: Cumulative probabilities, rising to exactly 1.
        guide: ``guide_table(cdf)``.
        uniform: Numbers in [0, 1).
    """
    ranks = guide[(uniform * _GUIDE_BUCKETS).astype(np.int64)]
    while True:
        behind = np.flatnonzero(cdf[ranks] <= uniform)
        if not len(behind):
            return ranks.astype(np.int32)
        ranks[behind] += 1


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector, which rescans every new list of a growing corpus."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def generate_passages(spec: CorpusSpec, vocabulary: tuple[str, ...]) -> Corpus:
    """Draw the passages of ``spec`` from ``vocabulary`` (see the module docstring).

    Args:
        spec: Size, seed, lengths and Zipf exponent.
        vocabulary: Terms in rank order, e.g. from :func:`german_vocabulary`.

    Returns:
        The passages with their token count and digest.
    """
    if spec.n_docs < 0 or not 0 < spec.min_terms <= spec.max_terms or not vocabulary:
        raise ValueError(f"cannot generate passages for {spec} from {len(vocabulary)} terms")
    rng = np.random.default_rng(spec.seed)
    cdf = zipf_cdf(len(vocabulary), spec.zipf_s)
    guide = guide_table(cdf)
    terms = np.array(vocabulary, dtype=object)
    digest = hashlib.sha256()
    docs: list[list[str]] = []
    n_tokens = 0
    with _gc_paused():  # passages hold only strings: no cycles to collect
        for first in range(0, spec.n_docs, _BLOCK_DOCS):
            count = min(_BLOCK_DOCS, spec.n_docs - first)
            lengths = rng.integers(spec.min_terms, spec.max_terms + 1, size=count)
            ranks = draw_ranks(cdf, guide, rng.random(int(lengths.sum())))
            digest.update(lengths.astype(np.int32).tobytes())
            digest.update(ranks.tobytes())
            flat: list[str] = terms[ranks].tolist()
            ends = np.cumsum(lengths).tolist()
            docs.extend(
                flat[end - length : end] for end, length in zip(ends, lengths.tolist(), strict=True)
            )
            n_tokens += len(flat)
    return Corpus(docs, n_tokens, digest.hexdigest())


def generate_queries(spec: QuerySpec, vocabulary: tuple[str, ...]) -> list[list[str]]:
    """Draw the query set: each term from the frequent, medium or rare ranks, equally likely.

    Within its band a term is drawn uniformly, so rare query terms are often absent from small
    corpora (they then add nothing, as in any BM25).

    Args:
        spec: Number, seed, lengths and rank bands of the queries.
        vocabulary: Terms in rank order, the same as the passages'.

    Returns:
        One list of terms per query.
    """
    if not 0 < spec.frequent < spec.medium < len(vocabulary):
        raise ValueError(f"rank bands {spec.frequent}/{spec.medium} need more than that many terms")
    rng = np.random.default_rng(spec.seed)
    bands = ((0, spec.frequent), (spec.frequent, spec.medium), (spec.medium, len(vocabulary)))
    queries: list[list[str]] = []
    for _ in range(spec.n_queries):
        length = int(rng.integers(spec.min_terms, spec.max_terms + 1))
        query = []
        for band in rng.integers(0, len(bands), size=length).tolist():
            low, high = bands[band]
            query.append(vocabulary[int(rng.integers(low, high))])
        queries.append(query)
    return queries
