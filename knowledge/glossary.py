"""An English-German glossary: the German words a text uses for an English word, and back.

English questions over German articles share only names and numbers with them; a translation of
each question word, as a further alternative of that word, lets BM25 and the relevance gate see
the rest (``stake`` -> ``Beteiligung``, ``Anteil``).

The bundled glossary ``data/glossary_en_de.tsv`` was written for Newsdesk (Apache-2.0 like the
code): the commonest English content words (wordfreq's English list, grouped by Snowball stem)
with their usual German equivalents, one group a line::

    lead,leads,leading<TAB>führen, leiten, Führung, Vorsprung

English words are looked up as written, then by their Snowball English stem (``leaders`` finds
the group of ``leader``); German words by their Snowball German stem, in the inverted glossary.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from importlib import resources

import Stemmer

from knowledge.analysis import fold
from knowledge.languages import Language

__all__ = ["Glossary", "bundled_glossary"]

_DATA = "glossary_en_de.tsv"


class Glossary:
    """English-German word translations, both ways.

    Args:
        entries: ``(English words of one group, their German translations)`` pairs.
    """

    def __init__(self, entries: Iterable[tuple[Sequence[str], Sequence[str]]]) -> None:
        self._english = Stemmer.Stemmer("english")
        self._german = Stemmer.Stemmer("german")
        self._to_german: dict[str, list[str]] = {}
        self._to_german_by_stem: dict[str, list[str]] = {}
        self._to_english: dict[str, list[str]] = {}
        for english, german in entries:
            words = [fold(w) for w in english if w]
            targets = [w.strip() for w in german if w.strip()]
            if not words or not targets:
                continue
            for word in words:
                _extend(self._to_german.setdefault(word, []), targets)
                stem = self._english.stemWord(word)
                _extend(self._to_german_by_stem.setdefault(stem, []), targets)
            for target in targets:
                _extend(self._to_english.setdefault(self._german_key(target), []), words[:1])

    def __len__(self) -> int:
        """Number of English words with a translation."""
        return len(self._to_german)

    @classmethod
    def parse(cls, text: str) -> Glossary:
        """Read the TSV form (see module doc); ``#`` starts a comment line, ``-`` or an empty
        right side means no translation."""
        entries = []
        for line in text.splitlines():
            if line.startswith("#"):
                continue
            left, tab, right = line.partition("\t")
            if not tab or right.strip() in ("", "-"):
                continue
            entries.append((left.replace(",", " ").split(), right.split(",")))
        return cls(entries)

    def translate(self, surface: str, language: Language) -> tuple[str, ...]:
        """The other language's words for a case-folded word of ``language``, best first."""
        if language == "en":
            found = self._to_german.get(surface) or self._to_german_by_stem.get(
                self._english.stemWord(surface), []
            )
        else:
            found = self._to_english.get(self._german_key(surface), [])
        return tuple(found)

    def _german_key(self, word: str) -> str:
        return str(self._german.stemWord(fold(word)))


def _extend(values: list[str], new: Iterable[str]) -> None:
    for value in new:
        if value not in values:
            values.append(value)


@lru_cache(maxsize=1)
def bundled_glossary() -> Glossary:
    """The glossary shipped with Newsdesk.

    Raises:
        FileNotFoundError: The installation lacks its data file (a broken install: English
            questions would silently match only names and numbers, so this is loud).
    """
    data = resources.files("knowledge").joinpath("data", _DATA)
    if not data.is_file():
        raise FileNotFoundError(
            f"Newsdesk's glossary knowledge/data/{_DATA} is missing; reinstall Newsdesk "
            "(pip install -e .) so that English questions can be translated."
        )
    return Glossary.parse(data.read_text("utf-8"))
