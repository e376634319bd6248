"""The feed port: what the core asks of the network part (``ingest/``), as plain values.

The core never does HTTP itself. :class:`FeedSource` is implemented by :mod:`ingest`, which
fetches and parses a feed (:meth:`FeedSource.fetch_feed`) and one article page
(:meth:`FeedSource.fetch_article`); tests pass a fake. Everything that can go wrong on the way is
a :class:`FeedProblem` with a ``kind`` that the bot turns into a sentence (``feed list``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal, Protocol

__all__ = [
    "PROBLEM_KINDS",
    "ArticlePage",
    "FeedEntry",
    "FeedFetch",
    "FeedProblem",
    "FeedSource",
    "ProblemKind",
]

ProblemKind = Literal[
    "bad_url",  # not http(s), no host, credentials in the address
    "blocked",  # a loopback or private address (SSRF guard)
    "not_found",  # 404 or 410
    "http_error",  # another non-success status (detail: the status)
    "rate_limited",  # 429 or 503 (detail: Retry-After seconds, if given)
    "timeout",
    "tls",  # certificate or TLS handshake failure
    "connection",  # DNS failure, refused, reset
    "too_large",  # over the size cap (detail: the cap in bytes)
    "too_many_redirects",
    "not_utf8",  # declared (or assumed) UTF-8 but is not
    "not_a_feed",  # neither RSS nor Atom (or, for a page, no article text)
    "internal",  # a bug: logged with its traceback
]
PROBLEM_KINDS: frozenset[str] = frozenset(ProblemKind.__args__)  # type: ignore[attr-defined]


class FeedProblem(Exception):  # noqa: N818 -- a problem of a feed, not an error of the bot
    """A feed or page could not be fetched or read; ``kind`` says why (see :data:`ProblemKind`).

    Attributes:
        kind: What went wrong.
        detail: A number or word that completes the sentence (an HTTP status, a size), or "".
        retry_after: Seconds the server asked to wait (429/503 ``Retry-After``), if it did.
    """

    def __init__(self, kind: ProblemKind, detail: str = "", *, retry_after: float | None = None):
        """Describe the problem; see the class attributes."""
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind: ProblemKind = kind
        self.detail = detail
        self.retry_after = retry_after

    @property
    def code(self) -> str:
        """The problem as stored (``"http_error:500"``); :meth:`bot.phrases` render it."""
        return f"{self.kind}:{self.detail}" if self.detail else self.kind


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One item of a feed, as the feed tells it (the page may tell more).

    Attributes:
        guid: The item's id (RSS ``guid``, Atom ``id``), or None.
        link: The item's page address, or None.
        title: The item's title, or "".
        published: When it was published (or last updated), aware, if the feed says.
        content: The item's own text (content or summary, tags removed), or "".
    """

    guid: str | None
    link: str | None
    title: str
    published: dt.datetime | None
    content: str


@dataclass(frozen=True, slots=True)
class FeedFetch:
    """The result of fetching a feed.

    Attributes:
        url: The address finally read (after redirects).
        not_modified: The server answered 304: nothing changed since ``etag``/``last_modified``.
        title: The feed's title, or "".
        language: The feed's language (``"de"``), if it says.
        entries: The items, in the feed's order.
        etag: The response's ``ETag``, for the next conditional request.
        last_modified: The response's ``Last-Modified``, likewise.
    """

    url: str
    not_modified: bool
    title: str = ""
    language: str | None = None
    entries: tuple[FeedEntry, ...] = ()
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class ArticlePage:
    """An article page's full text and metadata, as extracted from its HTML.

    Attributes:
        url: The canonical address (``<link rel=canonical>``, else the address read).
        title: The headline, or "".
        publisher: The site's name, if the page says.
        published: The publication date, if the page says.
        language: The page's language (``"de"``), if it says.
        text: The article's text, paragraphs separated by blank lines.
    """

    url: str
    title: str
    publisher: str | None
    published: dt.date | None
    language: str | None
    text: str


class FeedSource(Protocol):
    """Fetches feeds and article pages; implemented by :mod:`ingest` over HTTP."""

    async def fetch_feed(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FeedFetch:
        """Fetch and parse a feed, conditionally when validators are given.

        Raises:
            FeedProblem: the feed could not be fetched or is not a feed.
        """
        ...

    async def fetch_article(self, url: str) -> ArticlePage:
        """Fetch an article page and extract its text and metadata.

        Raises:
            FeedProblem: the page could not be fetched or holds no article text.
        """
        ...

    async def close(self) -> None:
        """Release connections."""
        ...
