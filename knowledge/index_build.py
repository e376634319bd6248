"""Building the two-field index in bounded memory: passages analysed a batch at a time.

:func:`build_index` gives exactly the index of :meth:`SearchIndex.build_from_words
<knowledge.index.SearchIndex.build_from_words>` over ``analyzer.words`` of every text (same
terms in the same order, same weights; ``tests/knowledge/test_index_build.py`` compares every
array), without holding a :class:`~knowledge.analysis.Word` per token of the archive. Texts are
read one batch at a time; each token becomes the numbers of its non-stopword surfaces (an
``int32`` each, a token's surfaces analysed once), which is all the second pass needs: the
decompounding vocabulary comes from the surfaces' document frequencies, and the main and
compound fields' token lists are made from the numbers block by block as the impact matrices
count them. What stays alive is the surface numbers (4 bytes a token), the vocabulary and the
matrices being built.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import overload

import numpy as np
import numpy.typing as npt

from knowledge.analysis import Analyzer, GermanAnalyzer, Word
from knowledge.bm25 import Bm25Params, ImpactMatrix
from knowledge.compounds import CompoundParams, Decompounder, compound_parts

__all__ = ["build_index"]

Progress = Callable[[int, int], None]
_BATCH = 8192  # texts analysed between two conversions to numpy
_TOKEN_CACHE = 1_000_000  # distinct tokens whose surface numbers are remembered
_BLOCK = 16384  # documents whose token lists exist at once while a matrix counts them


class _Surfaces:
    """Numbers for the non-stopword surfaces met, with their terms."""

    def __init__(self, analyzer: Analyzer) -> None:
        self.analyzer = analyzer  # GermanAnalyzer's tokens are read without Word objects
        self.numbers: dict[str, int] = {}
        self.surfaces: list[str] = []
        self.terms: list[str] = []
        self._tokens: dict[str, tuple[int, ...]] = {}

    def of_text(self, text: str, out: array[int]) -> int:
        """Append the surface numbers of a text's non-stopword words; return how many."""
        before = len(out)
        if not isinstance(self.analyzer, GermanAnalyzer):  # any analyzer: through its words
            for word in self.analyzer.words(text):
                if word.term is not None:
                    out.append(self._number(word.surface, word.term))
            return len(out) - before
        cache = self._tokens
        for token in self.analyzer.tokens(text):
            numbers = cache.get(token)
            if numbers is None:
                words = self.analyzer.token_words(token)
                numbers = tuple(self._number(s, t) for s, t in words if t is not None)
                if len(cache) < _TOKEN_CACHE:
                    cache[token] = numbers
            out.extend(numbers)
        return len(out) - before

    def _number(self, surface: str, term: str) -> int:
        number = self.numbers.get(surface)
        if number is None:
            number = self.numbers[surface] = len(self.surfaces)
            self.surfaces.append(surface)
            self.terms.append(term)
        return number


class _Docs(Sequence[list[str]]):
    """Per document, the token list of one field, made from the surface numbers when asked."""

    def __init__(
        self,
        flat: npt.NDArray[np.int32],
        offsets: npt.NDArray[np.int64],
        expand: Sequence[tuple[str, ...]],
    ) -> None:
        self._flat, self._offsets, self._expand = flat, offsets, expand

    def __len__(self) -> int:
        return len(self._offsets) - 1

    @overload
    def __getitem__(self, item: int) -> list[str]: ...
    @overload
    def __getitem__(self, item: slice) -> Sequence[list[str]]: ...
    def __getitem__(self, item: int | slice) -> list[str] | Sequence[list[str]]:
        if isinstance(item, slice):
            return [self[i] for i in range(*item.indices(len(self)))]
        expand = self._expand
        start, end = int(self._offsets[item]), int(self._offsets[item + 1])
        return [t for n in self._flat[start:end].tolist() for t in expand[n]]

    def __iter__(self) -> Iterator[list[str]]:
        return (self[i] for i in range(len(self)))


def build_index(
    texts: Iterable[str],
    analyzer: Analyzer,
    params: Bm25Params,
    *,
    compound_weight: float,
    compounds: CompoundParams,
    stopword: Callable[[str], bool],
    total: int | None = None,
    progress: Progress | None = None,
) -> tuple[ImpactMatrix, ImpactMatrix, Decompounder]:
    """Analyse texts a batch at a time and build the main and compound impact matrices.

    Args:
        texts: The passages' texts, in document order (read once).
        analyzer: The analyzer.
        params: BM25 parameters of both fields.
        compound_weight: Unused here; kept for the caller's symmetry.
        compounds: Decompounding parameters (its ``min_df`` picks the vocabulary).
        stopword: The decompounder's stopword test.
        total: Number of texts, for progress.
        progress: Called with (texts analysed, total) now and then.

    Returns:
        The main matrix, the compound matrix and the decompounder.
    """
    del compound_weight
    surfaces = _Surfaces(analyzer)
    flat_parts: list[npt.NDArray[np.int32]] = []
    lengths = array("q")
    batch = array("i")
    df = np.zeros(0, dtype=np.int64)
    batch_lengths: list[int] = []
    for n, text in enumerate(texts, 1):
        batch_lengths.append(surfaces.of_text(text, batch))
        if len(batch_lengths) == _BATCH:
            df = _flush(
                batch,
                batch_lengths,
                df,
                n_surfaces=len(surfaces.surfaces),
                flat_parts=flat_parts,
                lengths=lengths,
            )
            batch, batch_lengths = array("i"), []
            if progress is not None:
                progress(n, total or n)
    df = _flush(
        batch,
        batch_lengths,
        df,
        n_surfaces=len(surfaces.surfaces),
        flat_parts=flat_parts,
        lengths=lengths,
    )
    del batch
    n_docs = len(lengths)
    if progress is not None:
        progress(n_docs, total or n_docs)
    flat = np.concatenate(flat_parts) if flat_parts else np.zeros(0, dtype=np.int32)
    del flat_parts
    offsets = np.zeros(n_docs + 1, dtype=np.int64)
    np.cumsum(np.frombuffer(lengths, dtype=np.int64), out=offsets[1:])
    vocabulary = sorted(
        s for s, d in zip(surfaces.surfaces, df.tolist(), strict=True)
        if d >= compounds.min_df and s.isalpha()
    )  # fmt: skip
    decompounder = Decompounder(vocabulary, compounds, stopword=stopword)
    main_tokens = [(term,) for term in surfaces.terms]
    doc_lengths = np.diff(offsets)
    main = ImpactMatrix.build(
        _Docs(flat, offsets, main_tokens), params, _BLOCK, lengths=doc_lengths
    )
    del main_tokens
    compound_tokens = [
        (term, *compound_parts(Word(surface, 0, 0, term), decompounder, analyzer))
        for surface, term in zip(surfaces.surfaces, surfaces.terms, strict=True)
    ]
    sizes = np.fromiter(
        (len(t) for t in compound_tokens), dtype=np.int64, count=len(compound_tokens)
    )
    compound_lengths = _sums(sizes[flat], offsets)
    compound = ImpactMatrix.build(
        _Docs(flat, offsets, compound_tokens), params, _BLOCK, lengths=compound_lengths
    )
    return main, compound, decompounder


def _sums(values: npt.NDArray[np.int64], offsets: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """The sum of ``values[offsets[i]:offsets[i + 1]]`` for each ``i`` (0 for an empty range)."""
    cumulative = np.zeros(len(values) + 1, dtype=np.int64)
    np.cumsum(values, out=cumulative[1:])
    return np.diff(cumulative[offsets])


def _flush(
    batch: array[int],
    batch_lengths: list[int],
    df: npt.NDArray[np.int64],
    *,
    n_surfaces: int,
    flat_parts: list[npt.NDArray[np.int32]],
    lengths: array[int],
) -> npt.NDArray[np.int64]:
    """Keep a batch's surface numbers as numpy and add its document frequencies to ``df``."""
    numbers = np.frombuffer(batch, dtype=np.int32).copy() if len(batch) else np.zeros(0, np.int32)
    flat_parts.append(numbers)
    lengths.extend(batch_lengths)
    if len(df) < n_surfaces:
        df = np.concatenate([df, np.zeros(n_surfaces - len(df), dtype=np.int64)])
    if len(numbers):
        docs = np.repeat(np.arange(len(batch_lengths), dtype=np.int64), batch_lengths)
        pairs = np.unique(docs * n_surfaces + numbers)
        df += np.bincount(pairs % n_surfaces, minlength=n_surfaces)
    return df
