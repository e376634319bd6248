"""Translate a digest out to Slack: a header, a section per article, the "more" and "older" lines.

Pure: a :class:`bot.Digest` in, a message within Block Kit's limits out. Each article's section
reads ``*Title*`` (linked to the article), then publisher and date, then its summary. Every article
shown is named: the articles share the message's room equally, and a summary longer than its share
is cut at a sentence, with the core's "shortened" notice.
"""

from __future__ import annotations

from adapters.slack.blocks import (
    BODY_CHARS,
    MAX_BLOCKS,
    SECTION_CHARS,
    Block,
    SlackMessage,
    context,
    escape,
    fallback,
    fit_mrkdwn,
    header,
    link,
    section,
)
from bot import Digest, DigestItem, Phrasebook, Span, defuse_mass_mentions

__all__ = ["digest_blocks", "digest_heading"]

_TITLE_CHARS = 500


def digest_heading(digest: Digest, phrases: Phrasebook) -> str:
    """The digest's heading, naming its topic if it has one (mass mentions defused)."""
    if digest.topic:
        return defuse_mass_mentions(phrases.digest_heading_topic.format(topic=digest.topic))
    return phrases.digest_heading


def digest_blocks(
    digest: Digest, phrases: Phrasebook, *, preface: list[Block] | None = None
) -> SlackMessage:
    """Render a digest as a Slack message.

    Args:
        digest: The digest (an empty one says "nothing new").
        phrases: The phrasebook of the configured language.
        preface: Blocks to put first (the restated ``/digest`` command).
    """
    blocks = list(preface or [])
    if digest.empty:
        blocks.append(section(escape(phrases.digest_nothing_new)))
        return {"text": fallback(phrases.digest_nothing_new), "blocks": blocks}
    heading = digest_heading(digest, phrases)
    blocks.append(header(heading))
    tail = _tail(digest, phrases)
    room = MAX_BLOCKS - len(blocks) - len(tail) - 1  # one for the "shortened" notice
    share = min(SECTION_CHARS, BODY_CHARS // len(digest.items))  # every article gets its title
    cut = len(digest.items) > room
    for item in digest.items[: max(room, 0)]:
        text, item_cut = _item_section(item, phrases, share)
        blocks.append(section(text))
        cut = cut or item_cut
    if cut:
        blocks.append(context([escape(phrases.shortened_reply)]))
    titles = "; ".join(item.title for item in digest.items)
    return {"text": fallback(f"{heading}: {titles}"), "blocks": [*blocks, *tail]}


def _item_section(item: DigestItem, phrases: Phrasebook, share: int) -> tuple[str, bool]:
    """``*<url|Title>*``, publisher and date, then the summary, within ``share`` characters."""
    title = item.title if len(item.title) <= _TITLE_CHARS else item.title[:_TITLE_CHARS] + "…"
    head = f"*{link(item.url, title)}*"
    details = phrases.details(item.publisher, item.published)
    summary = " ".join(item.summary)
    rest = (Span(f"\n{details}" if details else ""), Span(f"\n{summary}" if summary else ""))
    if len(head) > share // 2:  # a long address would crowd out the summary: no link
        return fit_mrkdwn((Span(title, "emphasis"), *rest), share)
    text, cut = fit_mrkdwn(rest, share - len(head))
    return head + text, cut


def _tail(digest: Digest, phrases: Phrasebook) -> list[Block]:
    """The "also new" line (cut to one section) and the count of older articles."""
    tail: list[Block] = []
    if digest.more:
        line = phrases.digest_more.format(titles="; ".join(title for _, title in digest.more))
        text, _ = fit_mrkdwn((Span(line),), SECTION_CHARS)
        tail.append(section(text))
    if digest.older:
        tail.append(context([escape(phrases.digest_older.format(count=len(digest.older)))]))
    return tail
