"""Translate the core's replies out to a terminal: plain text, ANSI bold when it is a TTY, or JSON.

Pure functions: a reply in, a string or a JSON-ready dict out.
"""

from __future__ import annotations

import textwrap
from typing import Any

from bot import Phrasebook, Reply, Span

__all__ = ["to_json", "to_terminal", "wrap"]

_BOLD, _DIM, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"


def _span(span: Span, color: bool) -> str:
    if span.style == "citation":
        return f" [{span.text}]"
    if span.style == "emphasis" and color:
        return f"{_BOLD}{span.text}{_RESET}"
    return span.text


def to_terminal(reply: Reply, phrases: Phrasebook, *, color: bool = False) -> str:
    """Render a reply as a person reads it in a terminal.

    Args:
        reply: The core's reply.
        phrases: The phrasebook of the configured language (for labels and dates).
        color: Use ANSI bold for emphasis and dim for details (only on a TTY).

    Returns:
        The text, without a trailing newline.
    """
    dim, reset = (_DIM, _RESET) if color else ("", "")
    blocks = ["".join(_span(s, color) for s in paragraph) for paragraph in reply.paragraphs]
    if reply.sources:
        lines = [f"{phrases.sources_heading}:"]
        for source in reply.sources:
            lines.append(f"  [{source.number}] {source.title}")
            if details := phrases.source_details(source):
                lines.append(f"      {dim}{details}{reset}")
            if source.url:
                lines.append(f"      {source.url}")
        blocks.append("\n".join(lines))
    blocks.extend(f"{dim}({notice}){reset}" for notice in reply.notices)
    return "\n\n".join(blocks)


def wrap(text: str, width: int) -> str:
    """Wrap each line of ``text`` at word boundaries to ``width`` columns, keeping its indent.

    Continuation lines keep the line's leading spaces (so a source's details stay under it);
    words longer than a line, such as addresses, are never broken.
    """
    lines: list[str] = []
    for line in text.split("\n"):
        indent = line[: len(line) - len(line.lstrip(" "))]
        wrapped = textwrap.wrap(
            line.lstrip(" "),
            width=max(width, len(indent) + 10),
            initial_indent=indent,
            subsequent_indent=indent,
            break_long_words=False,
            break_on_hyphens=False,
        )
        lines.extend(wrapped or [line])
    return "\n".join(lines)


def to_json(reply: Reply) -> dict[str, Any]:
    """The fixed JSON shape of ``newsdesk ask --json``.

    ``{"answered": bool, "text": str, "sources": [{"article", "title", "source", "published",
    "passage", "score", "url"}]}``, sources best first. Notices (such as a shortened question)
    are part of ``text`` so that nothing said to the person is lost.
    """
    return {
        "answered": reply.answered,
        "text": "\n\n".join([reply.text, *reply.notices]),
        "sources": [
            {
                "article": source.article_id,
                "title": source.title,
                "source": source.publisher,
                "published": source.published.isoformat() if source.published else None,
                "passage": source.passage,
                "score": source.score,
                "url": source.url,
            }
            for source in reply.sources
        ],
    }
