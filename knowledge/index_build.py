"""Building the two-field index in bounded memory: passages analysed a batch at a time.

:func:`build_index` gives exactly the index of :meth:`SearchIndex.build_from_words
<knowledge.index.SearchIndex.build_from_words>` over ``analyzer.words`` of every text (same
terms in the same order, same weights; ``tests/knowledge/test_index_build.py`` compares every
array), without a Python object per token of the archive. Texts are read one batch at a time:
a batch's tokens are found by the analyzer's regex, each distinct token is analysed once and
numbered, and one dict lookup per token (in C, ``map`` over the batch) gives its number; numpy
then expands the token numbers into the numbers of their non-stopword surfaces (an ``int32``
each). That is all the second pass needs: the decompounding vocabulary comes from the surfaces'
document frequencies, and each field's row numbers come from a table of each surface's terms,
expanded block by block as the impact matrix counts them. Surfaces are numbered in order of
first appearance, so numbering the terms over the surfaces in order numbers the rows as
:meth:`ImpactMatrix.build <knowledge.bm25.ImpactMatrix.build>` would over the token lists.
What stays alive is the surface numbers (4 bytes a token), the surfaces and their terms, the
vocabulary and the matrices.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from knowledge.analysis import Analyzer, GermanAnalyzer, Word
from knowledge.bm25 import Bm25Params, ImpactMatrix, distinct
from knowledge.compounds import CompoundParams, Decompounder, compound_parts

__all__ = ["Park", "build_index"]

Progress = Callable[[int, int], None]
Park = Callable[[str, ImpactMatrix], ImpactMatrix]
"""Takes a finished field (``"main"``) and returns it to keep, e.g. over its files, mapped."""
_BATCH = 8192  # texts analysed between two conversions to numpy
_CHUNK = 256  # texts whose token strings exist at once
_TOKEN_CACHE = 1_000_000  # distinct tokens whose numbers are remembered
_BLOCK = 16384  # documents whose term rows exist at once while a matrix counts them
Int64s = npt.NDArray[np.int64]
Int32s = npt.NDArray[np.int32]


class _Table:
    """For each key, a run of values (CSR): a token's surfaces or a surface's term rows."""

    def __init__(self) -> None:
        self.ends = array("q", [0])
        self.values = array("i")

    def add(self, values: Iterable[int]) -> int:
        """Append one key's run of values; return the key."""
        self.values.extend(values)
        self.ends.append(len(self.values))
        return len(self.ends) - 2

    def frozen(self) -> tuple[Int64s, Int32s]:
        """Copies of the run ends (``ends[k]:ends[k + 1]`` is key ``k``'s run) and values."""
        return np.array(self.ends, dtype=np.int64), np.array(self.values, dtype=np.int32)


def _expand(
    keys: npt.NDArray[np.integer[Any]], ends: Int64s, values: Int32s
) -> tuple[Int32s, Int64s]:
    """The runs of values of ``keys`` one after another, and each key's run length."""
    starts = ends[keys]
    sizes = ends[keys + 1] - starts
    if len(sizes) and sizes.min() == 1 and sizes.max() == 1:
        return values[starts], sizes
    before = np.cumsum(sizes) - sizes  # where each key's run starts in the output
    positions = np.arange(int(sizes.sum()), dtype=np.int64) + np.repeat(starts - before, sizes)
    return values[positions], sizes


class _Surfaces:
    """Numbers for the non-stopword surfaces met, with their terms, and for the tokens met."""

    def __init__(self, analyzer: Analyzer) -> None:
        self.analyzer = analyzer
        self.numbers: dict[str, int] = {}
        self.surfaces: list[str] = []
        self.terms: list[str] = []
        self._tokens = _TokenNumbers(self)
        self.token_surfaces = _Table()  # each token number's surface numbers

    def of_batch(self, texts: Sequence[str]) -> tuple[Int32s, Int64s]:
        """The surface numbers of a batch's non-stopword words, and each text's count of them."""
        if not isinstance(self.analyzer, GermanAnalyzer):  # any analyzer: through its words
            out, lengths = array("i"), array("q")
            for text in texts:
                before = len(out)
                words = self.analyzer.words(text)
                out.extend(self.number(w.surface, w.term) for w in words if w.term is not None)
                lengths.append(len(out) - before)
            return np.array(out, dtype=np.int32), np.array(lengths, dtype=np.int64)
        counts = np.zeros(len(texts) + 1, dtype=np.int64)  # tokens before each text
        parts: list[Int32s] = []
        find, number = self.analyzer.tokens, self._tokens.__getitem__
        for first in range(0, len(texts), _CHUNK):  # few token strings alive at once
            tokens: list[str] = []
            for i, text in enumerate(texts[first : first + _CHUNK], first + 1):
                tokens.extend(find(text))
                counts[i] = counts[first] + len(tokens)
            parts.append(np.fromiter(map(number, tokens), dtype=np.int32, count=len(tokens)))
        numbers = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32)
        del parts
        surfaces, sizes = _expand(numbers, *self.token_surfaces.frozen())
        return surfaces, _sums(sizes, counts)

    def done(self) -> tuple[list[str], list[str]]:
        """The surfaces and their terms, in number order; what only reading needed is let go.

        The token numbers (up to :data:`_TOKEN_CACHE` strings), each token's surfaces and the
        surfaces' numbers are not needed once every text is read; freeing them here keeps them
        out of the build's peak, which comes while the matrices are built.
        """
        self._tokens.clear()
        self.numbers.clear()
        self.token_surfaces = _Table()
        return self.surfaces, self.terms

    def number(self, surface: str, term: str) -> int:
        """The number of a surface, numbering it (with its term) when first met."""
        number = self.numbers.get(surface)
        if number is None:
            number = self.numbers[surface] = len(self.surfaces)
            self.surfaces.append(surface)
            self.terms.append(term)
        return number


class _TokenNumbers(dict[str, int]):
    """Number of each token; an unseen token is analysed and its surfaces numbered."""

    def __init__(self, surfaces: _Surfaces) -> None:
        super().__init__()
        self._surfaces = surfaces

    def __missing__(self, token: str) -> int:
        """Analyse a token met for the first time (or again, past the cache's size)."""
        surfaces = self._surfaces
        words = cast(GermanAnalyzer, surfaces.analyzer).token_words(token)
        number = surfaces.token_surfaces.add(
            [surfaces.number(s, t) for s, t in words if t is not None]
        )
        if len(self) < _TOKEN_CACHE:
            self[token] = number
        return number


def _row_table(runs: Iterable[Iterable[str]], rows: dict[str, int]) -> tuple[Int64s, Int32s]:
    """Each surface's run of terms as row numbers, numbering terms in order of appearance."""
    table = _Table()
    for run in runs:
        table.add(rows.setdefault(term, len(rows)) for term in run)
    return table.frozen()


class _FieldBlocks:
    """Per block of documents, the row numbers of its tokens and each document's count.

    Iterable again and again (the matrix reads the blocks twice); each block is expanded
    from the surface numbers when reached.
    """

    def __init__(self, flat: Int32s, offsets: Int64s, table: tuple[Int64s, Int32s]) -> None:
        self._flat, self._offsets, self._table = flat, offsets, table

    def __iter__(self) -> Iterator[tuple[Int32s, Int64s]]:
        """Yield each block's rows and document lengths."""
        offsets = self._offsets
        n_docs = len(offsets) - 1
        for first in range(0, n_docs, _BLOCK):
            last = min(first + _BLOCK, n_docs)
            keys = self._flat[offsets[first] : offsets[last]]
            rows, sizes = _expand(keys, *self._table)
            yield rows, _sums(sizes, offsets[first : last + 1] - offsets[first])


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
    park: Park | None = None,
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
        park: Given the main matrix once built, before the compound field is; what it returns
            is kept instead (:class:`knowledge.index_store.StagedSave` writes it to the save's
            files and maps them, so its arrays are not in memory while the compound field is
            built, the build's peak).

    Returns:
        The main matrix, the compound matrix and the decompounder.
    """
    del compound_weight
    surfaces = _Surfaces(analyzer)
    flat_parts: list[Int32s] = []
    length_parts: list[Int64s] = []
    df = np.zeros(0, dtype=np.int64)
    read = iter(texts)
    n_docs = 0
    while batch := list(islice(read, _BATCH)):
        numbers, lengths = surfaces.of_batch(batch)
        del batch
        df = _add_df(df, numbers, lengths, len(surfaces.surfaces))
        flat_parts.append(numbers)
        length_parts.append(lengths)
        n_docs += len(lengths)
        if progress is not None:
            progress(n_docs, total or n_docs)
    if progress is not None and n_docs == 0:
        progress(0, total or 0)
    flat = np.concatenate(flat_parts) if flat_parts else np.zeros(0, dtype=np.int32)
    del flat_parts
    offsets = np.zeros(n_docs + 1, dtype=np.int64)
    if length_parts:
        np.cumsum(np.concatenate(length_parts), out=offsets[1:])
    del length_parts
    names, terms = surfaces.done()
    del surfaces
    vocabulary = sorted(
        s for s, d in zip(names, df.tolist(), strict=True)
        if d >= compounds.min_df and s.isalpha()
    )  # fmt: skip
    del df
    decompounder = Decompounder(vocabulary, compounds, stopword=stopword)
    main_rows: dict[str, int] = {}
    table = _row_table(((term,) for term in terms), main_rows)
    main = ImpactMatrix.build_numbered(_FieldBlocks(flat, offsets, table), main_rows, params)
    del table
    if park is not None:
        main = park("main", main)
    compound_rows: dict[str, int] = {}
    runs = (
        (term, *compound_parts(Word(surface, 0, 0, term), decompounder, analyzer))
        for surface, term in zip(names, terms, strict=True)
    )
    table = _row_table(runs, compound_rows)
    compound = ImpactMatrix.build_numbered(
        _FieldBlocks(flat, offsets, table), compound_rows, params
    )
    return main, compound, decompounder


def _sums(values: Int64s, offsets: Int64s) -> Int64s:
    """The sum of ``values[offsets[i]:offsets[i + 1]]`` for each ``i`` (0 for an empty range)."""
    cumulative = np.zeros(len(values) + 1, dtype=np.int64)
    np.cumsum(values, out=cumulative[1:])
    return np.diff(cumulative[offsets])


def _add_df(df: Int64s, numbers: Int32s, lengths: Int64s, n_surfaces: int) -> Int64s:
    """Add a batch's document frequencies of its surfaces to ``df`` (grown to all surfaces)."""
    if len(df) < n_surfaces:
        df = np.concatenate([df, np.zeros(n_surfaces - len(df), dtype=np.int64)])
    if len(numbers):
        docs = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
        pairs = distinct(docs * n_surfaces + numbers)
        df += np.bincount(pairs % n_surfaces, minlength=n_surfaces)
    return df
