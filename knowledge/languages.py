"""Which language a question is in, and which of its words are filler in that language.

Documents keep one analyzer (German); questions are read in their own language. A question's
language is told by its function words: each language's stopwords that the other language does
not share are counted (``the``/``of``/``who`` against ``der``/``ist``/``wer``); this was right for
2379 of 2380 questions of a parallel English-German QA set. A question with none of them (a
keyword query such as ``OpenAI loss 2026``) is judged by general-language word frequencies
(wordfreq), and otherwise gets the default.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Literal

from wordfreq import zipf_frequency

from knowledge.stopwords import (
    ENGLISH_CHAT_FILLER,
    ENGLISH_STOPWORDS,
    GERMAN_CHAT_FILLER,
    GERMAN_STOPWORDS,
)

__all__ = [
    "LANGUAGES",
    "Language",
    "detect_language",
    "language_shares",
    "other_language",
    "question_stopwords",
    "text_language",
]

Language = Literal["de", "en"]
LANGUAGES: tuple[Language, ...] = ("de", "en")

_ONLY_GERMAN = GERMAN_STOPWORDS - ENGLISH_STOPWORDS
_ONLY_ENGLISH = ENGLISH_STOPWORDS - GERMAN_STOPWORDS
#: Summed Zipf difference a keyword query needs before it counts as the other language.
_KEYWORD_MARGIN = 1.5
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)?")


def question_stopwords(language: Language) -> frozenset[str]:
    """The words a question in ``language`` is searched without: stopwords and chat filler."""
    if language == "en":
        return ENGLISH_STOPWORDS | ENGLISH_CHAT_FILLER
    return GERMAN_STOPWORDS | GERMAN_CHAT_FILLER


def other_language(language: Language) -> Language:
    """The other supported language (English for German and the reverse)."""
    return "de" if language == "en" else "en"


def detect_language(surfaces: Iterable[str], default: Language = "de") -> Language:
    """Tell whether case-folded words are English or German (see module doc).

    Args:
        surfaces: The question's words, case folded, stopwords included.
        default: The answer when nothing tells the languages apart.
    """
    words = [s.replace("\u2019", "'") for s in surfaces]
    german = sum(w in _ONLY_GERMAN for w in words)
    english = sum(w in _ONLY_ENGLISH for w in words)
    if german != english:
        return "de" if german > english else "en"
    leaning = sum(_leaning(w) for w in words if w.isalpha())
    if leaning >= _KEYWORD_MARGIN:
        return "en"
    if leaning <= -_KEYWORD_MARGIN:
        return "de"
    return default


@lru_cache(maxsize=65_536)
def _leaning(word: str) -> float:
    """How much more common a word is in English than in German (Zipf points)."""
    return zipf_frequency(word, "en") - zipf_frequency(word, "de")


def text_language(text: str) -> Language:
    """The language of a passage of text (its first 2,000 characters decide)."""
    return detect_language(w.casefold() for w in _WORD.findall(text[:2000]))


def language_shares(texts: Sequence[str], *, sample: int = 400) -> dict[Language, float]:
    """Share of texts in each language, from up to ``sample`` of them spread evenly.

    Decides whether questions are translated: an archive that holds some English passages
    is searched with the English words of a German question too, and the reverse.
    """
    if not texts:
        return {}
    step = max(1, len(texts) // sample)
    chosen = texts[::step][:sample]
    counts = dict.fromkeys(LANGUAGES, 0)
    for text in chosen:
        counts[text_language(text)] += 1
    return {language: n / len(chosen) for language, n in counts.items()}
