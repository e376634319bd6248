"""The network part of feeds: HTTP fetching with an SSRF guard, feed parsing, article extraction.

It implements the core's feed port (:class:`bot.FeedSource`) and is wired in by the entry point
(``adapters/cli.py``); the core never imports it. ``knowledge/`` stays a pure library.
"""

from ingest import guard
from ingest.extract import extract_article
from ingest.guard import GuardedResolver, check_url, is_public
from ingest.http import USER_AGENT, Fetcher, FetchLimits, Response, retry_after_seconds
from ingest.parse import html_to_text, parse_feed
from ingest.source import HttpFeedSource

__all__ = [
    "USER_AGENT",
    "FetchLimits",
    "Fetcher",
    "GuardedResolver",
    "HttpFeedSource",
    "Response",
    "check_url",
    "extract_article",
    "guard",
    "html_to_text",
    "is_public",
    "parse_feed",
    "retry_after_seconds",
]
