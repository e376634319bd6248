"""Discord markdown for the core's spans, and Discord's size limits.

Article and user text is escaped (``discord.utils.escape_markdown``) so that only the bot's own
markup renders: an emphasised query term becomes ``**bold**``, a citation `` [n]``. Every size
here is measured on the *rendered* markup, because that is what Discord counts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import discord

from bot import Paragraph, Span, cut_at_sentence, fit_spans

__all__ = [
    "CONTENT_LIMIT",
    "DESCRIPTION_LIMIT",
    "EMBED_TOTAL_LIMIT",
    "FIELD_COUNT_LIMIT",
    "FIELD_NAME_LIMIT",
    "FIELD_VALUE_LIMIT",
    "FOOTER_LIMIT",
    "TITLE_LIMIT",
    "escape",
    "fit_markdown",
    "fit_text",
    "flatten",
    "link",
    "to_markdown",
]

# Discord rejects a message over any of these with HTTP 400 (Invalid Form Body).
CONTENT_LIMIT = 2000
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FIELD_COUNT_LIMIT = 25
FOOTER_LIMIT = 2048
EMBED_TOTAL_LIMIT = 6000  # title, description, field names and values, footer: all embeds

_BREAK = Span("\n\n")
_BRACKET = re.compile(r"(?<!\\)([\[\]])")  # not yet escaped by escape_markdown
_MASS = re.compile(r"(?i)(everyone|here|channel)\b")


def escape(text: str) -> str:
    """Escape Discord markdown in untrusted text (links stay clickable)."""
    return discord.utils.escape_markdown(text)


def link(url: str | None, label: str, *, preview: bool = True) -> str:
    """``[label](url)`` with the label escaped (brackets too); the escaped label without ``url``.

    ``url`` must come through :func:`bot.link_target` (no brackets, parentheses or spaces).
    ``preview=False`` writes ``(<url>)``, which keeps Discord from unfurling it under a message.
    """
    text = _BRACKET.sub(r"\\\1", escape(label))
    if not url:
        return text
    return f"[{text}](<{url}>)" if not preview else f"[{text}]({url})"


def to_markdown(span: Span) -> str:
    """One span as Discord markdown: emphasis bold, citations `` [n]``, commands as code, the
    rest escaped."""
    if span.style == "citation":
        return f" [{span.text}]"
    if span.style == "command":
        return "`" + span.text.replace("`", "'") + "`"
    if span.style == "emphasis" and span.text.strip():
        return f"**{escape(span.text)}**"
    return escape(span.text)


def flatten(paragraphs: Iterable[Paragraph]) -> tuple[Span, ...]:
    """Join paragraphs into one run of spans, with a blank line between paragraphs.

    Each span arrives defused of ``@everyone``, but an ``@`` ending one span and ``everyone``
    starting the next (an emphasised query term) would join into one: a zero-width space goes
    between them.
    """
    spans: list[Span] = []
    for paragraph in paragraphs:
        if spans:
            spans.append(_BREAK)
        for span in paragraph:
            joins = spans and spans[-1].text.endswith(("@", "＠")) and _MASS.match(span.text)
            spans.append(Span("\u200b" + span.text, span.style) if joins else span)
    return tuple(spans)


def fit_markdown(spans: Sequence[Span], budget: int, notice: str) -> str:
    """Render spans within ``budget`` characters; when cut, end at a sentence with ``notice``.

    Args:
        spans: The text to render.
        budget: The most characters the rendered markdown may have.
        notice: Said in italics after a cut (the phrasebook's ``shortened_reply``).
    """
    full = "".join(to_markdown(span) for span in spans).strip()
    if len(full) <= budget:
        return full
    tail = f"\n\n*{escape(notice)}*"
    kept, _ = fit_spans(spans, max(budget - len(tail), 0), measure=lambda s: len(to_markdown(s)))
    text = "".join(to_markdown(span) for span in kept).strip()
    return (text + tail if text else tail.strip())[:budget]


def fit_text(text: str, budget: int) -> str:
    """Escape ``text`` and cut it at a sentence (else a word) so the result fits ``budget``."""
    limit = budget
    while limit > 0:
        escaped = escape(cut_at_sentence(text, limit))
        if len(escaped) <= budget:
            return escaped
        limit -= len(escaped) - budget
    return ""
