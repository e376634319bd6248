"""Feeds into :class:`bot.FeedFetch` values: feedparser for RSS 0.9x/1.0/2.0 and Atom.

A body declared (or, for XML, assumed) to be UTF-8 that is not is refused as ``not_utf8``
before feedparser sees it, so no mojibake reaches the archive; a feed declaring another charset
(``ISO-8859-1``) is decoded by feedparser. A body that feedparser recognises as no feed format
at all (an HTML page, garbage) is ``not_a_feed``. A slightly broken feed whose items could be
read (feedparser's ``bozo`` with a version) is accepted, as feed readers do.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from html.parser import HTMLParser
from typing import Any

import feedparser

from bot import FeedEntry, FeedFetch, FeedProblem

__all__ = ["html_to_text", "parse_feed"]

_PROLOG = re.compile(rb"""^\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_UTF8 = frozenset({"utf-8", "utf8"})
_BLOCKS = frozenset({"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section"})


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """The text of an HTML fragment: tags dropped, paragraphs kept as blank-line breaks."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    paragraphs = (" ".join(p.split()) for p in "".join(parser.parts).split("\n\n"))
    return "\n\n".join(p for p in paragraphs if p)


def _declared_encoding(body: bytes, charset: str | None) -> str:
    if charset:
        return charset.lower()
    match = _PROLOG.match(body[:200])
    return match.group(1).decode("ascii").lower() if match else "utf-8"


def _when(entry: Any) -> dt.datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if parsed:
            return dt.datetime.fromtimestamp(calendar.timegm(parsed), dt.UTC)
    return None


def _content(entry: Any) -> str:
    for part in entry.get("content") or ():
        if part.get("value"):
            return html_to_text(str(part["value"]))
    return html_to_text(str(entry.get("summary") or ""))


def _entry(entry: Any) -> FeedEntry:
    return FeedEntry(
        guid=str(entry["id"]) if entry.get("id") else None,
        link=str(entry["link"]) if entry.get("link") else None,
        title=" ".join(html_to_text(str(entry.get("title") or "")).split()),
        published=_when(entry),
        content=_content(entry),
    )


def parse_feed(
    body: bytes,
    url: str,
    *,
    charset: str | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
) -> FeedFetch:
    """Parse a feed's body (read from ``url``; ``charset`` from its Content-Type).

    Raises:
        FeedProblem: ``not_utf8`` or ``not_a_feed``.
    """
    if _declared_encoding(body, charset) in _UTF8:
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            raise FeedProblem("not_utf8") from None
    headers = {"content-location": url}
    if charset:
        headers["content-type"] = f"application/xml; charset={charset}"
    parsed = feedparser.parse(body, response_headers=headers)
    if not parsed.get("version") and not parsed.entries:
        raise FeedProblem("not_a_feed")
    feed = parsed.get("feed", {})
    language = str(feed.get("language") or "").split("-")[0].lower() or None
    return FeedFetch(
        url=url,
        not_modified=False,
        title=" ".join(str(feed.get("title") or "").split()),
        language=language,
        entries=tuple(_entry(e) for e in parsed.entries),
        etag=etag,
        last_modified=last_modified,
    )
