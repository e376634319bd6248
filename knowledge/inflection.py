"""German inflection: whether two words are forms of one another.

Snowball stems both ``Wetter`` and ``Wette`` to ``wett``; a match needs more than equal stems.
After the longest common prefix (umlauts folded) what remains of each word must be a German
inflection ending (``Modell``/``Modelle``, ``kauft``/``kaufen``; not ``Wetter``/``Wette``).
"""

from __future__ import annotations

__all__ = ["ENDINGS", "inflection_related"]

#: Inflection endings of German nouns, adjectives and verbs (what may follow a shared prefix).
ENDINGS = frozenset(
    {
        *("", "e", "em", "en", "end", "ende", "enden", "ens", "er", "ern", "es", "et", "est"),
        *("n", "ns", "s", "st", "t", "te", "ten", "tet", "test"),
    }
)
_FOLD = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"})


def inflection_related(first: str, second: str) -> bool:
    """Tell whether two case-folded words are inflections of one another (see module doc)."""
    a, b = first.translate(_FOLD), second.translate(_FOLD)
    pairs = enumerate(zip(a, b, strict=False))
    shared = next((i for i, (x, y) in pairs if x != y), min(len(a), len(b)))
    return shared >= 2 and a[shared:] in ENDINGS and b[shared:] in ENDINGS
