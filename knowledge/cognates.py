"""German spellings of an English word of Latin or Greek stock: the cognates a glossary lacks.

English and German share thousands of such words, spelt by regular rules: ``initiated`` ->
``initiiert``, ``annualized`` -> ``annualisiert``, ``commercialization`` ->
``kommerzialisierung``, ``officially`` -> ``offiziell``, ``capacity`` -> ``kapazität``,
``strategy`` -> ``strategie``. :func:`german_spellings` writes the candidates these rules give;
the query reader keeps only those whose inflections the archive's vocabulary holds, so a wrong
guess costs nothing. British ``-ise`` is read as ``-ize``.
"""

from __future__ import annotations

import re

__all__ = ["german_spellings"]

#: English ending -> German endings, longest first; the first that fits is used.
_ENDINGS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("izations", ("isierungen",)),
    ("ization", ("isierung",)),
    ("izing", ("isierend", "isieren")),
    ("ized", ("isiert",)),
    ("izes", ("isiert",)),
    ("ize", ("isieren",)),
    ("ations", ("ationen",)),
    ("ation", ("ation",)),
    ("ating", ("ierend", "ieren")),
    ("ated", ("iert",)),
    ("ates", ("iert", "at")),
    ("ate", ("ieren", "at")),
    ("ically", ("isch",)),
    ("ical", ("isch",)),
    ("ics", ("ik",)),
    ("ic", ("isch", "ik")),
    ("ially", ("iell",)),
    ("ial", ("iell",)),
    ("ally", ("al",)),
    ("ities", ("itäten",)),
    ("ity", ("ität",)),
    ("ively", ("iv",)),
    ("ives", ("iv",)),
    ("ive", ("iv",)),
    ("isms", ("ismus",)),
    ("ism", ("ismus",)),
    ("ences", ("enzen",)),
    ("ence", ("enz",)),
    ("ances", ("anzen",)),
    ("ance", ("anz",)),
    ("ies", ("ien",)),
    ("y", ("ie",)),
)
_BRITISH = re.compile(r"is(e|es|ed|ing|ation|ations)$")
_SOFT_C = re.compile(r"c(?=[eiy])")
_HARD_C = re.compile(r"c(?!h)")
#: The stem an ending must leave: shorter words are too often plain English words.
_MIN_STEM = 3
_MIN_WORD = 5


def german_spellings(word: str) -> tuple[str, ...]:
    """Candidate German spellings of a case-folded English word, the word itself excluded."""
    if len(word) < _MIN_WORD or not word.isalpha():
        return ()
    word = _BRITISH.sub(lambda m: "iz" + m.group(1), word) if len(word) > 7 else word
    stems = [word]
    for ending, german in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= _MIN_STEM:
            stem = word[: -len(ending)]
            stems = [stem + g for g in german] + stems
            break
    found: list[str] = []
    for stem in stems:
        for spelling in (_spell_c(stem), stem):
            if spelling != word and spelling not in found:
                found.append(spelling)
    return tuple(found)


def _spell_c(word: str) -> str:
    """German ``c``: ``ck`` and a hard ``c`` are ``k``, a soft one (before e, i, y) ``z``."""
    word = word.replace("ck", "k")
    return _HARD_C.sub("k", _SOFT_C.sub("z", word))
