"""Slack's Block Kit limits, mrkdwn escaping and the few block shapes Newsdesk sends.

Pure functions from neutral values to JSON-ready dicts. Every text that came from an article or
a person goes through :func:`escape` (``&``, ``<``, ``>`` and nothing else, as Slack asks), so no
``<!channel>``, ``<!here>``, ``<!everyone>`` or ``<!subteam^...>`` can come out of the bot; mrkdwn
text objects are ``verbatim`` (Slack links no names on its own), and messages never carry
``link_names`` or ``parse: full``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any, TypedDict

from bot import Span, cut_at_sentence, fit_spans

__all__ = [
    "BODY_CHARS",
    "CONTEXT_ELEMENTS",
    "FALLBACK_CHARS",
    "HEADER_CHARS",
    "MAX_BLOCKS",
    "SECTION_CHARS",
    "Block",
    "SlackMessage",
    "button",
    "context",
    "escape",
    "fallback",
    "fit_mrkdwn",
    "header",
    "link",
    "section",
    "span_mrkdwn",
    "to_mrkdwn",
]

MAX_BLOCKS = 50  # blocks in one message
SECTION_CHARS = 3000  # text of a section (and of any text object)
HEADER_CHARS = 150  # plain text of a header block
CONTEXT_ELEMENTS = 10  # elements of a context block
BODY_CHARS = 12_000  # all sections of one message together: any answer fits, far below the cap
FALLBACK_CHARS = 3000  # the plain ``text`` (notifications, screen readers)

Block = dict[str, Any]

_BAR = "\u2223"  # stands in for "|" in a link label, which would end the link
_SPLIT_MENTION = re.compile(r"(?i)([@＠])(\*?(?:everyone|here|channel)\b)")


class SlackMessage(TypedDict):
    """A message as ``chat.postMessage`` and ``response_url`` take it: fallback text and blocks."""

    text: str
    blocks: list[Block]


def escape(text: str) -> str:
    """Escape the three characters Slack reserves: ``&``, ``<`` and ``>``."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def link(url: str | None, label: str) -> str:
    """``<url|label>`` in mrkdwn, the label escaped; just the escaped label without a ``url``.

    ``url`` must come through :func:`bot.link_target` (no ``<``, ``>``, ``|`` or spaces); a ``|``
    in the label would end Slack's link syntax early, so it becomes a look-alike bar.
    """
    text = escape(label)
    if not url:
        return text
    return f"<{escape(url)}|{text.replace('|', _BAR)}>"


def span_mrkdwn(span: Span) -> str:
    """Render one span: emphasis as ``*bold*`` (spaces kept outside), citations as `` [n]``,
    commands as ```code```."""
    text = escape(span.text)
    if span.style == "citation":
        return f" [{text}]"
    if span.style == "command":
        return "`" + text.replace("`", "'") + "`"
    core = text.strip()
    if span.style != "emphasis" or not core:
        return text
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    return f"{lead}*{core}*{trail}"


def to_mrkdwn(spans: Iterable[Span]) -> str:
    """Render spans as one mrkdwn string.

    The core defuses ``@here`` and friends span by span; a mention split across spans (``@``
    plain, ``here`` emphasised because the question said "here") is defused here as well.
    """
    return _SPLIT_MENTION.sub("\\1\u200b\\2", "".join(span_mrkdwn(span) for span in spans))


def fit_mrkdwn(spans: Sequence[Span], budget: int) -> tuple[str, bool]:
    """Render spans into at most ``budget`` characters of mrkdwn, cut at a sentence if needed.

    Returns:
        The mrkdwn and whether anything was cut.
    """
    room = budget
    while room > 0:
        kept, cut = fit_spans(spans, room, measure=lambda span: len(span_mrkdwn(span)))
        text = to_mrkdwn(kept)
        if len(text) <= budget:
            return text, cut
        room -= len(text) - budget  # defused mentions made it longer: try with less
    return "", True


def section(mrkdwn: str) -> Block:
    """A section block of (already escaped) mrkdwn."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn, "verbatim": True}}


def context(mrkdwn: Iterable[str]) -> Block:
    """A context block of (already escaped) mrkdwn elements; at most ten."""
    elements = [{"type": "mrkdwn", "text": text, "verbatim": True} for text in mrkdwn]
    return {"type": "context", "elements": elements[:CONTEXT_ELEMENTS]}


def header(text: str) -> Block:
    """A header block; plain text (Slack parses no markup there), cut to 150 characters."""
    shown = cut_at_sentence(" ".join(text.split()), HEADER_CHARS)
    return {"type": "header", "text": {"type": "plain_text", "text": shown, "emoji": True}}


def button(action_id: str, label: str, value: str, *, primary: bool = False) -> dict[str, Any]:
    """A button element; ``value`` comes back in the ``block_actions`` payload."""
    made: dict[str, Any] = {
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": label, "emoji": True},
        "value": value,
    }
    if primary:
        made["style"] = "primary"
    return made


def fallback(text: str) -> str:
    """The message's plain ``text``: escaped, cut at a sentence to fit, never empty."""
    shown, _ = fit_mrkdwn((Span(text.strip()),), FALLBACK_CHARS)
    return shown or "…"
