"""The three search systems of the benchmark, each behind the same small driver.

Every system gets the same token lists (:mod:`benchmarks.corpus`) and the same BM25 parameters
(the project's k1 0.9, b 0.4, epsilon 0.25):

- ``newsdesk``: :class:`knowledge.bm25.ImpactMatrix`, the index's main field (the one BM25 field
  that rank-bm25 can be compared with like for like), saved and loaded through the real cache
  path :mod:`knowledge.index_store` (a ``SearchIndex`` whose compound field is empty), queried as
  ``top_k(index.main.scores(terms), 10)``.
- ``rank_bm25``: ``BM25Okapi(docs, k1, b, epsilon).get_scores`` (a full scan), the reference; it
  has no disk format. Its top 10 are the positive scores, best first, ties by passage.
- ``bm25s``: ``bm25s.BM25(method="atire", idf_method="robertson")``, which is rank-bm25's
  term-frequency part ``tf*(k1+1)/(tf + k1*(1-b+b*dl/avgdl))`` (bm25s's "robertson" omits the
  ``k1+1``) times Robertson's idf; bm25s sets that idf to 0 where it is negative (terms in more
  than half the passages) instead of rank-bm25's ``epsilon * mean idf``, and keeps float32
  scores. Queried with ``retrieve(k=10)`` on its default numpy backend, one query per call.
  bm25s comes from the optional ``bench`` extra, so it is imported only when used.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, TypeVar

import numpy as np
import numpy.typing as npt
from rank_bm25 import BM25Okapi

from knowledge.analysis import GermanAnalyzer
from knowledge.bm25 import Bm25Params, ImpactMatrix
from knowledge.compounds import Decompounder
from knowledge.index import SearchIndex, top_k

__all__ = [
    "REFERENCE",
    "SYSTEMS",
    "K",
    "RankBm25",
    "System",
    "TopK",
    "best",
    "driver",
    "installed",
    "load_newsdesk",
]

SYSTEMS = ("newsdesk", "rank_bm25", "bm25s")
"""The measured systems, in the order of the report."""

REFERENCE = "rank_bm25"
"""The system every other is checked against."""

K = 10
"""Results per query."""

TopK = tuple[tuple[int, float], ...]
"""The best results of one query: (passage, score) pairs with positive scores, best first."""

FloatArray = npt.NDArray[np.float64]
T = TypeVar("T")

_CACHE_KEY = "benchmark"


class System(Protocol):
    """One search system as the benchmark drives it: build, save, load, search."""

    def build(self, docs: list[list[str]]) -> None:
        """Index the passages."""
        ...

    def save(self, directory: Path) -> None:
        """Save the index to a new directory and drop it from memory."""
        ...

    def load(self, directory: Path) -> None:
        """Load the saved index."""
        ...

    def search(self, query: Sequence[str]) -> TopK:
        """Return the top 10 of a query."""
        ...


def _need(value: T | None, what: str) -> T:
    """Return ``value``, or raise when a step ran out of order and left it unset."""
    if value is None:
        raise RuntimeError(f"{what} is missing: build, save, load and search run in that order")
    return value


def best(scores: FloatArray, k: int = K) -> TopK:
    """Return the ``k`` best positive scores, best first, ties by passage (argpartition)."""
    k = min(k, len(scores))
    if k == 0:
        return ()
    part = np.argpartition(-scores, k - 1)[:k]
    order = part[np.lexsort((part, -scores[part]))]
    return tuple((int(doc), float(scores[doc])) for doc in order if scores[doc] > 0)


def load_newsdesk(directory: Path, params: Bm25Params) -> SearchIndex:
    """Load the ``newsdesk`` index a benchmark run saved, through ``SearchIndex.load``.

    Raises:
        RuntimeError: When the cache is refused (the ``knowledge.index`` log says why).
    """
    index = SearchIndex.load(directory, _CACHE_KEY, GermanAnalyzer(), params, compound_weight=0.0)
    if index is None:
        raise RuntimeError(f"the benchmark index in {directory} was not loaded")
    return index


class _Newsdesk:
    """The project's impact matrix, saved and loaded as a one-field ``SearchIndex``."""

    def __init__(self, params: Bm25Params) -> None:
        self.params = params
        self.matrix: ImpactMatrix | None = None

    def build(self, docs: list[list[str]]) -> None:
        self.matrix = ImpactMatrix.build(docs, self.params)

    def save(self, directory: Path) -> None:
        matrix = _need(self.matrix, "the impact matrix")
        index = SearchIndex(
            GermanAnalyzer(),
            main=matrix,
            compound=ImpactMatrix.build([()] * matrix.n_docs, self.params),
            decompounder=Decompounder(()),
            compound_weight=0.0,
        )
        index.save(directory, _CACHE_KEY)
        self.matrix = None

    def load(self, directory: Path) -> None:
        main = load_newsdesk(directory, self.params).main
        if not isinstance(main, ImpactMatrix):  # a saved index has no delta segment
            raise TypeError("a saved index has one impact matrix per field")
        self.matrix = main

    def search(self, query: Sequence[str]) -> TopK:
        scores = _need(self.matrix, "the loaded index").scores(query)
        return tuple((hit.doc, hit.score) for hit in top_k(scores, K))


class RankBm25:
    """rank-bm25's ``BM25Okapi``: per-passage term dictionaries, a full scan per query."""

    def __init__(self, params: Bm25Params) -> None:
        self.params = params
        self.model: BM25Okapi | None = None

    def build(self, docs: list[list[str]]) -> None:
        p = self.params
        self.model = BM25Okapi(docs, k1=p.k1, b=p.b, epsilon=p.epsilon)

    def save(self, directory: Path) -> None:
        raise NotImplementedError("rank-bm25 has no disk format")

    def load(self, directory: Path) -> None:
        raise NotImplementedError("rank-bm25 has no disk format")

    def idf(self) -> dict[str, float]:
        """Return the (floored) idf of every term."""
        return dict(_need(self.model, "BM25Okapi").idf)

    def scores(self, query: Sequence[str]) -> FloatArray:
        """Return ``get_scores`` of every passage."""
        model = _need(self.model, "BM25Okapi")
        return np.asarray(model.get_scores(list(query)), dtype=np.float64)

    def scored_search(self, query: Sequence[str]) -> tuple[TopK, FloatArray]:
        """Return the top 10 and every passage's score."""
        scores = self.scores(query)
        return best(scores), scores

    def search(self, query: Sequence[str]) -> TopK:
        return best(self.scores(query))


class _Bm25s:
    """bm25s with rank-bm25's term-frequency part and Robertson's idf (see the module doc)."""

    def __init__(self, params: Bm25Params) -> None:
        import bm25s  # type: ignore[import-untyped]  # noqa: PLC0415 (optional: `bench` extra)

        self.bm25s = bm25s
        self.params = params
        self.model: Any = None

    def build(self, docs: list[list[str]]) -> None:
        self.model = self.bm25s.BM25(
            k1=self.params.k1, b=self.params.b, method="atire", idf_method="robertson"
        )
        self.model.index(docs, show_progress=False)

    def save(self, directory: Path) -> None:
        _need(self.model, "the bm25s index").save(str(directory), show_progress=False)
        self.model = None

    def load(self, directory: Path) -> None:
        self.model = self.bm25s.BM25.load(str(directory), show_progress=False)

    def search(self, query: Sequence[str]) -> TopK:
        model = _need(self.model, "the bm25s index")
        found = model.retrieve([list(query)], k=K, show_progress=False, n_threads=0)
        pairs = zip(found.documents[0].tolist(), found.scores[0].tolist(), strict=True)
        return tuple((int(doc), float(score)) for doc, score in pairs if score > 0)


def installed(system: str) -> bool:
    """Tell whether a system's library is installed (bm25s comes from the ``bench`` extra)."""
    return system != "bm25s" or importlib.util.find_spec("bm25s") is not None


def driver(system: str, params: Bm25Params) -> System:
    """Return the driver of a system by name.

    Raises:
        ValueError: When the name is not one of :data:`SYSTEMS`.
    """
    if system == "newsdesk":
        return _Newsdesk(params)
    if system == REFERENCE:
        return RankBm25(params)
    if system == "bm25s":
        return _Bm25s(params)
    raise ValueError(f"unknown system {system!r}; choose from {', '.join(SYSTEMS)}")
