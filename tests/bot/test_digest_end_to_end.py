"""Digests end to end: the real core and archive, a SQLite store, the delivery loop, a fake clock.

A channel subscribes through the command grammar; the loop posts at the scheduled times; a new
article dropped into the folder reaches the channel once, in the next digest, also across a
restart (a new store and loop over the same database file).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
from pathlib import Path

from bot import Destination, Digest, Newsdesk, RequestContext, build_newsdesk
from bot.delivery import DeliveryLoop
from bot.sqlite_store import SqliteStore
from tests.bot.test_delivery import FakeClock
from tests.conftest import SEEDS, make_settings

MONDAY_0700_UTC = dt.datetime(2026, 11, 23, 7, 0, tzinfo=dt.UTC)  # 08:00 in Berlin
TEAM = RequestContext(Destination("slack", "CTEAM"), user="U1")


class Recorder:
    """A poster that keeps every digest it was asked to post."""

    def __init__(self) -> None:
        self.posts: list[tuple[Destination, Digest]] = []

    async def post(
        self, destination: Destination, digest: Digest, *, delivery_id: int | None = None
    ) -> str | None:
        self.posts.append((destination, digest))
        return f"msg-{len(self.posts)}"


def ids(digest: Digest) -> list[str]:
    return [item.article_id for item in digest.items]


def setup(tmp_path: Path, clock: FakeClock) -> tuple[Newsdesk, SqliteStore, Path]:
    articles = tmp_path / "articles"
    if not articles.exists():
        shutil.copytree(SEEDS, articles)
    store = SqliteStore(tmp_path / "newsdesk.db")
    core = build_newsdesk(
        make_settings(tmp_path / "data", articles_dir=articles),
        store=lambda: store,
        clock=clock.now,
    )
    return core, store, articles


def add_article(articles: Path) -> None:
    (articles / "005_quarkbyte.md").write_text(
        "---\ntitle: Quarkbyte stellt Q-9 vor\nsource: Beispiel.de\npublished: 2026-11-23\n---\n"
        "Das Start-up Quarkbyte stellt das Sprachmodell Q-9 vor, das mit OpenAI konkurrieren "
        "soll. Es erscheint im Frühjahr.\n\nQuarkbyte sammelte dafür 40 Millionen Euro ein.\n",
        encoding="utf-8",
    )


def test_subscribe_deliver_add_an_article_restart(tmp_path: Path) -> None:
    async def scenario() -> None:
        clock = FakeClock(MONDAY_0700_UTC)
        core, store, articles = setup(tmp_path, clock)
        assert core.desk is not None
        reply = core.handle("digest subscribe daily 09:00", TEAM)
        assert reply.text.startswith("Abonniert: täglich um 09:00 (Europe/Berlin).")
        poster = Recorder()
        loop = DeliveryLoop(store, core.desk.digests, {"slack": poster}, clock)

        assert await loop.run_due() == []  # 08:00 Berlin: not yet due
        clock.advance(dt.timedelta(hours=1))  # 09:00 Berlin
        [outcome] = await loop.run_due()
        assert outcome.status == "posted"
        [(destination, first)] = poster.posts
        assert destination == TEAM.destination
        assert len(first.items) == 3  # a first digest shows the latest few
        assert len(first.older) == 2  # and counts the rest, which will not trickle in later
        assert store.sent_articles(TEAM.destination) == {a.id for a in core.knowledge.articles}

        clock.advance(dt.timedelta(days=1))  # nothing new the next day: no post
        [outcome] = await loop.run_due()
        assert outcome.status == "nothing_new"
        assert len(poster.posts) == 1

        add_article(articles)  # while running
        assert await core.archive.refresh()
        store.close()

        # restart: a new store and loop over the same file, the next morning
        clock.advance(dt.timedelta(days=1))
        core, store, _ = setup(tmp_path, clock)
        assert core.desk is not None
        poster = Recorder()
        loop = DeliveryLoop(store, core.desk.digests, {"slack": poster}, clock)
        assert await loop.recover() == 0
        [outcome] = await loop.run_due()
        assert outcome.status == "posted"
        [(_, second)] = poster.posts
        assert ids(second) == ["005_quarkbyte"]  # only the new article, once
        assert second.items[0].title == "Quarkbyte stellt Q-9 vor"
        assert second.older == ()
        store.close()

    asyncio.run(asyncio.wait_for(scenario(), timeout=30))


def test_a_topic_subscription_gets_only_relevant_articles(tmp_path: Path) -> None:
    async def scenario() -> None:
        clock = FakeClock(MONDAY_0700_UTC)
        core, store, _ = setup(tmp_path, clock)
        assert core.desk is not None
        core.handle("digest subscribe daily 08:00 about Windsurf", TEAM)
        poster = Recorder()
        loop = DeliveryLoop(store, core.desk.digests, {"slack": poster}, clock)
        clock.advance(dt.timedelta(days=1))
        await loop.run_due()
        [(_, digest)] = poster.posts
        assert ids(digest) == ["002_702a485bbd3150d5"]
        assert digest.topic == "Windsurf"
        store.close()

    asyncio.run(asyncio.wait_for(scenario(), timeout=30))
