"""Derive an article's title, publisher and publication date from its plain text.

All functions are pure. They read the header region that :func:`knowledge.text.split_header`
finds: the lines before the first long body paragraph (at least 20 words, at most eight lines).

Title
    The header's headline: the first short line with at least four words that does not end in
    ``.`` or ``:`` (a ``?`` or ``!`` headline is fine) and is no byline or credit line, or a
    markdown ``# Heading``. Section labels such as "AI News" have fewer than four words and are
    skipped. Without a headline, the opening sentence of the body, cut at a word boundary to at
    most ``max_chars`` characters with "…". The sentence splitter knows abbreviations and "(KI)".

Source (publisher)
    Only header metadata lines count, never the body, so outlets the article cites ("Foto: NBC
    News", "Laut Wall Street Journal", "Financial Times") are not taken for the publisher. A
    byline or credit line yields its first domain-shaped name (Name.tld with a known top-level
    domain, e.g. "Von Creati.ai Redaktionsteam" -> "Creati.ai", "gpt-image-1 | All-AI.de" ->
    "All-AI.de"); a byline such as "Von der SPIEGEL-Redaktion" yields "SPIEGEL". A byline that
    names a person is an author, not a publisher, and yields nothing; so do photo credits
    ("Foto: dpa/picture-alliance.de").

Published
    The first valid date in a header metadata line (byline, date line), else the first line
    anywhere that holds nothing but a date (optionally "Veröffentlicht am", a weekday, a time).
    Dates inside body sentences are events ("Am 11. Februar 2026 begann …"), and dates without a
    year ("Montag (10. Februar)") are incomplete: neither counts. Accepted forms: "27. Januar
    2026", "27. Jan. 2026", "3. März 2025" / "3. Maerz 2025", "27.01.2026" and "2026-01-27".
    Impossible dates ("31. Februar 2026") give ``None``, never an exception.
"""

from __future__ import annotations

import datetime
import re

from knowledge.header import split_header
from knowledge.text import split_passages

__all__ = ["derive_published", "derive_source", "derive_title", "parse_german_date", "shorten"]

_MONTHS: dict[str, int] = {
    "januar": 1, "jänner": 1, "jaenner": 1, "jan": 1,
    "februar": 2, "feber": 2, "feb": 2,
    "märz": 3, "maerz": 3, "mär": 3, "mrz": 3,
    "april": 4, "apr": 4,
    "mai": 5,
    "juni": 6, "jun": 6,
    "juli": 7, "jul": 7,
    "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9,
    "oktober": 10, "okt": 10,
    "november": 11, "nov": 11,
    "dezember": 12, "dez": 12,
}  # fmt: skip
_MONTH_NAMES = "|".join(sorted(map(re.escape, _MONTHS), key=len, reverse=True))
_WEEKDAY = r"(?:montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|mo|di|mi|do|fr|sa|so)"
_DATE = (
    rf"(?:(?<!\d)(?P<day>\d{{1,2}})\.\s*(?P<month>{_MONTH_NAMES})\.?\s+(?P<year>\d{{4}})"
    r"|(?<!\d)(?P<nday>\d{1,2})\.(?P<nmonth>\d{1,2})\.(?P<nyear>\d{4})"
    r"|(?<!\d)(?P<iyear>\d{4})-(?P<imonth>\d{2})-(?P<iday>\d{2}))(?!\d)"
)
_DATE_SEARCH = re.compile(_DATE, re.IGNORECASE)
_DATE_ONLY = re.compile(rf"(?:{_WEEKDAY}\.?,?\s+)?{_DATE}\.?", re.IGNORECASE)
_DATE_LINE = re.compile(
    r"(?:(?:veröffentlicht|aktualisiert|erschienen|stand|datum|published|updated)"
    r"(?:\s+am)?\s*:?\s*)?"
    rf"(?:{_WEEKDAY}\.?,?\s+)?{_DATE}\.?"
    r"(?:\s*(?:,|\||-|–|um)?\s*\d{1,2}[:.]\d{2}(?:\s*uhr)?)?",
    re.IGNORECASE,
)
_TLDS = (
    "ai|de|com|net|org|io|news|at|ch|eu|co|uk|fr|it|es|nl|be|info|tech|media|online|app|dev|"
    "blog|tv|fm|me|us|ca|pl|se|dk|no|fi|cz|lu|li"
)
_DOMAIN = re.compile(
    rf"(?<![\w.@-])(?:www\.)?((?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+(?i:{_TLDS}))"
    r"(?![\w-])"
)
_BYLINE = re.compile(r"^(?:von|by)\s+(?P<rest>.+)$", re.IGNORECASE)
_NEWSROOM = re.compile(
    r"^(?:der|dem|the)?\s*(?P<name>.+?)[\s-]+(?:redaktionsteam|redaktion|team|staff|newsroom)$",
    re.IGNORECASE,
)
_PHOTO_CREDIT = re.compile(r"^(?:foto|bild|grafik|photo|image)s?\s*:", re.IGNORECASE)
_CREDIT_WORDS = 6


def parse_german_date(text: str) -> datetime.date | None:
    """Parse a date written in German ("27. Januar 2026", "27. Jan. 2026") or ISO form.

    Args:
        text: A string that holds just the date, optionally with a weekday in front.

    Returns:
        The date, or ``None`` if the string is no date or an impossible one (31. Februar).
    """
    match = _DATE_ONLY.fullmatch(text.strip())
    return _to_date(match) if match else None


def _to_date(match: re.Match[str]) -> datetime.date | None:
    if match.group("day"):
        day, month = int(match.group("day")), _MONTHS[match.group("month").lower()]
        year = int(match.group("year"))
    elif match.group("nday"):
        day, month = int(match.group("nday")), int(match.group("nmonth"))
        year = int(match.group("nyear"))
    else:
        day, month = int(match.group("iday")), int(match.group("imonth"))
        year = int(match.group("iyear"))
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def shorten(text: str, max_chars: int) -> str:
    """Cut text at a word boundary to at most ``max_chars`` characters, ending in "…".

    Args:
        text: Any text; runs of whitespace are collapsed first.
        max_chars: The longest result allowed, "…" included; at least 2.

    Returns:
        The text unchanged (whitespace collapsed) if it fits, otherwise its longest prefix
        that ends at a word boundary, without trailing punctuation, followed by "…".

    Raises:
        ValueError: If ``max_chars`` is below 2.
    """
    if max_chars < 2:
        raise ValueError(f"max_chars must be at least 2, got {max_chars}")
    flat = " ".join(text.split())
    if len(flat) <= max_chars:
        return flat
    cut = flat[: max_chars - 1]
    if flat[max_chars - 1] != " " and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:–—-") + "…"


def derive_title(text: str, *, max_chars: int = 90) -> str:
    """Find an article's title: its headline, else its opening sentence shortened.

    Args:
        text: The article text.
        max_chars: The longest title allowed; longer ones are shortened with "…".

    Returns:
        The title, or an empty string if the text has no words at all.
    """
    header = split_header(text)
    if header.headline:
        return shorten(header.headline, max_chars)
    passages = split_passages("", text)
    if passages:
        return shorten(passages[0].sentences[0], max_chars)
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    return shorten(first_line, max_chars)


def derive_source(text: str) -> str | None:
    """Find the publisher an article names in its byline or header credit line.

    Args:
        text: The article text.

    Returns:
        The publisher's name (e.g. "Creati.ai"), or ``None`` if the header names none.
    """
    for line in split_header(text).metadata:
        byline = _BYLINE.match(line)
        is_credit = "|" in line or len(line.split()) <= _CREDIT_WORDS
        if not (byline or is_credit) or _PHOTO_CREDIT.match(line):
            continue
        domain = _DOMAIN.search(line)
        if domain:
            return domain.group(1)
        newsroom = _NEWSROOM.match(byline.group("rest")) if byline else None
        if newsroom:
            return newsroom.group("name")
    return None


def derive_published(text: str) -> datetime.date | None:
    """Find an article's publication date in its header or on a date line of its own.

    Args:
        text: The article text.

    Returns:
        The publication date, or ``None`` if the text states none.
    """
    for line in split_header(text).metadata:
        for match in _DATE_SEARCH.finditer(line):
            date = _to_date(match)
            if date:
                return date
    for raw in text.splitlines():
        line_match = _DATE_LINE.fullmatch(" ".join(raw.split()))
        date = _to_date(line_match) if line_match else None
        if date:
            return date
    return None
