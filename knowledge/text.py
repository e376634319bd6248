"""Passages for German news text: the units that get indexed.

``split_passages`` leaves out the article's headline and metadata lines (see
:mod:`knowledge.header`). Each line of the body is an item: image file names and table separator
rows are dropped, table rows (``| a | b |``) and bullets ("• …", "- …") are list items, markdown
``##`` lines are headings, and a short line (at most 12 words, one sentence, no terminal
``.``/``!``/``?``/``:``) is a heading candidate. A run of up to three candidates (after the run's
last blank line) is a heading when a boundary precedes it (start, blank line, or a line ending a
sentence) and a sentence or list item follows; its lines are joined with " – ". Candidates at the
very end of the text (e.g. "Ausgewählt") are dropped, other candidates are ordinary sentences
(e.g. the rows of a table without pipes). Passages never cross a heading; they take whole
paragraphs until ``target_words`` is reached and never exceed ``max_words`` unless one sentence
is longer. A paragraph longer than ``max_words`` is cut between sentences near ``target_words``.
A short tail is merged into the previous passage.

The sentence splitter (:mod:`knowledge.sentences`) and the header detection
(:mod:`knowledge.header`) live in their own modules; ``split_sentences``, ``ABBREVIATIONS``,
``Header`` and ``split_header`` are re-exported here so ``from knowledge.text import ...`` keeps
working.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from knowledge.header import (
    _MD_HEADING,
    Header,
    _ends_with,
    _is_heading_shaped,
    _is_image,
    _words,
    split_header,
)
from knowledge.sentences import ABBREVIATIONS, split_sentences

__all__ = [
    "ABBREVIATIONS",
    "Header",
    "Passage",
    "split_header",
    "split_passages",
    "split_sentences",
]

_BULLET = re.compile(r"^(?:[•·▪◦‣●○■*–—-]|\d{1,2}\))\s+")
_TABLE_SEPARATOR = re.compile(r"^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?$")

_MAX_HEADING_RUN = 3
_HEADING_JOINER = " – "

_Kind = Literal["heading", "candidate", "prose", "bullet", "row"]


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
