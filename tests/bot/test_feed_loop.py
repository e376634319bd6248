"""The feed loop through a fake feed source: dedup, the first-run rule, age, backoff, isolation.

No network: the source is a test double typed to the :class:`bot.FeedSource` port.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest

from bot import ArticlePage, ArticleWriter, FeedEntry, FeedFetch, FeedLoop, FeedProblem, FeedSource
from bot.ingestion import FeedPolicy, canonical_url, content_hash
from bot.store import Feed, FeedFetchRecord, MemoryStore, NewFeed
from knowledge import load_articles

NOW = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
FEED = "https://news.example/rss"


class Clock:
    """A fixed time the test moves by hand."""

    def __init__(self, now: dt.datetime) -> None:
        self.at = now

    def now(self) -> dt.datetime:
        return self.at

    async def sleep(self, seconds: float) -> None:
        self.at += dt.timedelta(seconds=seconds)


def entry(
    n: int, *, days_old: int = 0, guid: str | None = None, link: str | None = None
) -> FeedEntry:
    """Item ``n`` of a feed, published ``days_old`` days before NOW."""
    return FeedEntry(
        guid=guid if guid is not None else f"guid-{n}",
        link=link if link is not None else f"https://news.example/a/{n}?utm_source=rss",
        title=f"Meldung {n}",
        published=NOW - dt.timedelta(days=days_old, minutes=n),
        content=f"Kurzfassung der Meldung {n}.",
    )


def page_for(url: str) -> ArticlePage:
    """The article page of an item's address: its number in the text."""
    number = url.split("/a/")[1].split("?", maxsplit=1)[0]
    return ArticlePage(
        url=f"https://news.example/a/{number}",
        title=f"Meldung {number}",
        publisher="News Example",
        published=NOW.date(),
        language="de",
        text=f"Der volle Text der Meldung {number} über Rechenzentren.\n\nZweiter Absatz.",
    )


@dataclass
class FakeSource:
    """Serves feeds from a dict; a FeedProblem value is raised instead."""

    feeds: dict[str, FeedFetch | Exception] = field(default_factory=dict)
    pages: dict[str, ArticlePage | FeedProblem] = field(default_factory=dict)
    asked: list[tuple[str, str | None]] = field(default_factory=list)
    pages_asked: list[str] = field(default_factory=list)
    closed: bool = False

    async def fetch_feed(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FeedFetch:
        self.asked.append((url, etag))
        result = self.feeds[url]
        if isinstance(result, Exception):
            raise result
        if etag is not None and etag == result.etag:
            return FeedFetch(url, True, etag=etag)
        return result

    async def fetch_article(self, url: str) -> ArticlePage:
        self.pages_asked.append(url)
        page = self.pages.get(url)
        if isinstance(page, FeedProblem):
            raise page
        return page or page_for(url)

    async def close(self) -> None:
        self.closed = True


def feed_of(*entries: FeedEntry, etag: str | None = '"v1"') -> FeedFetch:
    """A fetched feed with these entries."""
    return FeedFetch(FEED, False, "News Example", "de", entries, etag=etag)


@pytest.fixture
def store() -> MemoryStore:
    """An in-memory store."""
    return MemoryStore()


def loop_with(
    store: MemoryStore, source: FakeSource, folder: Path, clock: Clock | None = None, **policy: int
) -> FeedLoop:
    """A feed loop writing into ``folder``."""
    checked: FeedSource = source  # the fake fits the port
    return FeedLoop(
        store, checked, ArticleWriter(folder), clock or Clock(NOW), FeedPolicy(**policy)
    )


def add(store: MemoryStore, url: str = FEED, minutes: int = 30) -> Feed:
    """Add a feed at NOW."""
    return store.add_feed(NewFeed(url, minutes, NOW, None))


async def test_new_items_become_articles_the_loader_reads_with_their_metadata(
    store: MemoryStore, tmp_path: Path
) -> None:
    source = FakeSource({FEED: feed_of(entry(1), entry(2))})
    feed = add(store)
    (outcome,) = await loop_with(store, source, tmp_path).run_due()
    assert len(outcome.added) == 2
    loaded = load_articles(tmp_path)
    by_url = {a.url: a for a in loaded.articles}
    article = by_url["https://news.example/a/1"]
    assert (article.title, article.source, article.published) == (
        "Meldung 1",
        "News Example",
        NOW.date(),
    )
    assert article.text.startswith("Der volle Text der Meldung 1")
    assert article.id.startswith("feed-")
    assert "language: de" in article.path.read_text(encoding="utf-8")
    (stored,) = store.feeds()
    assert (stored.article_count, stored.last_error, stored.etag) == (2, None, '"v1"')
    assert stored.next_fetch == NOW + dt.timedelta(minutes=feed.interval_minutes)
    assert stored.title == "News Example"


async def test_a_refetch_adds_nothing_and_a_conditional_fetch_reads_nothing(
    store: MemoryStore, tmp_path: Path
) -> None:
    source = FakeSource({FEED: feed_of(entry(1), entry(2))})
    clock = Clock(NOW)
    loop = loop_with(store, source, tmp_path, clock)
    add(store)
    await loop.run_due()
    clock.at += dt.timedelta(hours=1)
    (again,) = await loop.run_due()
    assert again.not_modified
    assert again.added == ()
    assert source.asked[-1] == (FEED, '"v1"')  # the ETag went along
    source.feeds[FEED] = feed_of(entry(1), entry(2), etag='"v2"')  # changed, same items
    clock.at += dt.timedelta(hours=1)
    (third,) = await loop.run_due()
    assert (third.added, third.known) == ((), 2)
    assert len(list(tmp_path.glob("*.md"))) == 2
    assert store.feeds()[0].article_count == 2


async def test_an_item_is_recognised_by_guid_canonical_url_or_content(
    store: MemoryStore, tmp_path: Path
) -> None:
    loop = loop_with(store, FakeSource({FEED: feed_of(entry(1))}), tmp_path)
    add(store)
    await loop.run_due()
    source = FakeSource()
    other = "https://other.example/rss"
    republished = replace(entry(1), guid="new-guid")  # same address, new GUID
    moved = replace(entry(1), link="https://mirror.example/a/1")  # same GUID elsewhere
    copied = FeedEntry("copy", "https://copy.example/a/9", "Meldung 1", NOW, "")  # same text
    source.feeds[other] = FeedFetch(other, False, "Other", None, (republished, moved, copied))
    source.pages["https://copy.example/a/9"] = replace(
        page_for("https://news.example/a/1"), url="https://copy.example/a/9"
    )
    add(store, other)
    (outcome,) = await loop_with(store, source, tmp_path).run_due()
    assert (outcome.added, outcome.known) == ((), 3)
    assert len(list(tmp_path.glob("*.md"))) == 1


async def test_a_feeds_first_fetch_archives_everything_but_only_the_newest_reach_digests(
    store: MemoryStore, tmp_path: Path
) -> None:
    entries = [entry(n) for n in range(1, 8)]  # entry 1 is the newest
    source = FakeSource({FEED: feed_of(*entries)})
    clock = Clock(NOW)
    loop = loop_with(store, source, tmp_path, clock, first_fetch_items=3)
    add(store)
    (first,) = await loop.run_due()
    assert len(first.added) == 7
    quiet = store.quiet_articles()
    assert len(quiet) == 4
    loud = set(first.added) - quiet
    titles = {a.id: a.title for a in load_articles(tmp_path).articles}
    assert sorted(titles[i] for i in loud) == ["Meldung 1", "Meldung 2", "Meldung 3"]
    source.feeds[FEED] = feed_of(entry(0), *entries, etag='"v2"')  # one more item later
    clock.at += dt.timedelta(hours=1)
    (later,) = await loop.run_due()
    assert len(later.added) == 1
    assert store.quiet_articles() == quiet  # after the first fetch, every new item is offered


async def test_items_older_than_the_setting_are_skipped(store: MemoryStore, tmp_path: Path) -> None:
    source = FakeSource({FEED: feed_of(entry(1), entry(2, days_old=40), entry(3, days_old=29))})
    add(store)
    (outcome,) = await loop_with(store, source, tmp_path, max_age_days=30).run_due()
    assert (len(outcome.added), outcome.skipped_old) == (2, 1)
    assert "https://news.example/a/2" not in source.pages_asked  # not even fetched


async def test_a_page_that_fails_falls_back_to_the_feeds_own_text(
    store: MemoryStore, tmp_path: Path
) -> None:
    source = FakeSource({FEED: feed_of(entry(1))})
    source.pages["https://news.example/a/1"] = FeedProblem("not_found", "404")
    add(store)
    (outcome,) = await loop_with(store, source, tmp_path).run_due()
    (article,) = load_articles(tmp_path).articles
    assert outcome.added == (article.id,)
    assert article.text.strip() == "Kurzfassung der Meldung 1."
    assert article.url == "https://news.example/a/1"  # the canonical form of the item's link


async def test_a_failing_feed_backs_off_and_never_stops_the_others(
    store: MemoryStore, tmp_path: Path
) -> None:
    bad, broken = "https://bad.example/rss", "https://broken.example/rss"
    source = FakeSource(
        {FEED: feed_of(entry(1)), bad: FeedProblem("not_found", "404"), broken: RuntimeError("bug")}
    )
    clock = Clock(NOW)
    loop = loop_with(store, source, tmp_path, clock)
    for url in (bad, broken, FEED):
        add(store, url, minutes=30)
    outcomes = {o.url: o for o in await loop.run_due()}
    assert len(outcomes[FEED].added) == 1
    assert (outcomes[bad].error, outcomes[broken].error) == ("not_found:404", "internal")
    feeds = {f.url: f for f in store.feeds()}
    assert (feeds[bad].failures, feeds[bad].last_error) == (1, "not_found:404")
    assert feeds[bad].next_fetch == NOW + dt.timedelta(minutes=60)  # 30 min * 2**1
    clock.at = feeds[bad].next_fetch
    await loop.run_due()
    feeds = {f.url: f for f in store.feeds()}
    assert feeds[bad].failures == 2
    assert feeds[bad].next_fetch == clock.at + dt.timedelta(minutes=120)
    source.feeds[bad] = feed_of(entry(5))
    clock.at = feeds[bad].next_fetch
    await loop.run_due()
    healed = {f.url: f for f in store.feeds()}[bad]
    assert (healed.failures, healed.last_error, healed.article_count) == (0, None, 1)


async def test_backoff_is_capped_at_a_day_and_honours_retry_after(
    store: MemoryStore, tmp_path: Path
) -> None:
    busy = FeedProblem("rate_limited", "7200", retry_after=7200)
    source = FakeSource({FEED: busy})
    feed = add(store, minutes=5)
    loop = loop_with(store, source, tmp_path)
    await loop.run_due()
    assert store.feeds()[0].next_fetch == NOW + dt.timedelta(seconds=7200)  # not 10 minutes
    store.record_fetch(
        feed.id,
        FeedFetchRecord(NOW, NOW, "timeout", failures=20),
    )
    source.feeds[FEED] = FeedProblem("timeout")
    await loop.run_due()
    assert store.feeds()[0].next_fetch == NOW + dt.timedelta(days=1)


async def test_mass_mentions_in_feed_text_never_reach_the_archive(
    store: MemoryStore, tmp_path: Path
) -> None:
    loud = FeedEntry("g", None, "@everyone Neuer Chip <!channel>", NOW, "Text @here und @everyone.")
    add(store)
    await loop_with(store, FakeSource({FEED: feed_of(loud)}), tmp_path).run_due()
    text = next(tmp_path.glob("*.md")).read_text(encoding="utf-8")
    for ping in ("@everyone", "@here", "<!channel>"):
        assert ping not in text


async def test_the_loop_runs_until_stopped_and_closes_its_source(
    store: MemoryStore, tmp_path: Path
) -> None:
    import asyncio  # noqa: PLC0415

    source = FakeSource({FEED: feed_of(entry(1))})
    add(store)
    stop = asyncio.Event()
    loop = loop_with(store, source, tmp_path)
    task = asyncio.create_task(loop.run(stop))
    while not store.feeds()[0].last_fetch:
        await asyncio.sleep(0.01)
    stop.set()
    await asyncio.wait_for(task, timeout=5)
    assert source.closed


def test_front_matter_cannot_be_forged_by_feed_metadata(tmp_path: Path) -> None:
    writer = ArticleWriter(tmp_path)
    path = writer.write(
        "feed-1",
        title="Titel\nurl: https://evil.example/",
        text="Der Text.",
        source='Quelle"\npublished: 1999-01-01',
        published=None,
        language="de\nurl: https://evil.example/",
        url='https://news.example/a" onclick="x',
    )
    writer.publish()
    (article,) = load_articles(tmp_path).articles
    assert article.path == path
    assert (article.url, article.published) == (None, None)
    assert article.title == "Titel url: https://evil.example/"
    assert "language:" not in path.read_text(encoding="utf-8")


def test_written_articles_appear_together_when_published(tmp_path: Path) -> None:
    writer = ArticleWriter(tmp_path)
    for n in (1, 2):
        writer.write(f"feed-{n}", title=f"T{n}", text="Text.", source=None, published=None,
                     language=None, url=None)  # fmt: skip
    assert load_articles(tmp_path).articles == ()  # staged in a hidden folder: not yet read
    assert writer.publish() == 2
    assert [a.id for a in load_articles(tmp_path).articles] == ["feed-1", "feed-2"]
    assert writer.publish() == 0


async def test_a_fetch_publishes_what_a_crash_left_staged(
    store: MemoryStore, tmp_path: Path
) -> None:
    ArticleWriter(tmp_path).write(
        "feed-left", title="Liegen geblieben", text="Text.", source=None, published=None,
        language=None, url=None,
    )  # fmt: skip
    add(store)
    await loop_with(store, FakeSource({FEED: feed_of()}), tmp_path).run_due()
    assert [a.id for a in load_articles(tmp_path).articles] == ["feed-left"]


def test_canonical_urls_drop_fragments_tracking_and_default_ports() -> None:
    assert canonical_url("HTTPS://News.Example:443/a/1?utm_source=x&id=3#top") == (
        "https://news.example/a/1?id=3"
    )
    assert canonical_url("http://news.example:80") == "http://news.example/"
    assert canonical_url("ftp://news.example/a") is None
    assert canonical_url(None) is None


def test_content_hash_ignores_case_spacing_and_punctuation() -> None:
    assert content_hash("Titel", "Ein  Text, mit Zeichen!") == content_hash(
        "titel", "ein text mit zeichen"
    )
    assert content_hash("Titel", "Ein Text") != content_hash("Titel", "Ein anderer Text")
