"""Translate the core's replies out to Discord: ``to_discord(reply, phrases)``, a pure function.

A reply becomes one embed: the answer as the description (query terms bold, citations `` [n]``),
the numbered sources as fields (title; a link to the article, publisher and date), a colour for
the kind of reply, the question as the title and any notices in the footer. A digest renders as an
embed of its own (:mod:`adapters.discord.digests`). Where the bot may not embed links, the same
reply renders as plain content instead.

Everything fits Discord's limits (see :mod:`adapters.discord.markdown`): an answer too long for
them is cut at a sentence and says so (the phrasebook's ``shortened_reply``), never rejected.
"""

from __future__ import annotations

from dataclasses import dataclass

import discord

from adapters.discord.digests import digest_embed
from adapters.discord.markdown import (
    CONTENT_LIMIT,
    DESCRIPTION_LIMIT,
    EMBED_TOTAL_LIMIT,
    FIELD_COUNT_LIMIT,
    FIELD_NAME_LIMIT,
    FIELD_VALUE_LIMIT,
    FOOTER_LIMIT,
    TITLE_LIMIT,
    escape,
    fit_markdown,
    fit_text,
    flatten,
    link,
)
from bot import Phrasebook, Reply, ReplyKind, Source, cut_at_sentence

__all__ = [
    "BRAND",
    "COLOURS",
    "MARK_PREFIX",
    "DiscordMessage",
    "delivery_mark",
    "shows_mark",
    "to_discord",
]

BRAND = "Newsdesk"
#: Plain content's delivery mark is a line of Discord's small text.
MARK_PREFIX = "-# "

#: The embed colour of each kind of reply.
COLOURS: dict[ReplyKind, discord.Colour] = {
    ReplyKind.ANSWER: discord.Colour.green(),
    ReplyKind.NO_ANSWER: discord.Colour.orange(),
    ReplyKind.PROBLEM: discord.Colour.red(),
    ReplyKind.INFO: discord.Colour.blurple(),
    ReplyKind.DIGEST: discord.Colour.teal(),
}

_MIN_DESCRIPTION = 1000  # sources never squeeze the answer below this
_MAX_CONTENT_SOURCES = 10  # sources listed in plain content
_CONTENT_SOURCE_LINE = 200


@dataclass(frozen=True, slots=True)
class DiscordMessage:
    """What to send: plain content, embeds, or both (within every Discord limit)."""

    content: str | None
    embeds: tuple[discord.Embed, ...] = ()


def to_discord(
    reply: Reply, phrases: Phrasebook, *, embeds: bool = True, mark: str | None = None
) -> DiscordMessage:
    """Render a reply for Discord.

    Args:
        reply: The core's reply.
        phrases: The phrasebook of the configured language (labels, dates, the cut notice).
        embeds: Render an embed (False where the bot lacks Embed Links: plain content).
        mark: A digest's delivery mark (:func:`delivery_mark`): the embed's footer, or the last
            line of plain content, so the message can be found again.

    Returns:
        The message, within Discord's limits.
    """
    if not embeds:
        return DiscordMessage(content=_content(reply, phrases, mark))
    if reply.digest is not None and not reply.digest.empty:
        footer = mark or BRAND
        return DiscordMessage(
            content=None, embeds=(digest_embed(reply.digest, phrases, footer=footer),)
        )
    return DiscordMessage(content=None, embeds=(_embed(reply, phrases),))


def _embed(reply: Reply, phrases: Phrasebook) -> discord.Embed:
    title = fit_text(reply.question, TITLE_LIMIT) if reply.question else ""
    footer = " · ".join((BRAND, *reply.notices))[:FOOTER_LIMIT]
    room = EMBED_TOTAL_LIMIT - len(title) - len(footer)
    fields = _source_fields(reply.sources, phrases, room - _MIN_DESCRIPTION)
    room -= sum(len(name) + len(value) for name, value in fields)
    description = fit_markdown(
        flatten(reply.paragraphs), min(DESCRIPTION_LIMIT, room), phrases.shortened_reply
    )
    embed = discord.Embed(
        title=title or None, description=description or "\u200b", colour=COLOURS[reply.kind]
    )
    for name, value in fields:
        embed.add_field(name=name, value=value, inline=False)
    embed.set_footer(text=footer)
    return embed


def _source_fields(
    sources: tuple[Source, ...], phrases: Phrasebook, budget: int
) -> list[tuple[str, str]]:
    """One field per source, ``[n] Title`` over ``[Zum Artikel](url) · details``, while they fit.

    Discord renders no links in a field's name, so the link to the article opens the value.
    """
    fields: list[tuple[str, str]] = []
    for source in sources[:FIELD_COUNT_LIMIT]:
        name = fit_text(f"[{source.number}] {source.title}", FIELD_NAME_LIMIT)
        read = link(source.url, phrases.read_article) if source.url else ""
        details = fit_text(phrases.source_details(source), FIELD_VALUE_LIMIT - len(read) - 3)
        value = " · ".join(part for part in (read, details) if part) or "\u200b"
        budget -= len(name) + len(value)
        if budget < 0:
            break
        fields.append((name, value))
    return fields


def _content_source(source: Source, phrases: Phrasebook) -> str:
    """``[n] [Title](<url>) (Publisher · Date)``: a link that unfurls no preview."""
    details = phrases.source_details(source)
    line = fit_text(f"[{source.number}] {source.title}", _CONTENT_SOURCE_LINE)
    if source.url:
        title = cut_at_sentence(source.title, _CONTENT_SOURCE_LINE)
        linked = f"[{source.number}] {link(source.url, title, preview=False)}"
        line = linked if len(linked) <= 2 * _CONTENT_SOURCE_LINE else line
    return line + (f" ({fit_text(details, _CONTENT_SOURCE_LINE // 2)})" if details else "")


def _content(reply: Reply, phrases: Phrasebook, mark: str | None = None) -> str:
    """The reply as plain message content (no embed), at most 2000 characters.

    A delivery ``mark`` is the last line, as small text (``-# ``).
    """
    head = f"**{fit_text(reply.question, 200)}**" if reply.question else ""
    lines = [_content_source(s, phrases) for s in reply.sources[:_MAX_CONTENT_SOURCES]]
    sources = "\n".join([f"**{escape(phrases.sources_heading)}**", *lines]) if lines else ""
    notices = "\n".join(f"*{escape(notice)}*" for notice in reply.notices)
    tail = f"{MARK_PREFIX}{mark}" if mark else ""
    fixed = [part for part in (head, sources, notices, tail) if part]
    room = CONTENT_LIMIT - sum(len(part) + 2 for part in fixed)
    body = fit_markdown(flatten(reply.paragraphs), room, phrases.shortened_reply)
    parts = [part for part in (head, body, sources, notices) if part]
    text = "\n\n".join(parts)[: CONTENT_LIMIT - (len(tail) + 1 if tail else 0)]
    return (f"{text}\n{tail}" if tail else text) or "\u200b"


def delivery_mark(delivery_id: int) -> str:
    """The text a digest of one delivery carries where people see it, e.g. ``Newsdesk · Digest 7``.

    Discord keeps no nonce with a message, so this is what finds the digest again after a
    restart (:meth:`adapters.discord.poster.DiscordPoster.find_posted`).
    """
    return f"{BRAND} · Digest {delivery_id}"


def shows_mark(message: discord.Message, mark: str) -> bool:
    """Whether ``message`` carries ``mark``: as an embed's footer or as its last line."""
    if any(embed.footer.text == mark for embed in message.embeds):
        return True
    lines = (message.content or "").rstrip().splitlines()
    return bool(lines) and lines[-1] == f"{MARK_PREFIX}{mark}"
