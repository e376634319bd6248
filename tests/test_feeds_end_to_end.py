"""Feeds end to end: ``feed add`` in the console, a fetch from a local site, the new article
answered by ``ask`` and delivered once by a digest, across a restart.

The site is on 127.0.0.1, so the SSRF guard is switched off by its setting
(``feeds_allow_private``), in this test only. Everything else is the real thing: the console
shell, the core, the SQLite store, the HTTP feed source (aiohttp, feedparser, trafilatura), the
feed loop writing Markdown articles, the live archive's reload and the delivery loop.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
from pathlib import Path

from adapters.console.shell import run_shell
from bot import (
    CONSOLE,
    ArticleWriter,
    Destination,
    Digest,
    FeedLoop,
    Newsdesk,
    ReplyKind,
    Settings,
    build_newsdesk,
    feed_policy,
)
from bot.delivery import DeliveryLoop
from ingest import HttpFeedSource
from tests.bot.test_delivery import FakeClock
from tests.conftest import SEEDS, make_settings
from tests.ingest.feed_server import feed_site

FRIDAY_0700_UTC = dt.datetime(2026, 11, 20, 7, 0, tzinfo=dt.UTC)  # 08:00 in Berlin


class Recorder:
    """The console's poster, keeping what it posts."""

    def __init__(self) -> None:
        self.posts: list[tuple[Destination, Digest]] = []

    async def post(
        self, destination: Destination, digest: Digest, *, delivery_id: int | None = None
    ) -> str | None:
        self.posts.append((destination, digest))
        return None


def settings_for(tmp_path: Path) -> Settings:
    articles = tmp_path / "articles"
    if not articles.exists():
        shutil.copytree(SEEDS, articles)
    return make_settings(
        tmp_path / "data",
        articles_dir=articles,
        feeds_allow_private=True,  # the local site is on 127.0.0.1
        feeds_host_delay_seconds=0,
    )


def feed_loop(core: Newsdesk, settings: Settings, clock: FakeClock) -> FeedLoop:
    assert core.desk is not None
    return FeedLoop(
        core.desk.store,
        HttpFeedSource.from_settings(settings),
        ArticleWriter(settings.feeds_dir),
        clock,
        feed_policy(settings),
    )


async def test_feed_add_fetch_ask_digest_once_across_a_restart(tmp_path: Path) -> None:
    clock = FakeClock(FRIDAY_0700_UTC)
    settings = settings_for(tmp_path)
    async with feed_site() as site:
        core = build_newsdesk(settings, clock=clock.now)
        typed = f"digest subscribe daily 09:00\nfeed add {site.base}/rss.xml every 30m\nfeed list\n"
        out = io.StringIO()
        assert await run_shell(core, io.StringIO(typed), out) == 0
        shown = out.getvalue()
        assert f"Feed 1 hinzugefügt: {site.base}/rss.xml, abgerufen alle 30 Minuten." in shown
        assert "zuletzt abgerufen noch nicht; 0 Artikel; in Ordnung" in shown

        fetcher = feed_loop(core, settings, clock)
        [outcome] = await fetcher.run_due()
        await fetcher.source.close()
        assert (len(outcome.added), outcome.error) == (2, None)
        assert sorted(p.name for p in settings.feeds_dir.glob("*.md")) == sorted(
            f"{article_id}.md" for article_id in outcome.added
        )
        assert core.archive.reload_if_changed()  # what the running bot's watcher does

        answer = core.handle("ask Wann liefert Nvidia die Vera-Rubin-Chips aus?", CONSOLE)
        assert answer.kind is ReplyKind.ANSWER
        assert "Frühjahr" in answer.text
        assert answer.sources[0].url == f"{site.base}/articles/chips.html"
        assert answer.sources[0].publisher == "Techblog"
        listed = core.handle("feed list", CONSOLE).text
        assert "KI-Nachrichten" in listed
        assert "2 Artikel; in Ordnung" in listed

        assert core.desk is not None
        poster = Recorder()
        delivery = DeliveryLoop(core.desk.store, core.desk.digests, {"console": poster}, clock)
        clock.advance(dt.timedelta(hours=1))  # 09:00 in Berlin
        [run] = await delivery.run_due()
        assert run.status == "posted"
        [(where, digest)] = poster.posts
        assert where == CONSOLE.destination
        delivered = {item.article_id for item in digest.items}
        assert set(outcome.added) <= delivered  # the feed's articles are the newest
        for item in digest.items:
            assert "@everyone" not in " ".join(item.summary)  # the page's ping is defused
        core.desk.store.close()

        # restart: a new core over the same data folder and database
        again = build_newsdesk(settings, clock=clock.now)
        assert again.desk is not None
        assert {a.id for a in again.knowledge.articles} >= set(outcome.added)
        restarted = again.handle("ask Wie viele Qubits hat der Prozessor in München?", CONSOLE)
        assert restarted.kind is ReplyKind.ANSWER
        assert "200" in restarted.text

        refetch = feed_loop(again, settings, clock)
        clock.advance(dt.timedelta(minutes=30))
        [second] = await refetch.run_due()
        assert second.not_modified  # the ETag was kept across the restart
        site.etag = '"rss-v2"'  # the feed changes its validator but not its items
        clock.advance(dt.timedelta(minutes=30))
        [third] = await refetch.run_due()
        await refetch.source.close()
        assert (third.added, third.known) == ((), 2)
        assert len(list(settings.feeds_dir.glob("*.md"))) == 2

        later = Recorder()
        delivery = DeliveryLoop(again.desk.store, again.desk.digests, {"console": later}, clock)
        assert await delivery.recover() == 0
        clock.advance(dt.timedelta(days=1))
        [next_run] = await delivery.run_due()
        assert next_run.status == "nothing_new"
        assert later.posts == []  # delivered once, not again after the restart
        again.desk.store.close()
