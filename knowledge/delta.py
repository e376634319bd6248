"""A delta segment: a small index searched beside the main one, scored over the whole archive.

Adding, changing or deleting a few articles should not rebuild the main index. :class:`DeltaField`
is one BM25 field over the documents of a main :class:`~knowledge.bm25.ImpactMatrix` minus those
removed, plus those of a small delta matrix, numbered in the archive's new order. Its scores are
rank-bm25's over that combined corpus, not the segments' own: the document frequencies, the
number of documents and the total length are the main's minus the removed documents' plus the
delta's, so the idf (with its epsilon floor over the average idf of the combined vocabulary) and
the average length are those a full rebuild would compute. That is why the matrices keep the term
frequency of every pair and the length of every document beside their finished weights: a term's
weights are recomputed from them at query time (its postings only).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt

from knowledge.bm25 import ImpactMatrix, floored_idf, raw_idf, term_frequency_part

__all__ = ["DeltaField"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


class DeltaField:
    """One BM25 field: the main matrix minus removed documents plus a delta matrix."""

    def __init__(
        self,
        main: ImpactMatrix,
        delta: ImpactMatrix,
        *,
        main_slots: IntArray,
        delta_slots: IntArray,
    ) -> None:
        """Combine the segments.

        Args:
            main: The main segment (its ``tf`` and ``lengths`` are used, not its weights).
            delta: The new and changed documents, counted by :meth:`ImpactMatrix.build`.
            main_slots: Per main document, its number in the combined archive, -1 when removed.
            delta_slots: Per delta document, its number in the combined archive.
        """
        if main.params != delta.params:
            raise ValueError("delta field: both segments must have the same BM25 parameters")
        if len(main_slots) != main.n_docs or len(delta_slots) != delta.n_docs:
            raise ValueError("delta field: one slot per document of each segment")
        self.main, self.delta, self.params = main, delta, main.params
        self._main_slots = np.asarray(main_slots, dtype=np.int64)
        self._delta_slots = np.asarray(delta_slots, dtype=np.int64)
        live = self._main_slots >= 0
        self.n_docs = int(live.sum()) + delta.n_docs
        total = int(main.lengths[live].sum()) + int(delta.lengths.sum())
        self.avgdl = total / self.n_docs if self.n_docs else 0.0
        df = np.diff(main.indptr) - _removed_df(main, ~live)
        new_terms = [t for t in delta.terms if t not in main]
        self._rows = {t: i for i, t in enumerate(main.terms)}
        self._rows.update({t: len(main.terms) + i for i, t in enumerate(new_terms)})
        df = np.concatenate([df, np.zeros(len(new_terms), dtype=np.int64)])
        delta_rows = np.fromiter(
            (self._rows[t] for t in delta.terms), dtype=np.int64, count=len(delta.terms)
        )
        df[delta_rows] += np.diff(delta.indptr)
        self._df = df
        present = df > 0  # rank-bm25's vocabulary: the terms some document of the archive has
        idf = np.zeros(len(df), dtype=np.float64)
        idf[present] = floored_idf(
            raw_idf(self.n_docs, df[present].astype(np.float64)), self.params.epsilon
        )
        self._idf = idf
        self.row_idf = idf[present]
        every = (*main.terms, *new_terms)
        self.terms = tuple(t for t, p in zip(every, present.tolist(), strict=True) if p)

    def __contains__(self, term: object) -> bool:
        """Tell whether some document of the combined archive contains the term."""
        row = self._rows.get(term) if isinstance(term, str) else None
        return row is not None and bool(self._df[row] > 0)

    def idf(self, term: str) -> float | None:
        """Return the (floored) idf over the combined archive, None when no document has it."""
        row = self._rows.get(term)
        return None if row is None or self._df[row] == 0 else float(self._idf[row])

    def document_frequency(self, term: str) -> int:
        """Return how many documents of the combined archive contain the term."""
        row = self._rows.get(term)
        return 0 if row is None else int(self._df[row])

    def postings(self, term: str) -> tuple[IntArray, FloatArray]:
        """Return the combined documents that contain the term and its BM25 weight in each."""
        docs: list[IntArray] = []
        weights: list[FloatArray] = []
        if term in self:
            idf = self._idf[self._rows[term]]
            for matrix, slots in ((self.main, self._main_slots), (self.delta, self._delta_slots)):
                row = matrix._rows.get(term)
                if row is None:
                    continue
                start, end = int(matrix.indptr[row]), int(matrix.indptr[row + 1])
                local = matrix.indices[start:end]
                slot = slots[local]
                keep = slot >= 0
                tf = matrix.tf[start:end][keep].astype(np.float64)
                doc_len = matrix.lengths[local[keep]].astype(np.float64)
                part = term_frequency_part(tf, doc_len, self.avgdl or 1.0, self.params)
                docs.append(slot[keep])
                weights.append(idf * part)
        if not docs:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
        return np.concatenate(docs), np.concatenate(weights)

    def scores(self, query_terms: Iterable[str]) -> FloatArray:
        """BM25 scores of every combined document, as :meth:`ImpactMatrix.scores` gives them."""
        scores = np.zeros(self.n_docs, dtype=np.float64)
        for term, count in Counter(query_terms).items():
            docs, weights = self.postings(term)
            np.add.at(scores, docs, weights * count if count != 1 else weights)
        return scores

    def scores_any(self, groups: Iterable[Sequence[str]]) -> FloatArray:
        """Scores where each group of alternatives counts once per document (its best term)."""
        counted = Counter(tuple(group) for group in groups)
        singles = [term for group, n in counted.items() if len(group) == 1 for term in group * n]
        scores = self.scores(singles)
        for group, count in counted.items():
            if len(group) < 2:
                continue
            found = [self.postings(term) for term in group if term in self]
            if not found:
                continue
            docs = np.concatenate([d for d, _ in found])
            weights = np.concatenate([w for _, w in found])
            order = np.lexsort((-weights, docs))
            docs, weights = docs[order], weights[order]
            first = np.flatnonzero(np.r_[True, docs[1:] != docs[:-1]])
            np.add.at(scores, docs[first], weights[first] * count)
        return scores


def _removed_df(main: ImpactMatrix, removed: npt.NDArray[np.bool_]) -> IntArray:
    """Per main row, how many of the removed documents contain its term."""
    counts = np.zeros(len(main.terms), dtype=np.int64)
    if not removed.any():
        return counts
    positions = np.flatnonzero(removed[main.indices])
    rows = np.searchsorted(main.indptr, positions, side="right") - 1
    np.add.at(counts, rows, 1)
    return counts
