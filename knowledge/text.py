"""Sentences, article layout and passages for German news text.

Three pure steps, each taking a string and returning values:

``split_sentences``
    Splits after ``.``, ``!``, ``?`` or ``…`` (optionally followed by closing quotes or brackets)
    when whitespace and then an uppercase letter, a digit or an opening quote follow. Every line
    break also ends a sentence. A single ``.`` does not end a sentence after an ordinal written
    with one to three digits ("am 27. Januar", "der 3. Platz"), after an abbreviation from
    :data:`ABBREVIATIONS`, after a single-letter initial ("J. R. R. Tolkien", "z. B.") or after a
    dotted abbreviation ("z.B.", "U.S."). Decimals ("1.4", "37,5", "15.000") and domains
    ("Creati.ai") contain no whitespace after the dot, so they never split.

``split_header``
    The header region is the run of non-empty lines before the first long body line (at least
    20 words), at most eight lines; a text that opens with a sentence has none. Its headline is
    the first line with at least four words that does not end in ``.``/``:``/``,``/``;`` and is
    not a byline (``Von …``) or credit line (``… | …``); a markdown ``# Heading`` always counts.
    Header lines that read as sentences (a teaser ending in ``.``/``!``/``?``/``:``) stay in the
    body, and so does a plain-word label such as "EINLEITUNG" directly above the body; every
    other header line (labels such as "AI News", bylines, date lines, image credits) is
    metadata and leaves the body.

``split_passages``
    Each line of the body is an item: image file names and table separator rows are dropped,
    table rows (``| a | b |``) and bullets ("• …", "- …") are list items, markdown ``##``
    lines are headings, and a short line (at most 12 words, one sentence, no terminal
    ``.``/``!``/``?``/``:``) is a heading candidate. A run of up to three candidates (after
    the run's last blank line) is a heading when a boundary precedes it (start, blank line, or
    a line ending a sentence) and a sentence or list item follows; its lines are joined with
    " – ". Candidates at the very end of the text (e.g. "Ausgewählt") are dropped, other
    candidates are ordinary sentences (e.g. the rows of a table without pipes). Passages never
    cross a heading; they take whole paragraphs until ``target_words`` is reached and never
    exceed ``max_words`` unless one sentence is longer. A paragraph longer than ``max_words``
    is cut between sentences near ``target_words``. A short tail is merged into the previous
    passage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "ABBREVIATIONS",
    "Header",
    "Passage",
    "split_header",
    "split_passages",
    "split_sentences",
]

#: Lower-case abbreviations (without their final dot) after which a ``.`` ends no sentence.
ABBREVIATIONS: frozenset[str] = frozenset(
    {
        "abb", "abs", "abt", "allg", "anm", "apr", "aug", "bd", "bspw", "bzgl", "bzw", "ca",
        "chr", "co", "corp", "d.h", "dez", "dipl", "dr", "ebd", "engl", "etc", "evtl", "feb",
        "ff", "fr", "geb", "gem", "ggf", "hr", "hrsg", "inc", "ing", "inkl", "insb", "jan",
        "jh", "jhd", "jr", "kap", "lt", "ltd", "max", "med", "min", "mind", "mio", "mr", "mrd",
        "mrs", "ms", "nov", "nr", "o.ä", "okt", "phil", "prof", "rd", "s.o", "s.u", "sept",
        "sog", "sr", "st", "std", "str", "tel", "tsd", "u.a", "u.u", "usw", "v.a", "vgl",
        "vs", "z.b", "z.t", "zzgl",
    }
)  # fmt: skip

_BOUNDARY = re.compile(r"([.!?…]+)([»«“”\"'’)\]]*) (?=\S)")
_OPENING_QUOTES = frozenset("„“\"'»«‚‘")
_LEADING_PUNCT = "([{„“\"'»«‚‘"
_CLOSERS = "»«“”\"'’)]"
_ORDINAL = re.compile(r"\d{1,3}")
_DOTTED = re.compile(r"(?:[^\W\d_]\.)+[^\W\d_]")
_BULLET = re.compile(r"^(?:[•·▪◦‣●○■*–—-]|\d{1,2}\))\s+")
_TABLE_SEPARATOR = re.compile(r"^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?$")
_IMAGE = re.compile(r"^(?:!\[[^\]]*\]\([^)]*\)|\S.*\.(?:gif|jpe?g|png|webp|svg|bmp|avif))$", re.I)
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)(?:\s+#+)?$")
_BYLINE = re.compile(r"^(?:von|by)\s", re.I)
_CREDIT = re.compile(r"^(?:foto|fotos|bild|bilder|grafik|quelle|photo|image|credit)s?\s*:", re.I)

_BODY_MIN_WORDS = 20
_MAX_HEADER_LINES = 8
_HEADLINE_MIN_WORDS = 4
_HEADING_MAX_WORDS = 12
_MAX_HEADING_RUN = 3
_IMAGE_MAX_WORDS = 6
_HEADING_JOINER = " – "

_Kind = Literal["heading", "candidate", "prose", "bullet", "row"]


def split_sentences(text: str) -> list[str]:
    """Split German text into sentences; every line break also ends a sentence.

    Args:
        text: Any text, possibly spanning several lines.

    Returns:
        The sentences in order, stripped, with inner whitespace collapsed, never empty.
    """
    sentences: list[str] = []
    for line in text.splitlines():
        sentences.extend(_split_line(" ".join(line.split())))
    return sentences


def _split_line(line: str) -> list[str]:
    sentences: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(line):
        following = line[match.end()]
        if not (following.isupper() or following.isdigit() or following in _OPENING_QUOTES):
            continue
        if match.group(1) == "." and _dot_is_not_final(line[start : match.start()], following):
            continue
        sentences.append(line[start : match.end(2)].strip())
        start = match.end()
    sentences.append(line[start:].strip())
    return [sentence for sentence in sentences if sentence]


def _dot_is_not_final(before: str, following: str) -> bool:
    token = before.rsplit(" ", 1)[-1].lstrip(_LEADING_PUNCT)
    if _ORDINAL.fullmatch(token):
        return following.isalpha()
    if len(token) == 1:
        return token.isalpha()
    return token.lower() in ABBREVIATIONS or _DOTTED.fullmatch(token) is not None


def _words(text: str) -> int:
    return sum(1 for token in text.split() if any(char.isalnum() for char in token))


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


@dataclass(frozen=True, slots=True)
class Passage:
    """A few consecutive sentences of one article section: the unit that gets indexed.

    Attributes:
        article_id: The id of the article the passage comes from.
        ordinal: The 0-based position of the passage within its article.
        heading: The section heading line(s) above the passage, if any.
        sentences: The passage's sentences, in article order.
    """

    article_id: str
    ordinal: int
    heading: str | None
    sentences: tuple[str, ...]

    @property
    def body(self) -> str:
        """The sentences joined with spaces."""
        return " ".join(self.sentences)

    @property
    def text(self) -> str:
        """The heading (if any) followed by the body: the text that gets indexed."""
        return f"{self.heading} {self.body}" if self.heading else self.body


@dataclass(frozen=True, slots=True)
class _Item:
    kind: _Kind
    text: str
    gap_before: bool


_Section = tuple[str | None, list[list[str]]]


def split_passages(
    article_id: str, text: str, *, target_words: int = 60, max_words: int = 110
) -> list[Passage]:
    """Cut an article into paragraph-aware passages of a few whole sentences each.

    Args:
        article_id: The id stored on every passage.
        text: The article text; its headline and metadata lines are left out.
        target_words: A passage takes whole paragraphs until it has about this many words.
        max_words: No passage is longer, unless one sentence alone is.

    Returns:
        The passages in article order; every body sentence is in exactly one of them.

    Raises:
        ValueError: If ``target_words`` is below 1 or above ``max_words``.
    """
    if not 1 <= target_words <= max_words:
        raise ValueError(
            f"target_words must be between 1 and max_words; "
            f"got target_words={target_words}, max_words={max_words}"
        )
    passages: list[Passage] = []
    for heading, blocks in _sections(_items(split_header(text).body)):
        for sentences in _pack(blocks, target_words, max_words):
            passages.append(Passage(article_id, len(passages), heading, tuple(sentences)))
    return passages


def _items(body: str) -> list[_Item]:
    items: list[_Item] = []
    gap = True
    for raw in body.splitlines():
        line = " ".join(raw.split())
        if not line:
            gap = True
            continue
        item = _classify(line, gap)
        if item is not None:
            items.append(item)
            gap = False
    return items


def _classify(line: str, gap: bool) -> _Item | None:
    if _is_image(line) or _TABLE_SEPARATOR.match(line):
        return None
    heading = _MD_HEADING.match(line)
    if heading:
        return _Item("heading", heading.group(2), gap)
    if line.startswith("|") and line.count("|") >= 2:
        cells = [cell.strip() for cell in line.split("|") if cell.strip()]
        return _Item("row", " | ".join(cells), gap) if cells else None
    bullet = _BULLET.match(line)
    if bullet:
        rest = line[bullet.end() :]
        return _Item("bullet", rest, gap) if rest else None
    if _is_heading_shaped(line):
        return _Item("candidate", line, gap)
    return _Item("prose", line, gap)


def _is_paragraph(item: _Item) -> bool:
    if item.kind in ("bullet", "row"):
        return True
    return item.kind == "prose" and _ends_with(item.text, ".!?:…")


def _roles(items: list[_Item]) -> list[str]:
    roles = ["content"] * len(items)
    start = 0
    while start < len(items):
        if items[start].kind not in ("heading", "candidate"):
            start += 1
            continue
        end = start
        while end < len(items) and items[end].kind in ("heading", "candidate"):
            end += 1
        if end == len(items):
            roles[start:end] = ["drop"] * (end - start)  # trailing labels ("Ausgewählt")
            break
        # Only the lines after the run's last blank line can head what follows.
        last = max(i for i in range(start, end) if i == start or items[i].gap_before)
        for i in range(start, last):
            roles[i] = "heading" if items[i].kind == "heading" else "content"
        run = items[last:end]
        boundary = last == 0 or run[0].gap_before or _is_paragraph(items[last - 1])
        if any(item.kind == "heading" for item in run) or (
            len(run) <= _MAX_HEADING_RUN and boundary and _is_paragraph(items[end])
        ):
            roles[last:end] = ["heading"] * len(run)
        start = end
    return roles


def _sections(items: list[_Item]) -> list[_Section]:
    sections: list[_Section] = []
    heading: str | None = None
    blocks: list[list[str]] = []
    pending: list[str] = []
    previous_kind: _Kind | None = None
    for item, role in zip(items, _roles(items), strict=True):
        if role == "drop":
            continue
        if role == "heading":
            pending.append(item.text)
            previous_kind = None
            continue
        if pending:
            if blocks:
                sections.append((heading, blocks))
            heading, blocks, pending = _HEADING_JOINER.join(pending), [], []
        whole = item.kind in ("row", "candidate")
        sentences = [item.text] if whole else split_sentences(item.text)
        if blocks and item.kind in ("bullet", "row") and item.kind == previous_kind:
            blocks[-1].extend(sentences)  # a list or table stays one block
        else:
            blocks.append(sentences)
        previous_kind = item.kind
    if blocks:
        sections.append((heading, blocks))
    return sections


def _pack(blocks: list[list[str]], target: int, maximum: int) -> list[list[str]]:
    passages: list[list[str]] = []
    current: list[str] = []
    size = 0
    for block in blocks:
        block_size = sum(_words(sentence) for sentence in block)
        if block_size <= maximum:
            if current and size + block_size > maximum:
                passages.append(current)
                current, size = [], 0
            current.extend(block)
            size += block_size
        else:
            for sentence in block:
                words = _words(sentence)
                if current and size + words > maximum:
                    passages.append(current)
                    current, size = [], 0
                current.append(sentence)
                size += words
                if size >= target:
                    passages.append(current)
                    current, size = [], 0
        if size >= target:
            passages.append(current)
            current, size = [], 0
    if current:
        previous = sum(_words(sentence) for sentence in passages[-1]) if passages else 0
        if passages and size < target // 3 and previous + size <= maximum:
            passages[-1].extend(current)
        else:
            passages.append(current)
    return passages
