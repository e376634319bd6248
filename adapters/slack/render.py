"""Translate the core's replies out to Slack: :func:`to_blocks`, a pure function.

An answer becomes a section per paragraph (query terms in ``*bold*``, citations as `` [n]``), its
numbered sources (the title linked to the article, publisher, date) in a context block,
👍/👎 buttons carrying the answer's id, and, for a ``/ask`` answer only its asker sees, a button
to post it to the channel. A digest becomes a header and a section per article
(:mod:`adapters.slack.render_digest`). Whatever the core says fits Slack's limits: too much is cut
at a sentence with the core's "shortened" notice.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from adapters.slack.blocks import (
    BODY_CHARS,
    CONTEXT_ELEMENTS,
    MAX_BLOCKS,
    SECTION_CHARS,
    Block,
    SlackMessage,
    button,
    context,
    escape,
    fallback,
    fit_mrkdwn,
    link,
    section,
    to_mrkdwn,
)
from adapters.slack.render_digest import digest_blocks
from bot import (
    Paragraph,
    Phrasebook,
    Reply,
    ReplyKind,
    Source,
    cut_at_sentence,
    defuse_mass_mentions,
)

__all__ = [
    "SHARE",
    "VOTE_DOWN",
    "VOTE_UP",
    "Asked",
    "parse_share_value",
    "share_value",
    "to_blocks",
    "to_text",
    "wants_feedback",
]

VOTE_UP = "newsdesk_vote_up"
VOTE_DOWN = "newsdesk_vote_down"
SHARE = "newsdesk_share"

_FEEDBACK_KINDS = frozenset({ReplyKind.ANSWER, ReplyKind.NO_ANSWER})
_SLACK_USER = re.compile(r"[UW][A-Z0-9]+")
_BUTTON_VALUE = 2000  # characters Slack keeps in a button's value
_TITLE_CHARS = 300


@dataclass(frozen=True, slots=True)
class Asked:
    """What was asked, shown above the reply.

    Attributes:
        question: The question (or command) as the person typed it.
        by: The asker's user id when the reply is shown to everyone ("<@U1> asked: ..."); None
            restates the question as a quote for the asker alone (who cannot see their own
            slash command).
    """

    question: str
    by: str | None = None


def wants_feedback(reply: Reply) -> bool:
    """Whether the reply answers a question, so it gets 👍/👎 buttons (and an answer id)."""
    return reply.kind in _FEEDBACK_KINDS and reply.digest is None


def share_value(answer_id: str, question: str) -> str:
    """The "post to channel" button's value: the answer id, then the (escaped) question."""
    return f"{answer_id} {escape(question)}"[:_BUTTON_VALUE]


def parse_share_value(value: str) -> tuple[str, str]:
    """Split a "post to channel" button's value into ``(answer_id, question)``."""
    answer_id, _, question = value.partition(" ")
    return answer_id, question.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def to_text(reply: Reply) -> str:
    """The reply as escaped plain text: for short acknowledgements such as a vote's thanks."""
    return fallback("\n\n".join([reply.text, *reply.notices]))


def to_blocks(
    reply: Reply,
    phrases: Phrasebook,
    *,
    answer_id: str | None = None,
    asked: Asked | None = None,
    shareable: bool = False,
) -> SlackMessage:
    """Render a reply as a Slack message within Block Kit's limits.

    Args:
        reply: The core's reply.
        phrases: The phrasebook of the configured language.
        answer_id: The answer's id for the 👍/👎 buttons (none: no buttons).
        asked: The question to show above the reply (see :class:`Asked`).
        shareable: Add the "post to channel" button (an ephemeral ``/ask`` answer).

    Returns:
        ``{"text": fallback, "blocks": [...]}``, ready for ``chat.postMessage`` or ``respond``.
    """
    preface = [section(_preface(asked, phrases))] if asked and asked.question.strip() else []
    if reply.digest is not None:
        return digest_blocks(reply.digest, phrases, preface=preface)
    tail = [*_sources(reply.sources, phrases), *_actions(reply, answer_id, shareable, phrases)]
    room = MAX_BLOCKS - len(preface) - len(tail) - 1  # one for the notices
    body, cut = _sections(reply.paragraphs, blocks=room)
    notices = [*reply.notices, *([phrases.shortened_reply] if cut else [])]
    blocks = [*preface, *body]
    if notices:
        blocks.append(context(escape(n) for n in notices[:CONTEXT_ELEMENTS]))
    return {"text": fallback(reply.text), "blocks": [*blocks, *tail]}


def _preface(asked: Asked, phrases: Phrasebook) -> str:
    said = defuse_mass_mentions(" ".join(asked.question.split()))
    question = escape(cut_at_sentence(said, SECTION_CHARS // 2))
    if asked.by is None:
        return f"> {question}"
    user = f"<@{asked.by}>" if _SLACK_USER.fullmatch(asked.by) else escape(asked.by)
    return phrases.posted_by.format(user=user, question=question)


def _sections(paragraphs: Sequence[Paragraph], *, blocks: int) -> tuple[list[Block], bool]:
    """Pack paragraphs, one per line, into sections of at most 3000 characters.

    Stops at ``blocks`` sections or :data:`BODY_CHARS` in all; returns the sections and whether
    anything was left out or cut.
    """
    texts: list[str] = []
    left = BODY_CHARS
    for paragraph in paragraphs:
        rendered = to_mrkdwn(paragraph)
        if texts and len(texts[-1]) + 1 + len(rendered) <= SECTION_CHARS and len(rendered) < left:
            texts[-1] += "\n" + rendered
            left -= len(rendered) + 1
            continue
        if len(texts) >= blocks or left <= 0:
            return [section(t) for t in texts], True
        shown, cut = fit_mrkdwn(paragraph, min(SECTION_CHARS, left))
        if shown.strip():
            texts.append(shown)
            left -= len(shown)
        if cut:
            return [section(t) for t in texts], True
    return [section(t) for t in texts], False


def _sources(sources: Sequence[Source], phrases: Phrasebook) -> list[Block]:
    """Numbered sources in context blocks of up to ten: ``*[1]* <url|Title> · Publisher · Date``."""
    lines = []
    for s in sources:
        details = phrases.source_details(s)
        title = link(s.url, cut_at_sentence(s.title, _TITLE_CHARS))
        lines.append(f"*[{s.number}]* {title}" + (f" · {escape(details)}" if details else ""))
    return [
        context(lines[i : i + CONTEXT_ELEMENTS]) for i in range(0, len(lines), CONTEXT_ELEMENTS)
    ][:3]


def _actions(
    reply: Reply, answer_id: str | None, shareable: bool, phrases: Phrasebook
) -> list[Block]:
    if answer_id is None or not wants_feedback(reply):
        return []
    elements = [button(VOTE_UP, "👍", answer_id), button(VOTE_DOWN, "👎", answer_id)]
    if shareable and reply.answered and reply.question:
        value = share_value(answer_id, reply.question)
        elements.append(button(SHARE, phrases.post_to_channel, value, primary=True))
    return [{"type": "actions", "block_id": "newsdesk_answer", "elements": elements}]
