"""Spelling correction of question words against the archive's own vocabulary.

A misspelt name (``Antrhopic``, ``Suleymann``, ``Mircosoft``) is a word the index has never
seen. :class:`Speller` proposes the archive word it most likely meant: the closest surface of
the index's vocabulary by optimal-string-alignment distance (a swap of two neighbouring letters
counts as one edit), at most 1 edit for words of up to 7 letters and 2 for longer ones, the most
frequent such word on a tie (rapidfuzz does the distance search in C).

Guards keep real words and numbers as typed: a word is only corrected when

- it has at least ``min_length`` letters and no digit (``H100`` or ``2026`` are not typos);
- it is not a word of general German or English (wordfreq Zipf below ``max_zipf`` in both:
  ``schneien`` is a German word, so it never becomes the archive's ``schien``);
- the index does not know it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA
from wordfreq import zipf_frequency

__all__ = ["Speller", "SpellingParams", "is_general_word"]


@dataclass(frozen=True, slots=True)
class SpellingParams:
    """When and how far a word is corrected (see module doc)."""

    min_length: int = 4
    long_word: int = 8
    max_zipf: float = 2.5


@lru_cache(maxsize=65_536)
def is_general_word(surface: str, max_zipf: float = 2.5) -> bool:
    """Tell whether a case-folded word is common enough in German or English to be real."""
    return max(zipf_frequency(surface, "de"), zipf_frequency(surface, "en")) >= max_zipf


class Speller:
    """Corrects unknown words to the nearest word of a vocabulary.

    Args:
        vocabulary: Case-folded alphabetic surfaces the archive uses.
        frequency: How many passages use a surface (the tie-break: more is likelier).
        params: The guards and distances.
    """

    def __init__(
        self,
        vocabulary: Iterable[str],
        frequency: Callable[[str], int],
        params: SpellingParams | None = None,
    ) -> None:
        self.params = params or SpellingParams()
        self._frequency = frequency
        self._by_length: dict[int, list[str]] = {}
        for surface in vocabulary:
            self._by_length.setdefault(len(surface), []).append(surface)
        self._cache: dict[str, str | None] = {}

    def correct(self, surface: str) -> str | None:
        """Return the vocabulary word ``surface`` most likely means, or None to keep it."""
        if surface not in self._cache:
            if len(self._cache) > 10_000:
                self._cache.clear()
            self._cache[surface] = self._correct(surface)
        return self._cache[surface]

    def _correct(self, surface: str) -> str | None:
        params = self.params
        if len(surface) < params.min_length or not surface.isalpha():
            return None
        if is_general_word(surface, params.max_zipf):
            return None
        limit = 2 if len(surface) >= params.long_word else 1
        best: tuple[int, int, str] | None = None
        for length in range(len(surface) - limit, len(surface) + limit + 1):
            choices = self._by_length.get(length)
            if not choices:
                continue
            found = process.extract(
                surface, choices, scorer=OSA.distance, score_cutoff=limit, limit=None
            )
            for candidate, distance, _ in found:
                key = (int(distance), -self._frequency(candidate), candidate)
                if best is None or key < best:
                    best = key
        return None if best is None else best[2]
