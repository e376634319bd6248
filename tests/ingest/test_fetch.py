"""The fetcher and the feed source against a local site on 127.0.0.1.

The SSRF guard is switched off here only by its setting (``allow_private``), since the site is on
the loopback address; ``test_guard.py`` checks that it refuses the same site by default.
"""

from __future__ import annotations

import datetime as dt
import ipaddress

import pytest

from bot import FeedProblem
from ingest import USER_AGENT, Fetcher, FetchLimits, HttpFeedSource, retry_after_seconds
from tests.ingest.feed_server import ETAG, MODIFIED, NOW, feed_site

OPEN = FetchLimits(timeout=5.0, host_delay=0.0, allow_private=True)


async def problem_of(source: HttpFeedSource, url: str) -> FeedProblem:
    """The problem fetching ``url`` as a feed raises (the test fails if none)."""
    with pytest.raises(FeedProblem) as caught:
        await source.fetch_feed(url)
    return caught.value


async def test_an_rss_feed_is_read_with_its_items_and_validators() -> None:
    async with feed_site() as site:
        source = HttpFeedSource(OPEN)
        try:
            fetched = await source.fetch_feed(f"{site.base}/rss.xml")
        finally:
            await source.close()
    assert (fetched.title, fetched.language, fetched.not_modified) == (
        "KI-Nachrichten",
        "de",
        False,
    )
    assert (fetched.etag, fetched.last_modified) == (ETAG, MODIFIED)
    assert [e.guid for e in fetched.entries] == ["chips-1", "quanten-1"]
    first = fetched.entries[0]
    assert first.title == "Neue KI-Chips von Nvidia"
    assert first.link == f"{site.base}/articles/chips.html?utm_source=rss"
    assert first.published == NOW
    assert first.content == "Kurzfassung: Neue KI-Chips von Nvidia."
    _, headers = site.requests[0]
    assert headers["User-Agent"] == USER_AGENT
    assert "Newsdesk" in USER_AGENT


async def test_an_atom_feed_is_read() -> None:
    async with feed_site() as site:
        source = HttpFeedSource(OPEN)
        try:
            fetched = await source.fetch_feed(f"{site.base}/atom.xml")
        finally:
            await source.close()
    (entry,) = fetched.entries
    assert fetched.title == "Forschung aktuell"
    assert (entry.guid, entry.title) == ("urn:uuid:quanten-1", "Quantenprozessor in München")
    assert entry.link == f"{site.base}/articles/quanten.html"
    assert entry.published == dt.datetime(2026, 11, 19, 10, 0, tzinfo=dt.UTC)


async def test_a_second_fetch_with_the_etag_is_not_modified() -> None:
    async with feed_site() as site:
        source = HttpFeedSource(OPEN)
        try:
            first = await source.fetch_feed(f"{site.base}/rss.xml")
            again = await source.fetch_feed(
                f"{site.base}/rss.xml", etag=first.etag, last_modified=first.last_modified
            )
        finally:
            await source.close()
    assert again.not_modified
    assert again.entries == ()
    assert again.etag == ETAG
    _, headers = site.requests[1]
    assert (headers["If-None-Match"], headers["If-Modified-Since"]) == (ETAG, MODIFIED)


async def test_last_modified_alone_is_sent_and_honoured() -> None:
    async with feed_site() as site:
        site.etag = ""
        source = HttpFeedSource(OPEN)
        try:
            again = await source.fetch_feed(f"{site.base}/rss.xml", last_modified=MODIFIED)
        finally:
            await source.close()
    assert again.not_modified


async def test_a_redirect_is_followed_to_the_feed() -> None:
    async with feed_site() as site:
        source = HttpFeedSource(OPEN)
        try:
            fetched = await source.fetch_feed(f"{site.base}/moved.xml")
        finally:
            await source.close()
    assert fetched.url == f"{site.base}/rss.xml"
    assert len(fetched.entries) == 2
    assert site.paths() == ["/moved.xml", "/rss.xml"]


async def test_redirects_are_limited() -> None:
    async with feed_site() as site:
        source = HttpFeedSource(FetchLimits(host_delay=0.0, allow_private=True, max_redirects=3))
        try:
            problem = await problem_of(source, f"{site.base}/loop/0")
        finally:
            await source.close()
    assert problem.code == "too_many_redirects:3"
    assert site.paths() == ["/loop/0", "/loop/1", "/loop/2", "/loop/3"]


@pytest.mark.parametrize(
    ("path", "code", "retry_after"),
    [
        ("/busy.xml", "rate_limited:120", 120.0),
        ("/unavailable.xml", "rate_limited:30", 30.0),
        ("/gone.xml", "not_found:404", None),
        ("/broken.xml", "not_a_feed", None),
        ("/latin1.xml", "not_utf8", None),
    ],
)
async def test_a_bad_feed_is_one_problem(path: str, code: str, retry_after: float | None) -> None:
    async with feed_site() as site:
        source = HttpFeedSource(OPEN)
        try:
            problem = await problem_of(source, f"{site.base}{path}")
        finally:
            await source.close()
    assert (problem.code, problem.retry_after) == (code, retry_after)


async def test_a_slow_server_times_out() -> None:
    async with feed_site() as site:
        source = HttpFeedSource(FetchLimits(timeout=0.3, host_delay=0.0, allow_private=True))
        try:
            problem = await problem_of(source, f"{site.base}/slow.xml")
        finally:
            await source.close()
    assert problem.code == "timeout"


async def test_a_body_over_the_size_cap_is_refused() -> None:
    async with feed_site() as site:
        source = HttpFeedSource(FetchLimits(max_bytes=10_000, host_delay=0.0, allow_private=True))
        try:
            problem = await problem_of(source, f"{site.base}/big.xml")
        finally:
            await source.close()
    assert problem.code == "too_large:10000"


async def test_tls_to_a_plain_http_server_is_a_tls_problem() -> None:
    async with feed_site() as site:
        source = HttpFeedSource(OPEN)
        try:
            problem = await problem_of(
                source, site.base.replace("http://", "https://") + "/rss.xml"
            )
        finally:
            await source.close()
    assert problem.code == "tls"


async def test_a_refused_connection_is_a_connection_problem() -> None:
    async with feed_site() as site:
        base = site.base
    source = HttpFeedSource(OPEN)  # the site has stopped: its port refuses
    try:
        problem = await problem_of(source, f"{base}/rss.xml")
    finally:
        await source.close()
    assert problem.code == "connection"


async def test_an_article_page_gives_its_text_and_metadata_without_the_page_around_it() -> None:
    async with feed_site() as site:
        source = HttpFeedSource(OPEN)
        try:
            page = await source.fetch_article(f"{site.base}/articles/chips.html?utm_source=rss")
        finally:
            await source.close()
    assert page.url == f"{site.base}/articles/chips.html"  # the canonical address
    assert (page.title, page.publisher, page.language) == (
        "Neue KI-Chips von Nvidia",
        "Techblog",
        "de",
    )
    assert page.published == dt.date(2026, 11, 19)
    assert "Vera Rubin" in page.text
    assert "doppelt so schnell" in page.text
    for chrome in ("Impressum", "Abo", "Erster!", "Mehr zum Thema", "tracking"):
        assert chrome not in page.text


async def test_requests_to_one_host_keep_the_politeness_delay() -> None:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    async with feed_site() as site:
        limits = FetchLimits(host_delay=2.0, allow_private=True)
        fetcher = Fetcher(limits, monotonic=lambda: 100.0, sleep=sleep)
        try:
            await fetcher.get(f"{site.base}/atom.xml")
            await fetcher.get(f"{site.base}/atom.xml")
            await fetcher.get(site.base.replace("127.0.0.1", "localhost") + "/atom.xml")
        finally:
            await fetcher.close()
    assert waits == [2.0]  # the second request to 127.0.0.1 waited; localhost is another host
    assert len(site.requests) == 3


def test_retry_after_is_read_as_seconds_or_as_a_date() -> None:
    now = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
    assert retry_after_seconds("120") == 120.0
    assert retry_after_seconds("Fri, 20 Nov 2026 09:05:00 GMT", now) == 300.0
    assert retry_after_seconds("Fri, 20 Nov 2026 08:00:00 GMT", now) == 0.0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None


def test_the_user_agent_names_newsdesk() -> None:
    assert USER_AGENT.startswith("Newsdesk/")
    assert ipaddress.ip_address("127.0.0.1").is_loopback  # the site the tests use is loopback
