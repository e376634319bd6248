"""BM25 as a precomputed term-by-document impact matrix.

The scoring is the one of rank-bm25's ``BM25Okapi`` (rank_bm25.py, version 0.2.2); each formula
below is a small function that cites the line it reproduces. Instead of looping over documents
per query, every (term, document) weight is computed once at build time and stored as a sparse
matrix in CSR layout with one row per term. A query then adds up the rows of its terms into a
dense score vector, so its cost grows with the postings of its terms, not with the corpus.

``ImpactMatrix.scores(query)`` equals ``BM25Okapi(docs, k1, b, epsilon).get_scores(query)``,
including its quirks: a repeated query token counts once per occurrence, an unknown token adds
nothing, and a term with negative idf gets ``epsilon * average_idf`` where the average is over
the raw idf of all terms.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import chain
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = [
    "DEFAULT_BM25",
    "Bm25Params",
    "ImpactMatrix",
    "average_idf",
    "distinct",
    "floored_idf",
    "raw_idf",
    "term_frequency_part",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
_TF_MAX = int(np.iinfo(np.uint16).max)


@dataclass(frozen=True, slots=True)
class Bm25Params:
    """BM25Okapi parameters; the defaults were measured on short German passages.

    Attributes:
        k1: Term-frequency saturation.
        b: Document-length normalisation.
        epsilon: Factor of the average idf given to terms with a negative idf.
    """

    k1: float = 0.9
    b: float = 0.4
    epsilon: float = 0.25

    def as_dict(self) -> dict[str, float]:
        """Return the parameters as a JSON-ready mapping."""
        return {"k1": self.k1, "b": self.b, "epsilon": self.epsilon}


DEFAULT_BM25 = Bm25Params()
"""The default BM25 parameters (k1 0.9, b 0.4, epsilon 0.25)."""


def raw_idf(n_docs: int, df: FloatArray) -> FloatArray:
    """Return ``log(N - df + 0.5) - log(df + 0.5)`` per term (BM25Okapi._calc_idf)."""
    return np.log(n_docs - df + 0.5) - np.log(df + 0.5)


def average_idf(idf: FloatArray) -> float:
    """Return the mean raw idf over all terms, negatives included (BM25Okapi._calc_idf)."""
    return float(idf.sum() / len(idf)) if len(idf) else 0.0


def floored_idf(idf: FloatArray, epsilon: float) -> FloatArray:
    """Replace each negative idf by ``epsilon * average_idf`` (BM25Okapi._calc_idf)."""
    return np.where(idf < 0, epsilon * average_idf(idf), idf)


def term_frequency_part(
    tf: FloatArray, doc_len: FloatArray, avgdl: float, params: Bm25Params
) -> FloatArray:
    """Return ``tf*(k1+1) / (tf + k1*(1 - b + b*dl/avgdl))`` (BM25Okapi.get_scores)."""
    k1, b = params.k1, params.b
    return tf * (k1 + 1) / (tf + k1 * (1 - b + b * doc_len / avgdl))


@dataclass(frozen=True, slots=True, eq=False)
class ImpactMatrix:
    """Per-term BM25 weights of every document, rows = terms in CSR layout.

    Attributes:
        terms: Term of each row.
        row_idf: Floored idf of each row's term.
        indptr: Row ``i`` spans ``indices[indptr[i]:indptr[i+1]]`` (int64, length terms + 1).
        indices: Document of each stored weight, ascending within a row (int32).
        data: Weight ``idf * tf part`` of each stored (term, document) pair (float64).
        n_docs: Number of documents (columns).
        params: The BM25 parameters the weights were computed with.
        tf: Term frequency of each stored pair (uint16, or int32 when a count exceeds that).
        lengths: Each document's number of terms (int64); with ``tf`` what a delta segment
            (:mod:`knowledge.delta`) needs to score over other counts.
    """

    terms: tuple[str, ...] = field(repr=False)
    row_idf: FloatArray
    indptr: IntArray
    indices: npt.NDArray[np.int32]
    data: FloatArray
    n_docs: int
    params: Bm25Params
    _rows: Mapping[str, int] = field(repr=False)
    tf: npt.NDArray[np.uint16] | npt.NDArray[np.int32] = field(repr=False)
    lengths: IntArray = field(repr=False)

    @classmethod
    def build(
        cls,
        docs: Sequence[Sequence[str]],
        params: Bm25Params = DEFAULT_BM25,
        block_size: int = 65536,
        *,
        lengths: IntArray | None = None,
    ) -> ImpactMatrix:
        """Compute the impact matrix of tokenised documents with vectorised numpy.

        Every token is mapped to its row once (a new term gets the next row), block by block;
        :meth:`build_numbered` does the rest in two passes over the blocks. The first counts
        the distinct (term, document) pairs: the document frequencies give the idf and the
        row sizes. The second is a counting sort by row: ``indptr`` is the cumulative sum of
        the row sizes, and each block's pairs, counted again in ``(term, doc)`` order, are
        scattered to the next free slots of their rows, so a row lists its documents in block
        order and, within a block, in ascending order, i.e. ascending overall. The weights
        are computed block by block on the way.

        Args:
            docs: One sequence of terms per document (repeats count as term frequency).
            params: BM25 parameters.
            block_size: Documents counted per numpy pass.
            lengths: Each document's number of terms, when known (saves a pass over ``docs``).

        Returns:
            The matrix; ``scores`` of it equals ``BM25Okapi(docs, ...).get_scores``.
        """
        n_docs = len(docs)
        if lengths is None:
            lengths = np.fromiter((len(doc) for doc in docs), dtype=np.int64, count=n_docs)
        rows = _RowNumbers()
        blocks = []  # each block's rows, counted twice by build_numbered
        for first in range(0, n_docs, block_size):
            block_lengths = lengths[first : first + block_size]
            ids = np.fromiter(
                map(rows.__getitem__, chain.from_iterable(docs[first : first + block_size])),
                dtype=np.int64,
                count=int(block_lengths.sum()),
            )
            blocks.append((ids, block_lengths))
        return cls.build_numbered(blocks, rows, params)

    @classmethod
    def build_numbered(
        cls,
        blocks: Iterable[tuple[npt.NDArray[np.integer[Any]], IntArray]],
        terms: Iterable[str],
        params: Bm25Params = DEFAULT_BM25,
    ) -> ImpactMatrix:
        """The matrix of :meth:`build` from documents whose terms are already row numbers.

        ``blocks`` is iterated twice: once for the document frequencies and lengths (distinct
        pairs only), once to count each block's pairs again and place them, so that no block's
        pairs outlive it beside the finished arrays.

        Args:
            blocks: Consecutive blocks of documents, each as the row numbers of all its tokens
                in order and each document's number of tokens; iterable twice, the same both
                times. Rows are numbered in order of first appearance, as :meth:`build` does.
            terms: The term of each row, read once the blocks are first read.
            params: BM25 parameters.

        Returns:
            The matrix.
        """
        df_parts: list[IntArray] = []
        block_lengths: list[IntArray] = []
        wide = False
        for ids, sizes in blocks:
            keys = _pair_keys(ids, sizes)
            if len(sizes) and int(sizes.max()) > _TF_MAX:  # a count might exceed uint16
                wide = wide or int(np.unique(keys, return_counts=True)[1].max()) > _TF_MAX
            df_parts.append(np.bincount(distinct(keys) // max(len(sizes), 1)))
            block_lengths.append(np.asarray(sizes, dtype=np.int64))
            del keys
        lengths = np.concatenate(block_lengths) if block_lengths else np.zeros(0, np.int64)
        del block_lengths
        n_docs = len(lengths)
        terms = tuple(terms)
        n_terms = len(terms)
        df_counts = np.zeros(n_terms, dtype=np.int64)
        for part in df_parts:
            df_counts[: len(part)] += part
        del df_parts
        idf = floored_idf(raw_idf(n_docs, df_counts.astype(np.float64)), params.epsilon)
        avgdl = float(lengths.sum() / n_docs) if n_docs else 0.0
        indptr = np.zeros(n_terms + 1, dtype=np.int64)
        np.cumsum(df_counts, out=indptr[1:])
        indices = np.empty(int(indptr[-1]), dtype=np.int32)
        data = np.empty(int(indptr[-1]), dtype=np.float64)
        tf_all = np.empty(int(indptr[-1]), dtype=np.int32 if wide else np.uint16)
        next_slot = indptr[:-1].copy()  # first free position of each row
        first = 0
        for ids, doc_sizes in blocks:
            block = _count_block(ids, doc_sizes, first)
            first += len(doc_sizes)
            sizes = block.row_sizes
            block_start = np.cumsum(sizes) - sizes  # where each row's run starts in the block
            rank = np.arange(len(block.rows), dtype=np.int64) - block_start[block.rows]
            slots = next_slot[block.rows] + rank
            next_slot[: len(sizes)] += sizes
            indices[slots] = block.docs
            tf_all[slots] = block.tf
            doc_len = lengths[block.docs].astype(np.float64)
            tf = block.tf.astype(np.float64)
            data[slots] = idf[block.rows] * term_frequency_part(tf, doc_len, avgdl or 1.0, params)
            del block, rank, slots, doc_len, tf
        arrays: dict[str, npt.NDArray[Any]] = {
            "idf": idf,
            "indptr": indptr,
            "indices": indices,
            "data": data,
            "tf": tf_all,
            "lengths": np.asarray(lengths, dtype=np.int64),
        }
        return cls.from_arrays(terms, arrays, n_docs=n_docs, params=params)

    @classmethod
    def from_arrays(
        cls,
        terms: Sequence[str],
        arrays: Mapping[str, npt.NDArray[Any]],
        *,
        n_docs: int,
        params: Bm25Params,
    ) -> ImpactMatrix:
        """Rebuild a matrix from the arrays of ``to_arrays`` after checking them.

        Args:
            terms: Term of each row.
            arrays: ``idf``, ``indptr``, ``indices``, ``data``, ``tf`` and ``lengths`` as
                returned by ``to_arrays``.
            n_docs: Number of documents.
            params: The BM25 parameters the weights were computed with.

        Raises:
            ValueError: When an array is missing or a dtype, shape or range does not fit.
        """
        missing = {"idf", "indptr", "indices", "data", "tf", "lengths"} - set(arrays)
        if missing:
            raise ValueError(f"impact matrix: arrays {sorted(missing)} are missing")
        idf, indptr = arrays["idf"], arrays["indptr"]
        indices, data = arrays["indices"], arrays["data"]
        tf, lengths = arrays["tf"], arrays["lengths"]
        n_terms = len(terms)
        checks = {
            "idf must be float64 of one value per term": idf.dtype == np.float64
            and idf.shape == (n_terms,),
            "indptr must be int64 of terms + 1 values": indptr.dtype == np.int64
            and indptr.shape == (n_terms + 1,),
            "indices must be int32 and data float64 of one length": indices.dtype == np.int32
            and data.dtype == np.float64
            and indices.ndim == 1
            and data.shape == indices.shape,
            "tf must be uint16 or int32 of one value per weight": tf.dtype in (np.uint16, np.int32)
            and tf.shape == indices.shape,
            "lengths must be int64 of one value per document": lengths.dtype == np.int64
            and lengths.shape == (n_docs,),
            "terms must be distinct": len(set(terms)) == n_terms,
            "n_docs must not be negative": n_docs >= 0,
        }
        for message, ok in checks.items():
            if not ok:
                raise ValueError(f"impact matrix: {message}")
        if indptr[0] != 0 or indptr[-1] != len(indices) or np.any(np.diff(indptr) < 0):
            raise ValueError("impact matrix: indptr must rise from 0 to the number of weights")
        if len(indices) and (indices.min() < 0 or indices.max() >= n_docs):
            raise ValueError(f"impact matrix: document indices must lie in [0, {n_docs})")
        if not _ascending_within_rows(indptr, indices):
            raise ValueError("impact matrix: document indices must ascend within each row")
        if not (np.all(np.isfinite(data)) and np.all(np.isfinite(idf))):
            raise ValueError("impact matrix: weights and idf must be finite")
        if (len(tf) and tf.min() < 1) or (len(lengths) and lengths.min() < 0):
            raise ValueError("impact matrix: term frequencies must be positive, lengths not < 0")
        rows = {term: i for i, term in enumerate(terms)}
        return cls(tuple(terms), idf, indptr, indices, data, n_docs, params, rows, tf, lengths)

    def to_arrays(self) -> dict[str, npt.NDArray[Any]]:
        """Return the numeric arrays to persist (terms and params are stored separately)."""
        return {
            "idf": self.row_idf,
            "indptr": self.indptr,
            "indices": self.indices,
            "data": self.data,
            "tf": self.tf,
            "lengths": self.lengths,
        }

    def over(self, arrays: Mapping[str, npt.NDArray[Any]]) -> ImpactMatrix:
        """The same matrix over other copies of its arrays, not checked again.

        For copies known to equal :meth:`to_arrays` (the files just written from it, mapped
        back), where :meth:`from_arrays`'s checks would read every page of them.
        """
        return replace(
            self,
            row_idf=arrays["idf"],
            indptr=arrays["indptr"],
            indices=arrays["indices"],
            data=arrays["data"],
            tf=arrays["tf"],
            lengths=arrays["lengths"],
        )

    def idf(self, term: str) -> float | None:
        """Return the (floored) idf of a term, or None when no document contains it."""
        row = self._rows.get(term)
        return None if row is None else float(self.row_idf[row])

    def __contains__(self, term: object) -> bool:
        """Tell whether some document contains the term."""
        return term in self._rows

    def scores(self, query_terms: Iterable[str]) -> FloatArray:
        """Return the BM25 score of every document for the query terms.

        Args:
            query_terms: Query tokens; a repeated token counts once per occurrence and an
                unknown token adds nothing, as in ``BM25Okapi.get_scores``.

        Returns:
            A float64 array of length ``n_docs``.
        """
        scores = np.zeros(self.n_docs, dtype=np.float64)
        for term, count in Counter(query_terms).items():
            row = self._rows.get(term)
            if row is not None:
                start, end = self.indptr[row], self.indptr[row + 1]
                weights = self.data[start:end]
                if count != 1:
                    weights = weights * count
                # The same additions in the same order as ``scores[indices] += weights`` (the
                # documents of a row are distinct), without that form's gathered temporary:
                # about 4x faster on rows of 10^5-10^6 documents.
                np.add.at(scores, self.indices[start:end], weights)
        return scores

    def document_frequency(self, term: str) -> int:
        """Return how many documents contain the term (0 when none)."""
        row = self._rows.get(term)
        return 0 if row is None else int(self.indptr[row + 1] - self.indptr[row])

    def scores_any(self, groups: Iterable[Sequence[str]]) -> FloatArray:
        """Return BM25 scores where each group of alternative terms counts once per document.

        A group of one term adds exactly what :meth:`scores` adds for it (repeated groups count
        once per occurrence); a group of several adds, per document, the largest weight of its
        terms there: a slot satisfied by any alternative is satisfied once.
        """
        counted = Counter(tuple(group) for group in groups)
        singles = [term for group, n in counted.items() if len(group) == 1 for term in group * n]
        scores = self.scores(singles)
        for group, count in counted.items():
            rows = [r for t in group if len(group) > 1 and (r := self._rows.get(t)) is not None]
            if not rows:
                continue
            docs = np.concatenate([self.indices[self.indptr[r] : self.indptr[r + 1]] for r in rows])
            weights = np.concatenate([self.data[self.indptr[r] : self.indptr[r + 1]] for r in rows])
            order = np.lexsort((-weights, docs))
            docs, weights = docs[order], weights[order]
            first = np.flatnonzero(np.r_[True, docs[1:] != docs[:-1]])
            np.add.at(scores, docs[first], weights[first] * count)
        return scores


class _RowNumbers(dict[str, int]):
    """Row number of each term; looking up an unseen term gives it the next row."""

    def __missing__(self, term: str) -> int:
        """Assign the next row to a term seen for the first time."""
        row = self[term] = len(self)
        return row


@dataclass(frozen=True, slots=True)
class _BlockPairs:
    """The distinct (term, document) pairs of a block of documents, by term then document.

    Attributes:
        rows: Row of each pair (int32).
        docs: Document of each pair, numbered over the whole corpus (int32).
        tf: Term frequency of each pair (uint16, or int32 when a count exceeds that).
        row_sizes: Number of pairs of each row (int64, rows ``0`` to the block's largest).
    """

    rows: npt.NDArray[np.int32]
    docs: npt.NDArray[np.int32]
    tf: npt.NDArray[np.uint16] | npt.NDArray[np.int32]
    row_sizes: IntArray


def distinct(values: IntArray) -> IntArray:
    """The distinct values, ascending (a sort: faster here than ``np.unique``'s hashing)."""
    ordered = np.sort(values)
    if len(ordered) < 2:
        return ordered
    keep = np.empty(len(ordered), dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def _pair_keys(term_ids: npt.NDArray[np.integer[Any]], block_lengths: IntArray) -> IntArray:
    """``row * len(block) + doc`` of each token of a block (``doc`` counted from the block)."""
    n = len(block_lengths)
    docs = np.repeat(np.arange(n, dtype=np.int64), block_lengths)
    keys = term_ids.astype(np.int64)
    keys *= n
    keys += docs
    return keys


def _count_block(
    term_ids: npt.NDArray[np.integer[Any]], block_lengths: IntArray, first: int
) -> _BlockPairs:
    """Count the term frequencies of a block of documents (``first`` onwards).

    ``term_ids`` holds the rows of the block's tokens in order, ``block_lengths`` each
    document's number of them; ``np.unique`` on ``row * len(block) + doc`` then yields the
    distinct pairs sorted by row, then document, with their counts.
    """
    n = len(block_lengths)
    keys, tf = np.unique(_pair_keys(term_ids, block_lengths), return_counts=True)
    row_of, doc_of = np.divmod(keys, n) if n else (keys, keys)
    narrow = len(tf) == 0 or int(tf.max()) <= _TF_MAX
    return _BlockPairs(
        rows=row_of.astype(np.int32),
        docs=(doc_of + first).astype(np.int32),
        tf=tf.astype(np.uint16) if narrow else tf.astype(np.int32),
        row_sizes=np.bincount(row_of),
    )


def _ascending_within_rows(indptr: IntArray, indices: npt.NDArray[np.int32]) -> bool:
    """Tell whether ``indices`` rise strictly within each row of ``indptr``.

    Compares each index with its successor (one bool per pair, no int64 temporaries) and
    excuses the pairs that straddle a row boundary.
    """
    if len(indices) < 2:
        return True
    rising = indices[1:] > indices[:-1]
    last_of_row = indptr[1:-1] - 1  # position whose successor starts the next row
    rising[last_of_row[(last_of_row >= 0) & (last_of_row < len(rising))]] = True
    return bool(rising.all())
