"""The runtime's settings: the delivery poll interval, the lease length, and the feed loop."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

from bot import FeedSource, build_newsdesk
from bot.runtime import Runtime
from bot.store import MemoryStore
from tests.bot.test_feed_loop import FEED, FakeSource, entry, feed_of
from tests.conftest import make_settings


def test_the_delivery_loop_polls_at_the_configured_interval(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, digest_poll_seconds=2.5)
    store = MemoryStore()
    core = build_newsdesk(settings, store=lambda: store)
    assert Runtime(core, {}, settings).loop.poll_interval == 2.5


def test_the_delivery_loop_leases_for_the_configured_time(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, digest_lease_seconds=45)
    store = MemoryStore()
    core = build_newsdesk(settings, store=lambda: store)
    assert Runtime(core, {}, settings).loop.lease_ttl == dt.timedelta(seconds=45)


async def test_the_runtime_fetches_due_feeds_into_the_feeds_folder_and_the_archive(
    tmp_path: Path,
) -> None:
    settings = make_settings(
        tmp_path, feeds_poll_seconds=0.05, archive_scan_seconds=0.05, feeds_max_age_days=100_000
    )
    store = MemoryStore()
    core = build_newsdesk(settings, store=lambda: store)
    assert core.handle(f"feed add {FEED}").text.startswith("Feed 1 hinzugefügt")
    fake = FakeSource({FEED: feed_of(entry(1))})
    source: FeedSource = fake
    runtime = Runtime(core, {}, settings, feeds=source)
    assert runtime.feeds is not None
    assert runtime.feeds.policy.poll_seconds == 0.05
    stop = asyncio.Event()
    task = asyncio.create_task(runtime.run(stop))
    for _ in range(400):  # bounded: at most 20 s
        if any(a.url == "https://news.example/a/1" for a in core.knowledge.articles):
            break
        await asyncio.sleep(0.05)
    stop.set()
    await asyncio.wait_for(task, timeout=10)
    assert any(a.url == "https://news.example/a/1" for a in core.knowledge.articles)
    assert len(list(settings.feeds_dir.glob("feed-*.md"))) == 1
    assert fake.closed


def test_without_a_feed_source_the_runtime_fetches_nothing(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    store = MemoryStore()
    assert Runtime(build_newsdesk(settings, store=lambda: store), {}, settings).feeds is None
