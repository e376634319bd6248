"""``newsdesk feeds add|list|remove|fetch``: the feed commands on the command line.

``add``, ``list`` and ``remove`` speak the chat grammar (``feed add <url> [every 30m]``) and
answer with the same sentences; ``fetch`` fetches every feed once, now, and prints one line per
feed. None of them loads the archive: a running bot picks the new articles up by itself, and the
next ``newsdesk ask`` indexes them.
"""

from __future__ import annotations

import argparse
import asyncio
from typing import TextIO

from adapters.console.render import to_terminal
from bot import FetchOutcome, Phrasebook, ReplyKind, Settings, build_feeds, phrasebook

__all__ = ["add_feeds_parser", "run_feeds"]


def add_feeds_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``feeds`` and its actions to the ``newsdesk`` parser."""
    feeds = commands.add_parser(
        "feeds", help="the feeds that fill the archive: add, list, remove, fetch"
    )
    actions = feeds.add_subparsers(dest="feeds_command", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="follow a feed: add URL [every 30m]")
    add.add_argument("url", help="the feed's address, e.g. https://www.heise.de/rss/heise-atom.xml")
    add.add_argument("every", nargs="*", help="how often, e.g. every 30m (default: the setting)")
    actions.add_parser("list", help="the feeds, numbered: last fetch, last error, article count")
    remove = actions.add_parser("remove", help="stop feed number N (its articles stay)")
    remove.add_argument("number", help="the number from `newsdesk feeds list`")
    actions.add_parser("fetch", help="fetch every feed now and write its new articles")


def run_feeds(args: argparse.Namespace, settings: Settings, out: TextIO, err: TextIO) -> int:
    """Run one ``feeds`` action; exit status 1 when it was refused or a feed failed."""
    phrases = phrasebook(settings.language)
    if args.feeds_command == "fetch":
        return asyncio.run(_fetch(settings, out, phrases))
    tools = build_feeds(settings)
    try:
        if args.feeds_command == "add":
            every = " ".join(args.every)
            reply = tools.desk.add(args.url, every or None)
        elif args.feeds_command == "remove":
            number = args.number.lstrip("#")
            reply = tools.desk.remove(int(number) if number.isdigit() else None, args.number)
        else:
            reply = tools.desk.list()
    finally:
        tools.close()
    problem = reply.kind is ReplyKind.PROBLEM
    (err if problem else out).write(to_terminal(reply, phrases) + "\n")
    return 1 if problem else 0


async def _fetch(settings: Settings, out: TextIO, phrases: Phrasebook) -> int:
    from ingest import HttpFeedSource  # noqa: PLC0415  (aiohttp, feedparser, trafilatura)

    tools = build_feeds(settings, HttpFeedSource.from_settings(settings))
    try:
        outcomes = await tools.loop.fetch_all() if tools.loop else []
        feeds = tools.desk.store.feeds()
    finally:
        if tools.loop is not None:
            await tools.loop.source.close()
        tools.close()
    if not outcomes:
        out.write(phrases.feed.none + "\n")
        return 0
    numbers = {feed.id: n for n, feed in enumerate(feeds, start=1)}
    for outcome in outcomes:
        out.write(_line(outcome, numbers.get(outcome.feed_id, 0), phrases) + "\n")
    return 1 if any(o.error for o in outcomes) else 0


def _line(outcome: FetchOutcome, number: int, phrases: Phrasebook) -> str:
    if outcome.error:
        return f"{number}. {outcome.url}: {phrases.feed.problem(outcome.error)}"
    if outcome.not_modified:
        return f"{number}. {outcome.url}: not modified since the last fetch"
    return (
        f"{number}. {outcome.url}: {len(outcome.added)} new articles, {outcome.known} known, "
        f"{outcome.skipped_old} too old"
    )
