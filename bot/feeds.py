"""The feed commands: ``feed add <url> [every 30m]``, ``feed list``, ``feed remove <n>``.

Feeds belong to the whole archive, not to one channel, so ``feed list`` shows every feed.
Changing them needs ``may_manage``, the permission that changes a channel's digests. Adding a
feed only records it, due at once: the feed loop (:mod:`bot.ingestion`) fetches it within its
poll interval, so a chat command never waits on the network. A bad address or interval gets a
sentence saying what was wrong and an example that works; a feed that fails to fetch shows why
in ``feed list``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from bot.commands import FeedAdd, FeedHelp, FeedList, FeedRemove
from bot.phrases import Phrasebook
from bot.replies import Paragraph, Reply, ReplyKind, Span, paragraph
from bot.store import Destination, Feed, NewFeed, Store

__all__ = [
    "MAX_INTERVAL_MINUTES",
    "MIN_INTERVAL_MINUTES",
    "FeedCommand",
    "FeedDesk",
    "parse_interval",
    "valid_feed_url",
]

FeedCommand = FeedAdd | FeedList | FeedRemove | FeedHelp

MIN_INTERVAL_MINUTES = 5
MAX_INTERVAL_MINUTES = 7 * 24 * 60
_INTERVAL = re.compile(
    r"(?i)^(?:every|alle)\s+(\d{1,5})\s*"
    r"(m|min|mins|minute|minutes|minuten|h|std|hour|hours|stunde|stunden|d|day|days|tag|tage)$"
)
_UNIT_MINUTES = {"m": 1, "h": 60, "s": 60, "d": 1440, "t": 1440}


def parse_interval(text: str) -> int | None:
    """Minutes of ``every 30m`` / ``alle 2h`` / ``every 1d``; None if not one (or out of range)."""
    match = _INTERVAL.match(" ".join(text.split()))
    if match is None:
        return None
    minutes = int(match.group(1)) * _UNIT_MINUTES[match.group(2)[0].lower()]
    return minutes if MIN_INTERVAL_MINUTES <= minutes <= MAX_INTERVAL_MINUTES else None


def valid_feed_url(url: str) -> bool:
    """Whether ``url`` is an http(s) address with a host and no credentials (syntax only).

    The SSRF guard of :mod:`ingest.guard` checks the addresses at every fetch; this check only
    spares the user a feed that could never be fetched.
    """
    if any(c.isspace() for c in url) or len(url) > 2000:
        return False
    try:
        parts = urlsplit(url)
        _ = parts.port
    except ValueError:
        return False
    return (
        parts.scheme.lower() in ("http", "https")
        and bool(parts.hostname)
        and parts.username is None
        and parts.password is None
    )


class FeedDesk:
    """Answers the feed commands against the store."""

    def __init__(
        self,
        store: Callable[[], Store],
        phrases: Phrasebook,
        *,
        default_interval: int,
        timezone: str,
        clock: Callable[[], dt.datetime],
    ) -> None:
        """Wire the desk; ``store`` is called when a command first needs it (opened lazily)."""
        self._store = store
        self.phrases = phrases
        self.default_interval = default_interval
        self.zone = ZoneInfo(timezone)
        self.clock = clock

    @property
    def store(self) -> Store:
        """The store (opened on first use)."""
        return self._store()

    def handle(
        self, command: FeedCommand, *, may_manage: bool, added_by: Destination | None = None
    ) -> Reply:
        """Answer one feed command typed in ``added_by`` (None: the command line)."""
        platform = added_by.platform if added_by is not None else None
        match command:
            case FeedAdd(url, interval):
                return self._guarded(may_manage, platform) or self.add(url, interval, added_by)
            case FeedRemove(which, typed):
                return self._guarded(may_manage, platform) or self.remove(which, typed, platform)
            case FeedList():
                return self.list(platform)
            case FeedHelp(unknown):
                return self.help(unknown, platform)

    def _say(self, template: str, platform: str | None, **values: object) -> Paragraph:
        """A sentence whose commands are shown as typed on ``platform``."""
        return self.phrases.say(template, platform, **values)

    def _guarded(self, may_manage: bool, platform: str | None = None) -> Reply | None:
        if may_manage:
            return None
        return Reply((self._say(self.phrases.feed.not_allowed, platform),), kind=ReplyKind.PROBLEM)

    def help(self, unknown: str | None = None, platform: str | None = None) -> Reply:
        """The feed commands, after naming an unknown subcommand if there was one."""
        feed = self.phrases.feed
        default = feed.duration(self.default_interval)
        lines = [self._say(line, platform, default=default) for line in feed.help]
        if unknown:
            lines.insert(0, paragraph(feed.unknown.format(word=unknown)))
        return Reply.info(lines[0], *((Span("• "), *line) for line in lines[1:]))

    def add(self, url: str, interval: str | None, added_by: Destination | None = None) -> Reply:
        """Record a feed, due at once; the reply names its number and interval."""
        feed = self.phrases.feed
        platform = added_by.platform if added_by is not None else None
        if not valid_feed_url(url):
            return _problem(self._say(feed.bad_url, platform, url=url[:200]))
        minutes = self.default_interval if interval is None else parse_interval(interval)
        if minutes is None:
            return _problem(paragraph(feed.bad_interval.format(value=interval)))
        feeds = self.store.feeds()
        for number, existing in enumerate(feeds, start=1):
            if _same_address(existing.url, url):
                return _problem(self._say(feed.exists, platform, number=number))
        self.store.add_feed(NewFeed(url, minutes, self.clock(), added_by))
        interval_words = feed.duration(minutes)
        return Reply.info(
            self._say(feed.added, platform, number=len(feeds) + 1, url=url, interval=interval_words)
        )

    def remove(self, which: int | None, typed: str = "", platform: str | None = None) -> Reply:
        """Remove feed number ``which`` of ``feed list`` (the only one when None)."""
        feed = self.phrases.feed
        if which is None and typed:
            return _problem(self._say(feed.not_a_number, platform, value=typed))
        feeds = self.store.feeds()
        if not feeds:
            return Reply.info(self._say(feed.none, platform))
        if which is None and len(feeds) > 1:
            return _problem(self._say(feed.remove_which, platform, count=len(feeds)))
        number = which or 1
        if not 1 <= number <= len(feeds):
            return _problem(self._say(feed.no_such, platform, number=number))
        gone = feeds[number - 1]
        self.store.remove_feed(gone.id)
        return Reply.info(feed.removed.format(url=gone.url, count=gone.article_count))

    def list(self, platform: str | None = None) -> Reply:
        """Every feed, numbered: interval, last fetch, article count, and its state."""
        feeds = self.store.feeds()
        if not feeds:
            return Reply.info(self._say(self.phrases.feed.none, platform))
        lines = [self.phrases.feed.heading]
        lines.extend(self.describe(number, f) for number, f in enumerate(feeds, start=1))
        return Reply.info(*lines)

    def describe(self, number: int, feed: Feed) -> str:
        """One line of ``feed list``."""
        phrases = self.phrases.feed
        name = f"{feed.title} ({feed.url})" if feed.title else feed.url
        last = feed.last_fetch
        return phrases.line.format(
            number=number,
            name=name,
            interval=phrases.duration(feed.interval_minutes),
            last=self.phrases.moment(last.astimezone(self.zone)) if last else phrases.not_fetched,
            count=feed.article_count,
            status=phrases.problem(feed.last_error) if feed.last_error else phrases.healthy,
        )


def _same_address(a: str, b: str) -> bool:
    def key(url: str) -> tuple[str, str, str]:
        parts = urlsplit(url)
        path = parts.path.rstrip("/")
        query = f"?{parts.query}" if parts.query else ""
        return (parts.scheme.lower(), (parts.netloc or "").lower(), path + query)

    return key(a) == key(b)


def _problem(sentence: Paragraph) -> Reply:
    return Reply((sentence,), kind=ReplyKind.PROBLEM)
