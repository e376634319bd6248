"""Digests as Discord embeds: a heading, one field per article, and the "more"/"older" lines.

Each article is a field (its title; a link to it, publisher and date, then its summary). The space
of one message (6000 characters across embeds) is shared out among the articles, so a digest of
twenty long articles still fits: summaries are cut at a sentence, never mid-markup.
"""

from __future__ import annotations

import discord

from adapters.discord.markdown import (
    EMBED_TOTAL_LIMIT,
    FIELD_NAME_LIMIT,
    FIELD_VALUE_LIMIT,
    TITLE_LIMIT,
    fit_text,
    link,
)
from bot import Digest, DigestItem, Phrasebook

__all__ = ["digest_embed"]

_DESCRIPTION_SHARE = 1500  # at most this much for the "more" and "older" lines


def digest_embed(digest: Digest, phrases: Phrasebook, *, footer: str) -> discord.Embed:
    """Render a (non-empty) digest as one embed within Discord's limits.

    Args:
        digest: The digest to show.
        phrases: The phrasebook of the configured language.
        footer: The footer text (short).
    """
    heading = (
        phrases.digest_heading_topic.format(topic=digest.topic)
        if digest.topic
        else phrases.digest_heading
    )
    title = fit_text(heading, TITLE_LIMIT)
    lines = []
    if digest.more:
        titles = "; ".join(more_title for _, more_title in digest.more)
        lines.append(phrases.digest_more.format(titles=titles))
    if digest.older:
        lines.append(phrases.digest_older.format(count=len(digest.older)))
    description = fit_text("\n".join(lines), _DESCRIPTION_SHARE)
    embed = discord.Embed(
        title=title, description=description or None, colour=discord.Colour.teal()
    )
    room = EMBED_TOTAL_LIMIT - len(title) - len(description) - len(footer)
    items = digest.items
    for index, item in enumerate(items):
        share = room // (len(items) - index)
        name = fit_text(item.title, min(FIELD_NAME_LIMIT, share // 3)) or "\u200b"
        value = _item_value(item, phrases, min(FIELD_VALUE_LIMIT, share - len(name)))
        room -= len(name) + len(value)
        embed.add_field(name=name, value=value, inline=False)
    embed.set_footer(text=footer)
    return embed


def _item_value(item: DigestItem, phrases: Phrasebook, budget: int) -> str:
    """``[Zum Artikel](url) · Publisher · Date``, then the summary, within ``budget``."""
    read = link(item.url, phrases.read_article) if item.url else ""
    if len(read) > budget // 2:  # a long address would crowd out the summary: no link
        read = ""
    details = fit_text(phrases.details(item.publisher, item.published), budget // 4)
    head = " · ".join(part for part in (read, details) if part)
    summary = fit_text(" ".join(item.summary), budget - len(head) - 1)
    return "\n".join(part for part in (head, summary) if part) or "\u200b"
