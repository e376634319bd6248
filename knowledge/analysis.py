"""German text analysis: tokens with spans, case folding, stopwords and Snowball stemming.

One analyzer turns both documents and queries into index terms, and an index records the
analyzer's ``fingerprint()`` so that a changed analyzer never reads an index built by another.

Tokens keep what people search for: decimal numbers (``97,4``, ``1.000``), currency amounts
(``$1.4``), letters and digits together (``H100``), model names joined by hyphens (``GPT-5``,
``MAI-1``, ``COVID-19``) and apostrophes inside words (``Tech's``). A hyphen between two words
(``Open-Source-Plattform``) splits them into separate words unless ``split_hyphens`` is off;
a hyphen followed by a number, or around a single letter (``E-Mail``), never splits.

Words are case folded (``ß`` becomes ``ss``) and stemmed with the Snowball German stemmer of
PyStemmer, which also folds umlauts (``Ökosysteme`` -> ``okosystem``). Words containing digits
or signs are kept verbatim as terms.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import Stemmer

from knowledge.stopwords import GERMAN_STOPWORDS

__all__ = ["Analyzer", "GermanAnalyzer", "Word", "fold"]

# A run of letters/digits, joined to further runs by a hyphen, an apostrophe, or a decimal
# point/comma between digits; a currency sign may lead a number.
_TOKEN = re.compile(
    r"(?:[$€£¥](?=\d))?[^\W_]+"
    r"(?:(?:(?<=\d)[.,](?=\d)|[-\u2010\u2011](?=[^\W_])|['\u2019](?=[^\W_]))[^\W_]+)*"
)
_HYPHENS = re.compile(r"[-\u2010\u2011]")
_APOSTROPHES = str.maketrans("", "", "'\u2019")
_CACHE_LIMIT = 500_000  # distinct tokens remembered per analyzer

_Piece = tuple[int, int, str, str | None]


@dataclass(frozen=True, slots=True)
class Word:
    """One token of a text.

    Attributes:
        surface: Case-folded surface form as in the text (``werbeanzeigen``, ``gpt-5``).
        start: Offset of the first character in the original text.
        end: Offset after the last character in the original text.
        term: Stemmed index term, None for a stopword.
    """

    surface: str
    start: int
    end: int
    term: str | None


@runtime_checkable
class Analyzer(Protocol):
    """Turns text into index terms; the same one serves documents and queries."""

    @property
    def name(self) -> str:
        """Short name of the analyzer."""
        ...

    def fingerprint(self) -> str:
        """Return a stable string of name, version and parameters."""
        ...

    def words(self, text: str) -> list[Word]:
        """Return every token with its span, stopwords included (their term is None)."""
        ...

    def terms(self, text: str) -> list[str]:
        """Return the main-field terms of a text (no stopwords)."""
        ...

    def term(self, surface: str) -> str | None:
        """Return the index term of one case-folded word (a compound part), None if stopped."""
        ...


def fold(text: str) -> str:
    """Return the NFC-normalised, case-folded form of a token (``Straße`` -> ``strasse``)."""
    return unicodedata.normalize("NFC", text).casefold()


def _strip_accent(char: str) -> str:
    """Return a letter without its accent; German umlauts are left to the stemmer."""
    if char in "äöü":
        return char
    return "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))


def _hyphen_segments(token: str) -> list[tuple[int, int]]:
    """Return the spans of the hyphen-separated pieces worth keeping apart in a token.

    A piece that starts with a digit stays glued to the piece before it (``MAI-1-Modell`` ->
    ``MAI-1``, ``Modell``), and so does every piece of a single letter (``E-Mail``).
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for match in [*_HYPHENS.finditer(token), None]:
        end = match.start() if match else len(token)
        piece = token[start:end]
        if spans and (piece[:1].isdigit() or len(piece) == 1 or spans[-1][1] - spans[-1][0] == 1):
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
        start = match.end() if match else start
    return spans


class GermanAnalyzer:
    """The German analyzer: tokens, case folding, Snowball stopwords and stemming.

    Args:
        stopwords: Lower-case words dropped from the main field (compared case folded).
        stem: Apply the Snowball German stemmer.
        split_hyphens: Split word-word hyphen compounds into separate words.
        fold_accents: Strip accents other than umlauts before stemming (``Café`` ~ ``Cafe``).
    """

    version = 1

    def __init__(
        self,
        *,
        stopwords: Iterable[str] = GERMAN_STOPWORDS,
        stem: bool = True,
        split_hyphens: bool = True,
        fold_accents: bool = True,
    ) -> None:
        self._stopwords = frozenset(fold(word) for word in stopwords)
        self._stem = stem
        self._split_hyphens = split_hyphens
        self._fold_accents = fold_accents
        self._stemmer = Stemmer.Stemmer("german")
        self._cache: dict[str, str | None] = {}
        self._pieces: dict[str, tuple[_Piece, ...]] = {}

    @property
    def name(self) -> str:
        """Short name of the analyzer."""
        return "german"

    def fingerprint(self) -> str:
        """Return a stable string of name, version and parameters."""
        params = {
            "stem": "snowball-german" if self._stem else None,
            "split_hyphens": self._split_hyphens,
            "fold_accents": self._fold_accents,
            "stopwords": sorted(self._stopwords),
        }
        return f"{self.name}/{self.version}:" + json.dumps(params, sort_keys=True)

    def term(self, surface: str) -> str | None:
        """Return the index term of one case-folded word (a compound part), None if stopped."""
        try:
            return self._cache[surface]
        except KeyError:
            term = self._make_term(surface)
        if len(self._cache) < _CACHE_LIMIT:
            self._cache[surface] = term
        return term

    def _make_term(self, surface: str) -> str | None:
        if surface in self._stopwords:
            return None
        if not surface.replace("-", "").replace("'", "").replace("\u2019", "").isalpha():
            return surface
        plain = surface.translate(_APOSTROPHES)
        if self._fold_accents and not plain.isascii():
            plain = "".join(_strip_accent(c) for c in plain)
        return self._stemmer.stemWord(plain) if self._stem else plain

    def words(self, text: str) -> list[Word]:
        """Return every token with its span, stopwords included (their term is None)."""
        words: list[Word] = []
        cache = self._pieces
        for match in _TOKEN.finditer(text):
            token = match.group()
            pieces = cache.get(token)
            if pieces is None:
                pieces = self._analyse_token(token)
                if len(cache) < _CACHE_LIMIT:
                    cache[token] = pieces
            offset = match.start()
            for start, end, surface, term in pieces:
                words.append(Word(surface, offset + start, offset + end, term))
        return words

    def tokens(self, text: str) -> list[str]:
        """Return the tokens of a text in order, as :meth:`words` finds them (no analysis)."""
        return _TOKEN.findall(text)

    def token_words(self, token: str) -> tuple[tuple[str, str | None], ...]:
        """Return the (surface, term) of each word of one token, as :meth:`words` gives them."""
        pieces = self._pieces.get(token)
        if pieces is None:
            pieces = self._analyse_token(token)
            if len(self._pieces) < _CACHE_LIMIT:
                self._pieces[token] = pieces
        return tuple((surface, term) for _start, _end, surface, term in pieces)

    def _analyse_token(self, token: str) -> tuple[_Piece, ...]:
        """Return the words of one token as (start, end, surface, term) relative to it."""
        spans = [(0, len(token))]
        if self._split_hyphens and _HYPHENS.search(token):
            spans = _hyphen_segments(token)
        pieces = []
        for start, end in spans:
            surface = fold(_HYPHENS.sub("-", token[start:end]))
            pieces.append((start, end, surface, self.term(surface)))
        return tuple(pieces)

    def terms(self, text: str) -> list[str]:
        """Return the main-field terms of a text (no stopwords)."""
        return [word.term for word in self.words(text) if word.term is not None]
