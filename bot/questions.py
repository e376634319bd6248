"""Cleaning what a person typed before it is searched: pure functions, no I/O.

Chat text arrives with control characters, zero-width and bidi marks, odd whitespace, or as a
20,000-character paste. :func:`clean_question` normalises it (NFC, control and format characters
removed, whitespace collapsed) and cuts it to a maximum at a word boundary, recording that it did.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

__all__ = ["CleanQuestion", "clean_question"]

#: Unicode categories dropped from questions: controls, format marks (zero-width, bidi
#: overrides), surrogates, private use and unassigned code points.
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})


@dataclass(frozen=True, slots=True)
class CleanQuestion:
    """A question ready to search.

    Attributes:
        text: The cleaned text (possibly empty).
        original_length: Characters in the cleaned text before any shortening.
        shortened: True when the text was cut to the maximum length.
    """

    text: str
    original_length: int
    shortened: bool


def _strip_invisible(text: str) -> str:
    out: list[str] = []
    for char in text:
        if char in "\t\n\r\v\f":
            out.append(" ")
        elif unicodedata.category(char) not in _DROPPED_CATEGORIES:
            out.append(char)
    return "".join(out)


def clean_question(raw: str, *, max_chars: int) -> CleanQuestion:
    """Normalise a typed question and cut it to ``max_chars`` at a word boundary.

    Args:
        raw: What the person typed, untouched.
        max_chars: The documented maximum (setting ``NEWSDESK_MAX_QUESTION_CHARS``).

    Returns:
        The cleaned question, with whether it had to be shortened.
    """
    text = " ".join(_strip_invisible(unicodedata.normalize("NFC", raw)).split())
    length = len(text)
    if length <= max_chars:
        return CleanQuestion(text=text, original_length=length, shortened=False)
    cut = text[: max_chars + 1]
    boundary = cut.rfind(" ")
    short = cut[:boundary] if boundary > max_chars // 2 else text[:max_chars]
    return CleanQuestion(text=short.rstrip(), original_length=length, shortened=True)
