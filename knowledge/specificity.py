"""How specific a word is in general German: common words carry no topic.

A small archive's idf cannot tell a generic word from a topical one: in 54 passages, ``heute``
and ``Stargate`` are both rare. General-language frequency can. ``specificity`` maps a word's
Zipf frequency in German (wordfreq: 3 is once per million words, 6 once per thousand) to a
factor: 1.0 for rare words (Zipf <= 3: ``Musk``, ``OpenAI``, ``Stargate``), falling linearly to
0.1 for the most common (Zipf >= 6.15: ``gut``). Codes with letters and digits (``MAI-1``,
``H100``) count as fully specific, since wordfreq splits them into common pieces.

Data: wordfreq's word lists (CC BY-SA 4.0, Robyn Speer and contributors), shipped in the
package; nothing is fetched at run time.
"""

from __future__ import annotations

from functools import lru_cache

from wordfreq import zipf_frequency

__all__ = ["specificity"]

_RARE_ZIPF = 3.0
_SPAN = 3.5
_FLOOR = 0.1


@lru_cache(maxsize=65_536)
def specificity(word: str, language: str = "de") -> float:
    """Return how topical a case-folded word is, from 0.1 (very common) to 1.0 (rare)."""
    if any(c.isdigit() for c in word) and any(c.isalpha() for c in word):
        return 1.0
    zipf = zipf_frequency(word, language)
    return min(1.0, max(_FLOOR, 1.0 - (zipf - _RARE_ZIPF) / _SPAN))
