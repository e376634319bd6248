"""The passage search index: two BM25 fields and compound-aware queries.

Field ``main`` holds the analyzer's stemmed terms. Field ``compound`` holds the same terms plus
the stemmed parts of every compound word, split against the corpus's own vocabulary (see
:mod:`knowledge.compounds`), so ``Anzeigen`` reaches ``Werbeanzeigen``. A passage scores
``main + compound_weight * compound``; queries are analysed and decompounded the same way.

Persistence lives in :mod:`knowledge.index_store`: :meth:`SearchIndex.save` and
:meth:`SearchIndex.load` delegate to its ``save_index`` and ``load_index`` (a validated disk
cache, written atomically; a bad cache is logged and means "rebuild").

Errors: ``Exception`` -> :class:`IndexCacheError` (defined in :mod:`knowledge.index_store`,
re-exported here), raised by ``save`` when the target exists and holds something that is not an
index cache (it is never deleted).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from knowledge.analysis import Analyzer, Word
from knowledge.bm25 import DEFAULT_BM25, Bm25Params, ImpactMatrix
from knowledge.compounds import (
    DEFAULT_COMPOUNDS,
    CompoundParams,
    Decompounder,
    compound_parts,
    compound_terms,
    corpus_vocabulary,
)
from knowledge.delta import DeltaField
from knowledge.index_build import Park, build_index
from knowledge.index_store import IndexCacheError, load_index, save_index

__all__ = [
    "DEFAULT_COMPOUND_WEIGHT",
    "FieldScores",
    "Hit",
    "IndexCacheError",
    "QueryTerm",
    "QueryTerms",
    "SearchIndex",
    "TermGroups",
    "top_k",
]

DEFAULT_COMPOUND_WEIGHT = 0.5
"""Weight of the compound field, tuned on GermanQuAD (see knowledge.evaluation)."""

Progress = Callable[[int, int], None]
Field = ImpactMatrix | DeltaField
"""A BM25 field: one impact matrix, or a main one with a delta segment beside it."""


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result: a document index and its score."""

    doc: int
    score: float


@dataclass(frozen=True, slots=True)
class QueryTerm:
    """One analysed query word with what the index knows about it.

    Attributes:
        word: The query word (surface, span in the query, main term).
        term: Its main-field term.
        parts: Stemmed compound parts, matched in the compound field.
        main_idf: Idf of ``term`` in the main field, None when no passage has it.
        compound_idf: Idf of ``term`` and of each part in the compound field (None: unknown).
    """

    word: Word
    term: str
    parts: tuple[str, ...]
    main_idf: float | None
    compound_idf: tuple[float | None, ...]

    @property
    def known(self) -> bool:
        """Tell whether some passage has the term or one of its parts."""
        return self.main_idf is not None or any(i is not None for i in self.compound_idf)


@dataclass(frozen=True, slots=True)
class QueryTerms:
    """An analysed query: one entry per non-stopword token, repeats kept."""

    terms: tuple[QueryTerm, ...]

    @property
    def main(self) -> tuple[str, ...]:
        """Terms scored in the main field."""
        return tuple(t.term for t in self.terms)

    @property
    def compound(self) -> tuple[str, ...]:
        """Terms scored in the compound field: each term and its parts."""
        return tuple(x for t in self.terms for x in (t.term, *t.parts))

    @property
    def unknown(self) -> tuple[str, ...]:
        """Surfaces of the query words no passage matches in either field."""
        return tuple(t.word.surface for t in self.terms if not t.known)


@dataclass(frozen=True, slots=True)
class TermGroups:
    """A query as groups of alternative terms per field: each group scores its best term.

    Attributes:
        main: One group per query word occurrence, scored in the main field.
        compound: The groups scored in the compound field (each word's group and its parts).
    """

    main: tuple[tuple[str, ...], ...]
    compound: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class FieldScores:
    """Per-field BM25 scores of every passage for one query."""

    main: npt.NDArray[np.float64]
    compound: npt.NDArray[np.float64]
    compound_weight: float

    @property
    def total(self) -> npt.NDArray[np.float64]:
        """The combined score ``main + compound_weight * compound``."""
        return self.main + self.compound_weight * self.compound


def top_k(scores: npt.NDArray[np.float64], k: int) -> list[Hit]:
    """Return the ``k`` best positive scores, best first, ties by ascending document."""
    positive = np.flatnonzero(scores > 0)
    if k <= 0 or not len(positive):
        return []
    values = scores[positive]
    if len(positive) > k:
        kth = np.partition(values, len(values) - k)[len(values) - k]
        positive, values = positive[values >= kth], values[values >= kth]
    order = np.lexsort((positive, -values))[:k]
    return [Hit(int(positive[i]), float(values[i])) for i in order]


class SearchIndex:
    """BM25 passage index with a main and a lower-weighted compound field."""

    def __init__(
        self,
        analyzer: Analyzer,
        *,
        main: Field,
        compound: Field,
        decompounder: Decompounder,
        compound_weight: float,
    ) -> None:
        if main.n_docs != compound.n_docs or main.params != compound.params:
            raise ValueError("main and compound fields must cover the same documents and params")
        self.analyzer = analyzer
        self.main = main
        self.compound = compound
        self.decompounder = decompounder
        self.compound_weight = compound_weight

    @property
    def n_docs(self) -> int:
        """Number of indexed documents."""
        return self.main.n_docs

    @property
    def params(self) -> Bm25Params:
        """The BM25 parameters of both fields."""
        return self.main.params

    @property
    def compounds(self) -> CompoundParams:
        """The decompounding parameters."""
        return self.decompounder.params

    @classmethod
    def build(
        cls,
        documents: Sequence[str],
        analyzer: Analyzer,
        params: Bm25Params = DEFAULT_BM25,
        *,
        compound_weight: float = DEFAULT_COMPOUND_WEIGHT,
        compounds: CompoundParams = DEFAULT_COMPOUNDS,
        progress: Progress | None = None,
    ) -> SearchIndex:
        """Analyse and index documents (one passage each).

        Args:
            documents: Passage texts; hit ``doc`` values index into this sequence.
            analyzer: The analyzer, used again for queries.
            params: BM25 parameters of both fields.
            compound_weight: Weight of the compound field in the combined score.
            compounds: Decompounding parameters.
            progress: Called with (documents analysed, total) now and then.

        Returns:
            The index.
        """
        return cls.build_streaming(
            documents,
            analyzer,
            params,
            compound_weight=compound_weight,
            compounds=compounds,
            total=len(documents),
            progress=progress,
        )

    @classmethod
    def build_streaming(
        cls,
        documents: Iterable[str],
        analyzer: Analyzer,
        params: Bm25Params = DEFAULT_BM25,
        *,
        compound_weight: float = DEFAULT_COMPOUND_WEIGHT,
        compounds: CompoundParams = DEFAULT_COMPOUNDS,
        total: int | None = None,
        progress: Progress | None = None,
        park: Park | None = None,
    ) -> SearchIndex:
        """The index of :meth:`build`, reading the texts once, a batch at a time.

        Peak memory is the finished index plus 4 bytes per token (:mod:`knowledge.index_build`),
        not a word object per token of the archive; less the main field's arrays when ``park``
        puts them in files (``StagedSave.park`` of :mod:`knowledge.index_store`).
        """
        main, compound, decompounder = build_index(
            documents,
            analyzer,
            params,
            compound_weight=compound_weight,
            compounds=compounds,
            stopword=_stopword_test(analyzer),
            total=total,
            progress=progress,
            park=park,
        )
        return cls(
            analyzer,
            main=main,
            compound=compound,
            decompounder=decompounder,
            compound_weight=compound_weight,
        )

    @classmethod
    def build_from_words(
        cls,
        documents: Sequence[Sequence[Word]],
        analyzer: Analyzer,
        params: Bm25Params = DEFAULT_BM25,
        *,
        compound_weight: float = DEFAULT_COMPOUND_WEIGHT,
        compounds: CompoundParams = DEFAULT_COMPOUNDS,
    ) -> SearchIndex:
        """Index documents already analysed by ``analyzer.words`` (e.g. reused per article).

        The decompounding vocabulary is the whole corpus's, so compound terms are derived here.
        """
        decompounder = Decompounder(
            corpus_vocabulary(documents, compounds.min_df),
            compounds,
            stopword=_stopword_test(analyzer),
        )
        main_docs = [[w.term for w in words if w.term is not None] for words in documents]
        cache: dict[str, tuple[str, ...]] = {}
        compound_docs = [
            compound_terms(words, decompounder, analyzer, cache) for words in documents
        ]
        main = ImpactMatrix.build(main_docs, params)
        compound = ImpactMatrix.build(compound_docs, params)
        return cls(
            analyzer,
            main=main,
            compound=compound,
            decompounder=decompounder,
            compound_weight=compound_weight,
        )

    @property
    def has_delta(self) -> bool:
        """Tell whether a delta segment is searched beside the main index (not saved as is)."""
        return isinstance(self.main, DeltaField)

    def with_delta(
        self,
        texts: Sequence[str],
        *,
        main_slots: npt.NDArray[np.int64],
        delta_slots: npt.NDArray[np.int64],
    ) -> SearchIndex:
        """This index with some documents removed and ``texts`` added, without a rebuild.

        The new texts are analysed and decompounded as this index's were (its decompounding
        vocabulary stays until the next full build); the scores are BM25 over the combined
        counts (:mod:`knowledge.delta`). Documents are numbered by the slots: ``main_slots``
        per document of this index (-1: removed), ``delta_slots`` per new text.

        Raises:
            ValueError: When this index already has a delta segment.
        """
        main, compound = self.main, self.compound
        if not isinstance(main, ImpactMatrix) or not isinstance(compound, ImpactMatrix):
            raise ValueError("with_delta needs a main index without a delta segment")
        words = [self.analyzer.words(text) for text in texts]
        cache: dict[str, tuple[str, ...]] = {}
        main_docs = [[w.term for w in ws if w.term is not None] for ws in words]
        compound_docs = [
            compound_terms(ws, self.decompounder, self.analyzer, cache) for ws in words
        ]
        slots = {"main_slots": main_slots, "delta_slots": delta_slots}
        return SearchIndex(
            self.analyzer,
            main=DeltaField(main, ImpactMatrix.build(main_docs, self.params), **slots),
            compound=DeltaField(compound, ImpactMatrix.build(compound_docs, self.params), **slots),
            decompounder=self.decompounder,
            compound_weight=self.compound_weight,
        )

    def idf(self, term: str) -> float | None:
        """Return the main-field idf of a term, None when no passage has it."""
        return self.main.idf(term)

    def max_idf(self) -> float:
        """Return the largest main-field idf (that of the rarest term), 0 when empty."""
        return float(self.main.row_idf.max()) if len(self.main.row_idf) else 0.0

    def split_compound(self, surface: str) -> tuple[str, ...]:
        """Return the surface parts of a case-folded word against the index's vocabulary."""
        return self.decompounder.split(surface)

    def analyze_query(self, query: str) -> QueryTerms:
        """Analyse a query: terms, compound parts and their idf in each field."""
        return self.analyze_words(self.analyzer.words(query))

    def analyze_words(self, words: Sequence[Word]) -> QueryTerms:
        """Return the query terms of words already produced by ``analyzer.words``."""
        terms: list[QueryTerm] = []
        for word in words:
            if word.term is None:
                continue
            parts = compound_parts(word, self.decompounder, self.analyzer)
            terms.append(
                QueryTerm(
                    word=word,
                    term=word.term,
                    parts=parts,
                    main_idf=self.main.idf(word.term),
                    compound_idf=tuple(self.compound.idf(x) for x in (word.term, *parts)),
                )
            )
        return QueryTerms(tuple(terms))

    def compound_terms(self, text: str) -> list[str]:
        """Return the compound-field terms of any text (e.g. a sentence) for this index."""
        return compound_terms(self.analyzer.words(text), self.decompounder, self.analyzer)

    def field_scores(self, query: str | QueryTerms | TermGroups) -> FieldScores:
        """Return the main and compound scores of every document."""
        if isinstance(query, TermGroups):
            return FieldScores(
                self.main.scores_any(query.main),
                self.compound.scores_any(query.compound),
                self.compound_weight,
            )
        terms = self.analyze_query(query) if isinstance(query, str) else query
        return FieldScores(
            self.main.scores(terms.main), self.compound.scores(terms.compound), self.compound_weight
        )

    def scores(self, query: str | QueryTerms | TermGroups) -> npt.NDArray[np.float64]:
        """Return the combined score of every document (float64, length ``n_docs``)."""
        return self.field_scores(query).total

    def search(self, query: str | QueryTerms | TermGroups, k: int = 10) -> list[Hit]:
        """Return up to ``k`` documents with a positive score, best first, ties by index."""
        return top_k(self.scores(query), k)

    def save(self, directory: Path, key: str) -> None:
        """Write the index atomically to ``directory`` (owned by the index) under ``key``.

        The files are written to a temporary sibling directory which then replaces
        ``directory``; readers see either the old cache or the new one, never a mix.
        Delegates to :func:`knowledge.index_store.save_index`.

        Raises:
            IndexCacheError: When ``directory`` holds files that are not part of a cache.
            OSError: When writing fails.
        """
        save_index(self, directory, key)

    @classmethod
    def load(
        cls,
        directory: Path,
        key: str,
        analyzer: Analyzer,
        params: Bm25Params = DEFAULT_BM25,
        *,
        compound_weight: float = DEFAULT_COMPOUND_WEIGHT,
        compounds: CompoundParams = DEFAULT_COMPOUNDS,
    ) -> SearchIndex | None:
        """Load a saved index, or None (with a logged warning) if missing, stale or corrupt.

        Nothing in the directory is trusted: no pickle is ever loaded, checksums, shapes,
        dtypes and ranges are checked, and any failure means "rebuild", never an exception.
        Delegates to :func:`knowledge.index_store.load_index`.
        """
        return load_index(
            directory,
            key,
            analyzer,
            params,
            compound_weight=compound_weight,
            compounds=compounds,
        )


def _stopword_test(analyzer: Analyzer) -> Callable[[str], bool]:
    """Return the decompounder's stopword test: the analyzer gives the word no term."""
    return lambda surface: analyzer.term(surface) is None
