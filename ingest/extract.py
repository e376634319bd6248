"""Article pages into :class:`bot.ArticlePage` values: trafilatura for text and metadata.

trafilatura finds the article's main text (not the navigation, the footer or the comments) and
its metadata: the headline, the site's name, the publication date and the canonical address.
The page's language comes from ``<html lang>`` when trafilatura leaves it out.
"""

from __future__ import annotations

import datetime as dt
import re

import trafilatura

from bot import ArticlePage, FeedProblem

__all__ = ["extract_article"]

_LANG = re.compile(r"""<html\b[^>]*\blang\s*=\s*["']?([A-Za-z]{2,3})""", re.IGNORECASE)


def _date(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def extract_article(html: str, url: str) -> ArticlePage:
    """Extract an article page read from ``url``.

    Raises:
        FeedProblem: ``not_a_feed`` stands for "no article text on the page" here.
    """
    document = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_tables=False)
    text = getattr(document, "text", None) if document is not None else None
    if not text or not text.strip():
        raise FeedProblem("not_a_feed", "no article text")
    title = (getattr(document, "title", None) or "").strip()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if lines and title and lines[0] == title:  # the headline is in the front matter already
        lines = lines[1:]
    language = getattr(document, "language", None)
    if not language and (match := _LANG.search(html[:4096])):
        language = match.group(1).lower()
    return ArticlePage(
        url=getattr(document, "url", None) or url,
        title=title,
        publisher=(getattr(document, "sitename", None) or "").strip() or None,
        published=_date(getattr(document, "date", None)),
        language=language,
        text="\n\n".join(lines),
    )
