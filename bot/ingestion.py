"""The feed loop: fetch due feeds through the :class:`~bot.feed_port.FeedSource` port, and write
each new item as a Markdown article into the feeds folder, which the live archive reads.

- **Each item becomes one article**, a file ``feed-<hash>.md`` with front matter (title, source,
  published, language, url) in the feeds folder (``<data>/feeds``). The archive watcher
  (:mod:`bot.archive`) sees the new file and re-indexes, so the article is answered and offered
  to digests without a restart.
- **Deduplication.** An item is recognised by its GUID, its canonical URL (fragment and tracking
  parameters dropped) and a hash of its normalised text, each kept in the store: a re-fetched,
  re-published or cross-posted item never becomes two articles. GUID and link are checked before
  the page is fetched, URL and hash after.
- **The first-run rule.** A feed's first successful fetch adds all its recent items to the
  archive (questions find them), but only the newest ``first_fetch_items`` reach digests; the
  others are recorded as quiet (:meth:`~bot.store.Store.quiet_articles`), so adding a feed with
  fifty items never floods a channel.
- **Age.** Items published more than ``max_age_days`` ago are skipped.
- **Failures.** A failing feed records its problem (shown by ``feed list``) and is retried with
  exponential backoff (``interval * 2**failures``, at most a day, at least a server's
  ``Retry-After``); a failing feed, or any exception, never stops the loop or the other feeds.
  A page that cannot be fetched falls back to the feed's own text for that item.
- Article text is untrusted: mass mentions are defused before it is written (the replies defuse
  it again on the way out).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import logging
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from bot.delivery import Clock
from bot.feed_port import ArticlePage, FeedEntry, FeedFetch, FeedProblem, FeedSource
from bot.replies import defuse_mass_mentions
from bot.settings import Settings
from bot.store import Feed, FeedFetchRecord, FeedItem, Store

__all__ = [
    "ArticleWriter",
    "FeedLoop",
    "FeedPolicy",
    "FetchOutcome",
    "canonical_url",
    "content_hash",
    "feed_policy",
]

log = logging.getLogger(__name__)

_TRACKING = re.compile(r"(?i)^(utm_[a-z]+|fbclid|gclid|mc_[a-z]+|ref|wt_mc|at_[a-z]+)$")
_MAX_BACKOFF = dt.timedelta(days=1)
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")  # what a front matter line may say the language is


def canonical_url(url: str | None) -> str | None:
    """An address in one spelling: scheme and host lower case, no fragment, no tracking query."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if not _TRACKING.match(k)])
    netloc = parts.netloc.lower()
    for scheme, port in (("http", ":80"), ("https", ":443")):
        if parts.scheme.lower() == scheme and netloc.endswith(port):
            netloc = netloc.removesuffix(port)
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", query, ""))


def content_hash(title: str, text: str) -> str:
    """A hash of an article's words: case, accents' composition, punctuation and spacing ignored."""
    words = re.findall(r"\w+", unicodedata.normalize("NFC", f"{title}\n{text}").casefold())
    return hashlib.sha256(" ".join(words).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class FeedPolicy:
    """How the loop treats feeds (from ``NEWSDESK_FEEDS_*``)."""

    max_age_days: int = 30
    first_fetch_items: int = 3
    max_items: int = 50  # items read from one fetch of one feed
    poll_seconds: float = 30.0


def feed_policy(settings: Settings) -> FeedPolicy:
    """The feed policy of the ``NEWSDESK_FEEDS_*`` settings."""
    return FeedPolicy(
        max_age_days=settings.feeds_max_age_days,
        first_fetch_items=settings.feeds_first_fetch_items,
        poll_seconds=settings.feeds_poll_seconds,
    )


@dataclass(frozen=True, slots=True)
class FetchOutcome:
    """What one fetch of one feed did."""

    feed_id: int
    url: str
    added: tuple[str, ...] = ()
    skipped_old: int = 0
    known: int = 0
    not_modified: bool = False
    error: str | None = None


def _quote(value: str) -> str:
    return '"' + " ".join(value.split()).replace('"', "'") + '"'


class ArticleWriter:
    """Writes feed items as Markdown articles into one folder, atomically and in batches.

    :meth:`write` stages a file in the hidden ``.incoming`` subfolder (which the archive never
    reads); :meth:`publish` moves every staged file into the folder at once. The feed loop
    publishes after each feed's fetch, so the archive re-indexes once per fetch rather than once
    per item (today a re-index costs a full rebuild: see docs/BENCHMARKS.md). Files a crash left
    staged are published by the next fetch.
    """

    def __init__(self, folder: Path) -> None:
        """Write into ``folder`` (created on the first write)."""
        self.folder = folder
        self.staging = folder / ".incoming"

    def write(
        self,
        article_id: str,
        *,
        title: str,
        text: str,
        source: str | None,
        published: dt.date | None,
        language: str | None,
        url: str | None,
    ) -> Path:
        """Write one article (a hidden temporary file renamed into place) and return its path."""
        lines = ["---", f"title: {_quote(defuse_mass_mentions(title))}"]
        if source:
            lines.append(f"source: {_quote(defuse_mass_mentions(source))}")
        if published:
            lines.append(f"published: {published.isoformat()}")
        if language and _LANGUAGE.match(language):
            lines.append(f"language: {language}")
        if url and not any(c.isspace() or c in "\"'<>" for c in url):
            lines.append(f"url: {url}")
        body = "\n\n".join(p.strip() for p in defuse_mass_mentions(text).split("\n\n") if p.strip())
        content = "\n".join([*lines, "---", "", body, ""])
        self.staging.mkdir(parents=True, exist_ok=True)
        staged = self.staging / f"{article_id}.md"
        temporary = self.staging / f".{article_id}.md.tmp"
        temporary.write_text(content, encoding="utf-8")
        os.replace(temporary, staged)
        return self.folder / staged.name

    def publish(self) -> int:
        """Move every staged article into the folder; return how many there were."""
        if not self.staging.is_dir():
            return 0
        moved = 0
        for staged in sorted(self.staging.glob("*.md")):
            os.replace(staged, self.folder / staged.name)
            moved += 1
        return moved


class FeedLoop:
    """Fetches due feeds and writes their new items; see the module docstring."""

    def __init__(
        self,
        store: Store,
        source: FeedSource,
        writer: ArticleWriter,
        clock: Clock,
        policy: FeedPolicy | None = None,
    ) -> None:
        """Wire the loop; nothing runs until :meth:`run` or :meth:`run_due`."""
        self.store, self.source, self.writer, self.clock = store, source, writer, clock
        self.policy = policy or FeedPolicy()

    async def run(self, stop: asyncio.Event) -> None:
        """Fetch due feeds every ``poll_seconds`` until ``stop`` is set."""
        while not stop.is_set():
            try:
                await self.run_due()
            except Exception:
                log.exception(
                    "feed loop pass failed; trying again in %s s", self.policy.poll_seconds
                )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self.policy.poll_seconds)
        await self.source.close()

    async def run_due(self) -> list[FetchOutcome]:
        """Fetch every due feed, concurrently (the source keeps hosts apart politely)."""
        due = await asyncio.to_thread(self.store.due_feeds, self.clock.now())
        return list(await asyncio.gather(*(self.fetch(feed) for feed in due)))

    async def fetch_all(self) -> list[FetchOutcome]:
        """Fetch every feed now, due or not (``newsdesk feeds fetch``)."""
        feeds = await asyncio.to_thread(self.store.feeds)
        return list(await asyncio.gather(*(self.fetch(feed) for feed in feeds)))

    async def fetch(self, feed: Feed) -> FetchOutcome:
        """Fetch one feed and record the outcome; never raises."""
        now = self.clock.now()
        try:
            result = await self.source.fetch_feed(
                feed.url, etag=feed.etag, last_modified=feed.last_modified
            )
            outcome = await self._add_items(feed, result, now)
        except FeedProblem as problem:
            return await self._failed(feed, now, problem)
        except Exception:
            log.exception("fetching feed %d (%s) failed", feed.id, feed.url)
            return await self._failed(feed, now, FeedProblem("internal"))
        finally:
            await asyncio.to_thread(self.writer.publish)  # one archive change per fetch
        record = FeedFetchRecord(
            at=now,
            next_fetch=now + dt.timedelta(minutes=feed.interval_minutes),
            error=None,
            failures=0,
            etag=result.etag,
            last_modified=result.last_modified,
            title=result.title or None,
        )
        await asyncio.to_thread(self.store.record_fetch, feed.id, record)
        if outcome.added:
            log.info("feed %d (%s): %d new articles", feed.id, feed.url, len(outcome.added))
        return outcome

    async def _failed(self, feed: Feed, now: dt.datetime, problem: FeedProblem) -> FetchOutcome:
        failures = feed.failures + 1
        backoff = min(dt.timedelta(minutes=feed.interval_minutes) * 2**failures, _MAX_BACKOFF)
        if problem.retry_after is not None:
            backoff = max(backoff, dt.timedelta(seconds=problem.retry_after))
        log.warning("feed %d (%s): %s; next try in %s", feed.id, feed.url, problem.code, backoff)
        record = FeedFetchRecord(now, now + backoff, problem.code, failures)
        await asyncio.to_thread(self.store.record_fetch, feed.id, record)
        return FetchOutcome(feed.id, feed.url, error=problem.code)

    async def _add_items(self, feed: Feed, result: FeedFetch, now: dt.datetime) -> FetchOutcome:
        if result.not_modified:
            return FetchOutcome(feed.id, feed.url, not_modified=True)
        first_fetch = feed.last_success is None
        cutoff = now - dt.timedelta(days=self.policy.max_age_days)
        newest_first = sorted(
            result.entries[: self.policy.max_items],
            key=lambda e: e.published or dt.datetime.max.replace(tzinfo=dt.UTC),
            reverse=True,
        )
        added: list[str] = []
        old = known = 0
        for entry in newest_first:
            if entry.published is not None and entry.published < cutoff:
                old += 1
                continue
            link = canonical_url(entry.link)
            if link is None and entry.link:  # a relative link: resolve it against the feed
                link = canonical_url(urljoin(result.url, entry.link))
            seen = await asyncio.to_thread(
                self.store.known_item, guid=entry.guid, url=link, content_hash=None
            )
            if seen is not None:
                known += 1
                continue
            quiet = first_fetch and len(added) >= self.policy.first_fetch_items
            article = await self._add_one(
                feed, entry, link=link, result=result, cutoff=cutoff, now=now, quiet=quiet
            )
            if article == "old":
                old += 1
            elif article == "known":
                known += 1
            elif article is not None:
                added.append(article)
        return FetchOutcome(feed.id, feed.url, tuple(added), old, known)

    async def _add_one(
        self,
        feed: Feed,
        entry: FeedEntry,
        *,
        link: str | None,
        result: FeedFetch,
        cutoff: dt.datetime,
        now: dt.datetime,
        quiet: bool,
    ) -> str | None:
        """Add one item; return its article id, ``"old"``, ``"known"`` or None (no text)."""
        page: ArticlePage | None = None
        if link is not None:
            try:
                page = await self.source.fetch_article(link)
            except FeedProblem as problem:
                log.info("article page %s: %s; using the feed's text", link, problem.code)
        text = page.text if page is not None and len(page.text) >= len(entry.content) else ""
        text = text or entry.content
        if not text.strip():
            return None
        title = entry.title or (page.title if page else "") or text.split("\n")[0][:120]
        url = canonical_url(page.url) if page is not None else None
        url = url or link
        published = (page.published if page else None) or (
            entry.published.date() if entry.published else None
        )
        if published is not None and published < cutoff.date():
            return "old"
        digest = content_hash(title, text)
        seen = await asyncio.to_thread(
            self.store.known_item, guid=None, url=url, content_hash=digest
        )
        if seen is not None:
            return "known"
        key = url or entry.guid or digest
        article_id = "feed-" + hashlib.sha256(key.encode()).hexdigest()[:16]
        await asyncio.to_thread(
            self.writer.write,
            article_id,
            title=title,
            text=text,
            source=(page.publisher if page else None) or result.title or None,
            published=published,
            language=(page.language if page else None) or result.language,
            url=url,
        )
        item = FeedItem(article_id, feed.id, entry.guid, url, digest, now, quiet=quiet)
        await asyncio.to_thread(self.store.add_feed_item, item)
        return article_id
