"""The feed port over HTTP: :class:`HttpFeedSource` fetches with :mod:`ingest.http`, then parses."""

from __future__ import annotations

import asyncio

from bot import ArticlePage, FeedFetch, Settings
from ingest.extract import extract_article
from ingest.http import Fetcher, FetchLimits
from ingest.parse import parse_feed

__all__ = ["HttpFeedSource"]

_FEED_TYPES = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9"


class HttpFeedSource:
    """Implements :class:`bot.FeedSource`: feeds by feedparser, pages by trafilatura."""

    def __init__(self, limits: FetchLimits | None = None, *, fetcher: Fetcher | None = None):
        """Fetch within ``limits`` (or through the given ``fetcher``)."""
        self.fetcher = fetcher or Fetcher(limits)

    @classmethod
    def from_settings(cls, settings: Settings) -> HttpFeedSource:
        """A source within the ``NEWSDESK_FEEDS_*`` limits."""
        return cls(
            FetchLimits(
                timeout=settings.feeds_timeout_seconds,
                max_bytes=settings.feeds_max_bytes,
                host_delay=settings.feeds_host_delay_seconds,
                allow_private=settings.feeds_allow_private,
            )
        )

    async def fetch_feed(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FeedFetch:
        """Fetch and parse a feed, conditionally when validators are given."""
        response = await self.fetcher.get(
            url, etag=etag, last_modified=last_modified, accept=_FEED_TYPES
        )
        new_etag = response.headers.get("ETag") or etag
        new_modified = response.headers.get("Last-Modified") or last_modified
        if response.status == 304:
            return FeedFetch(response.url, True, etag=new_etag, last_modified=new_modified)
        return await asyncio.to_thread(  # parsing a big feed is CPU work: off the event loop
            parse_feed,
            response.body,
            response.url,
            charset=response.charset,
            etag=new_etag,
            last_modified=new_modified,
        )

    async def fetch_article(self, url: str) -> ArticlePage:
        """Fetch an article page and extract its text and metadata."""
        response = await self.fetcher.get(url, accept="text/html, application/xhtml+xml")
        charset = response.charset or "utf-8"
        try:
            html = response.body.decode(charset)
        except (LookupError, UnicodeDecodeError):
            html = response.body.decode("utf-8", errors="replace")
        return await asyncio.to_thread(extract_article, html, response.url)

    async def close(self) -> None:
        """Close the HTTP session."""
        await self.fetcher.close()
