"""Dictionary-based German decompounding against the index's own vocabulary.

Like Lucene's ``DictionaryCompoundWordTokenFilter`` with a word list, a word is split where
its pieces are words the corpus itself uses, so no external dictionary (and no GPL word list)
is needed. German compounds put the head last (``Werbe|anzeigen``, ``Lieferketten|risiko``)
and may join the modifier with a linking element (``Unternehmen|s|berater``); the splitter
prefers the longest known head, accepts a known modifier with or without a linking element,
falls back to a known modifier when the head is new, and splits both pieces again.

Hyphens and a leading currency sign are boundaries too, so ``gpt-5`` has the parts ``gpt`` and
``5`` and ``open-source-plattform`` the parts ``open``, ``source`` and ``plattform``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass

from knowledge.analysis import Analyzer, Word

__all__ = [
    "DEFAULT_COMPOUNDS",
    "CompoundParams",
    "Decompounder",
    "compound_parts",
    "compound_terms",
    "corpus_vocabulary",
]

_BOUNDARY = re.compile(r"[-\u2010\u2011]|^[$€£¥]")


@dataclass(frozen=True, slots=True)
class CompoundParams:
    """How words are split into compound parts.

    Attributes:
        min_head: Shortest head (last piece) of a split, in characters.
        min_modifier: Shortest modifier (first piece) of a split.
        min_unknown: Shortest piece accepted without being a known word; a split needs at
            least one known piece.
        links: Linking elements a modifier may end with (``s`` in ``Unternehmensberater``).
        min_df: Documents a word must occur in to count as known.
        keep_inner: Also return a part that was split again (``lieferkette`` besides
            ``liefer`` and ``kette``).
    """

    min_head: int = 4
    min_modifier: int = 3
    min_unknown: int = 5
    links: tuple[str, ...] = ("s", "es", "n", "en", "e", "er")
    min_df: int = 1
    keep_inner: bool = True

    def as_dict(self) -> dict[str, object]:
        """Return the parameters as a JSON-ready mapping."""
        return {**asdict(self), "links": list(self.links)}


DEFAULT_COMPOUNDS = CompoundParams()
"""The default decompounding parameters, tuned on GermanQuAD."""


class Decompounder:
    """Splits words into the known words they are made of.

    Args:
        vocabulary: Known case-folded surface words (the corpus's vocabulary).
        params: Splitting parameters.
        stopword: Tells whether a piece is a stopword, never taken as a piece (``unter`` in
            ``Unternehmen``); asked only about pieces that would otherwise make a split.
    """

    def __init__(
        self,
        vocabulary: Iterable[str],
        params: CompoundParams = DEFAULT_COMPOUNDS,
        stopword: Callable[[str], bool] | None = None,
    ) -> None:
        self._known = frozenset(vocabulary)
        self._stopword = stopword or (lambda _: False)
        self._params = params
        self._cache: dict[str, tuple[str, ...]] = {}

    @property
    def params(self) -> CompoundParams:
        """The splitting parameters."""
        return self._params

    @property
    def vocabulary(self) -> frozenset[str]:
        """The known words splits are checked against."""
        return self._known

    def split(self, word: str) -> tuple[str, ...]:
        """Return the surface parts of a case-folded word, ``()`` when it is not a compound.

        Args:
            word: A case-folded surface word such as ``werbeanzeigen``.

        Returns:
            The parts in order, e.g. ``("werbe", "anzeigen")``; ``()`` when no split is found.
        """
        try:
            return self._cache[word]
        except KeyError:
            pass
        pieces = [piece for piece in _BOUNDARY.split(word) if piece]
        if len(pieces) > 1 or (pieces and pieces[0] != word):
            parts = tuple(part for piece in pieces for part in self._split_or_keep(piece))
        else:
            parts = self._split_word(word)
        if len(self._cache) < 1_000_000:
            self._cache[word] = parts
        return parts

    def _split_or_keep(self, piece: str) -> tuple[str, ...]:
        parts = self._split_word(piece)
        if not parts:
            return (piece,)
        return (piece, *parts) if self._params.keep_inner else parts

    def _is_known(self, piece: str) -> bool:
        """Tell whether a piece is a known word."""
        return piece in self._known

    def _known_modifier(self, modifier: str) -> str | None:
        """Return the known form of a modifier, trying it without each linking element."""
        if self._is_known(modifier):
            return modifier
        for link in self._params.links:
            stem = modifier[: -len(link)]
            if (
                modifier.endswith(link)
                and len(stem) >= self._params.min_modifier
                and self._is_known(stem)
            ):
                return stem
        return None

    def _split_word(self, word: str) -> tuple[str, ...]:
        """Return the best two-piece split of an alphabetic word, both pieces split again."""
        p = self._params
        if not word.isalpha() or len(word) < p.min_head + p.min_modifier:
            return ()
        best: tuple[tuple[int, int], str, str] | None = None
        for cut in range(p.min_modifier, len(word) - p.min_head + 1):
            raw_modifier, head = word[:cut], word[cut:]
            modifier = self._known_modifier(raw_modifier)
            head_known = self._is_known(head)
            if head_known and modifier is not None:
                rank = (3, len(head))
            elif head_known and len(raw_modifier) >= p.min_unknown:
                rank = (2, len(head))
            elif modifier is not None and len(head) >= p.min_unknown:
                rank = (1, len(raw_modifier))
            else:
                continue
            if best is not None and rank <= best[0]:
                continue
            if self._stopword(raw_modifier) or self._stopword(head):
                continue
            best = (rank, modifier or raw_modifier, head)
        if best is None:
            return ()
        _, modifier, head = best
        return self._split_or_keep(modifier) + self._split_or_keep(head)


def compound_terms(
    words: Sequence[Word],
    decompounder: Decompounder,
    analyzer: Analyzer,
    cache: dict[str, tuple[str, ...]] | None = None,
) -> list[str]:
    """Return the compound-field terms of analysed words: each term, then its new parts.

    Args:
        words: Words from ``analyzer.words``.
        decompounder: Splits surfaces against the index vocabulary.
        analyzer: Stems the parts.
        cache: Parts per surface, shared between calls to save work over a corpus.
    """
    memo: dict[str, tuple[str, ...]] = {} if cache is None else cache
    terms: list[str] = []
    for word in words:
        if word.term is not None:
            terms.append(word.term)
            parts = memo.get(word.surface)
            if parts is None:
                parts = memo[word.surface] = compound_parts(word, decompounder, analyzer)
            terms.extend(parts)
    return terms


def compound_parts(word: Word, decompounder: Decompounder, analyzer: Analyzer) -> tuple[str, ...]:
    """Return the distinct stemmed parts of a word other than its own term."""
    parts: dict[str, None] = {}
    for part in decompounder.split(word.surface):
        term = analyzer.term(part)
        if term is not None and term != word.term:
            parts[term] = None
    return tuple(parts)


def corpus_vocabulary(docs: Sequence[Sequence[Word]], min_df: int = 1) -> list[str]:
    """Return the sorted alphabetic non-stopword surfaces found in at least ``min_df`` docs."""
    counts: dict[str, int] = {}
    for words in docs:
        for surface in {w.surface for w in words if w.term is not None and w.surface.isalpha()}:
            counts[surface] = counts.get(surface, 0) + 1
    return sorted(s for s, n in counts.items() if n >= min_df)
