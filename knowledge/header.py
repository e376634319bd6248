"""Article header detection: headline, metadata lines and body of German news text.

``split_header`` finds the header region: the run of non-empty lines before the first long body
line (at least 20 words), at most eight lines; a text that opens with a sentence has none. Its
headline is the first line with at least four words that does not end in ``.``/``:``/``,``/``;``
and is not a byline (``Von …``) or credit line (``… | …``); a markdown ``# Heading`` always
counts. Header lines that read as sentences (a teaser ending in ``.``/``!``/``?``/``:``) stay in
the body, and so does a plain-word label such as "EINLEITUNG" directly above the body; every other
header line (labels such as "AI News", bylines, date lines, image credits) is metadata and leaves
the body.

The function is pure: it takes a string and returns values. The private line-shape tests here
(``_words``, ``_ends_with``, ``_is_image``, ``_is_heading_shaped``, ``_MD_HEADING``) are shared
with the passage splitter in :mod:`knowledge.text`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.sentences import _split_line

__all__ = ["Header", "split_header"]

_CLOSERS = "»«“”\"'’)]"
_IMAGE = re.compile(r"^(?:!\[[^\]]*\]\([^)]*\)|\S.*\.(?:gif|jpe?g|png|webp|svg|bmp|avif))$", re.I)
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)(?:\s+#+)?$")
_BYLINE = re.compile(r"^(?:von|by)\s", re.I)
_CREDIT = re.compile(r"^(?:foto|fotos|bild|bilder|grafik|quelle|photo|image|credit)s?\s*:", re.I)

_ALNUM_TOKEN = re.compile(r"\S*?[^\W_]\S*")
_BODY_MIN_WORDS = 20
_MAX_HEADER_LINES = 8
_HEADLINE_MIN_WORDS = 4
_HEADING_MAX_WORDS = 12
_IMAGE_MAX_WORDS = 6


def _words(text: str) -> int:
    """Whitespace-separated tokens holding a letter or digit (``[^\\W_]`` is ``str.isalnum``).

    One match per such token: it starts at the token's start and ``\\S*`` runs to its end.
    """
    return len(_ALNUM_TOKEN.findall(text))


def _letter_words(text: str) -> int:
    return sum(1 for token in text.split() if any(char.isalpha() for char in token))


def _ends_with(line: str, marks: str) -> bool:
    core = line.rstrip().rstrip(_CLOSERS)
    return bool(core) and core[-1] in marks


def _is_image(line: str) -> bool:
    return _IMAGE.match(line) is not None and _words(line) <= _IMAGE_MAX_WORDS


def _is_heading_shaped(line: str) -> bool:
    return (
        0 < _words(line) <= _HEADING_MAX_WORDS
        and not _ends_with(line, ".!?:…,;")
        and _CREDIT.match(line) is None
        and len(_split_line(line)) == 1
    )


@dataclass(frozen=True, slots=True)
class Header:
    """The lines above an article's body, sorted into headline, metadata and body.

    Attributes:
        headline: The headline line, without any markdown ``#`` marker, if there is one.
        metadata: Other header lines that are not article content (labels, bylines, dates,
            credits), whitespace-normalised, in order.
        body: The text with the headline and metadata lines removed.
    """

    headline: str | None
    metadata: tuple[str, ...]
    body: str


def split_header(text: str) -> Header:
    """Separate an article's headline and metadata lines from its body.

    Args:
        text: The article text.

    Returns:
        The headline (if any), the metadata lines and the remaining body text.
    """
    lines = text.splitlines()
    region = _header_region(lines)
    headline_at = next(
        (pos for pos, (_, line) in enumerate(region) if _is_headline(line, first=pos == 0)), None
    )
    headline: str | None = None
    metadata: list[str] = []
    removed: set[int] = set()
    for pos, (index, line) in enumerate(region):
        if pos == headline_at:
            heading = _MD_HEADING.match(line)
            headline = heading.group(2) if heading else line
        elif _is_header_content(
            line, last=pos == len(region) - 1, has_headline=headline_at is not None
        ):
            continue
        else:
            metadata.append(line)
        removed.add(index)
    body = "\n".join(line for index, line in enumerate(lines) if index not in removed)
    return Header(headline=headline, metadata=tuple(metadata), body=body)


def _header_region(lines: list[str]) -> list[tuple[int, str]]:
    candidates = [(index, " ".join(raw.split())) for index, raw in enumerate(lines)]
    nonempty = [(index, line) for index, line in candidates if line][:_MAX_HEADER_LINES]
    has_headline = False
    for pos, (_, line) in enumerate(nonempty):
        if _words(line) >= _BODY_MIN_WORDS:
            return nonempty[:pos]
        if not has_headline and _is_headline(line, first=pos == 0):
            has_headline = True
        elif not has_headline and _ends_with(line, ".!?:…"):
            return nonempty[:pos]  # the text opens with a sentence: it has no header
    # No long body line nearby (a short article): the header ends at its first sentence.
    for pos, (_, line) in enumerate(nonempty):
        if pos > 0 and _ends_with(line, ".!?…"):
            return nonempty[:pos]
    return nonempty


def _is_headline(line: str, *, first: bool) -> bool:
    heading = _MD_HEADING.match(line)
    if heading:
        return first or len(heading.group(1)) == 1
    return (
        _letter_words(line) >= _HEADLINE_MIN_WORDS
        and not _ends_with(line, ".:,;")
        and _BYLINE.match(line) is None
        and "|" not in line
        and not _is_image(line)
    )


def _is_header_content(line: str, *, last: bool, has_headline: bool) -> bool:
    if _MD_HEADING.match(line):
        return True  # a section heading below the headline
    if _BYLINE.match(line) or _CREDIT.match(line) or "|" in line:
        return False
    if _ends_with(line, ".!?:…") and _words(line) >= _HEADLINE_MIN_WORDS:
        return True  # a teaser sentence
    is_label = all(char.isalpha() or char in " -&/'’" for char in line)
    return last and has_headline and is_label and _is_heading_shaped(line)
