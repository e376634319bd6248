"""Several delivery loops (replicas) on one store: leases per destination, fencing, recovery.

The loops run in one process on a fake clock; each store kind (memory, SQLite, PostgreSQL) is the
one shared database. ``tests/test_replica_processes.py`` runs real processes.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.delivery import DeliveryLoop, PostError, RetryPolicy
from bot.postgres_store import PostgresStore
from bot.sqlite_store import SqliteStore
from bot.store import Destination, MemoryStore, Store
from tests.bot.test_delivery import T0, FakeClock, FakeSource, RecordingPoster, subscribe

CHANNELS = [Destination("slack", f"C{n}") for n in range(12)]


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    made: Store
    if request.param == "memory":
        made = MemoryStore()
    elif request.param == "sqlite":
        made = SqliteStore(tmp_path / "nd.db")
    else:
        made = PostgresStore(request.getfixturevalue("postgres_url"))
    yield made
    made.close()


def replica(
    store: Store,
    owner: str,
    poster: RecordingPoster,
    clock: FakeClock,
    articles: list[str],
    *,
    retry: RetryPolicy | None = None,
) -> DeliveryLoop:
    return DeliveryLoop(
        store,
        FakeSource(articles),
        poster,
        clock,
        retry=retry,
        owner=owner,
        lease_seconds=60,
        rng=random.Random(3),  # noqa: S311 -- jitter, not cryptography
    )


def posted(*posters: RecordingPoster) -> list[tuple[str, str]]:
    """Every (channel, article) that reached the platform, repeats included."""
    return sorted(
        (destination.channel, article)
        for poster in posters
        for destination, digest, _ in poster.posts
        for article in digest.article_ids
    )


async def test_two_replicas_post_each_due_digest_once(store: Store) -> None:
    for channel in CHANNELS:
        subscribe(store, channel)
        subscribe(store, channel, schedule="daily 08:00 in UTC", topic=None)
    clock, articles = FakeClock(T0), ["a1", "a2"]
    a_poster, b_poster = RecordingPoster(), RecordingPoster()
    a = replica(store, "replica-a", a_poster, clock, articles)
    b = replica(store, "replica-b", b_poster, clock, articles)
    for _ in range(3):  # passes racing each other
        await asyncio.gather(a.run_due(), b.run_due())
    assert posted(a_poster, b_poster) == sorted(
        (c.channel, article) for c in CHANNELS for article in articles
    )
    assert store.pending_deliveries() == []


async def test_a_destination_leased_by_another_replica_is_left_alone(store: Store) -> None:
    subscribe(store, CHANNELS[0])
    subscribe(store, CHANNELS[1])
    clock, poster = FakeClock(T0), RecordingPoster()
    crashed = store.begin_delivery(CHANNELS[0], ["a0"], T0)  # a pending delivery, and ...
    assert store.acquire_lease(CHANNELS[0], "replica-a", T0, dt.timedelta(seconds=60))  # ... live
    b = replica(store, "replica-b", poster, clock, ["a0", "a1"])
    outcomes = await b.run_due()
    assert [o.status for o in outcomes] == ["posted"]  # only the free channel
    assert posted(poster) == [("C1", "a0"), ("C1", "a1")]
    assert [p.id for p in store.pending_deliveries()] == [crashed]  # not b's to recover yet
    clock.advance(dt.timedelta(seconds=61))  # replica-a's lease runs out (it crashed)
    await b.run_due()
    assert posted(poster) == [("C0", "a0"), ("C0", "a1"), ("C1", "a0"), ("C1", "a1")]
    assert [d.article_ids for _, d, _ in poster.posts[-2:]] == [("a0",), ("a1",)]  # recovered first
    assert store.pending_deliveries() == []


async def test_the_lease_is_renewed_through_long_retries(store: Store) -> None:
    subscribe(store, CHANNELS[0])
    clock = FakeClock(T0, auto=False)
    failing = RecordingPoster({"C0": [PostError("rate_limited", permanent=False, retry_after=90)]})
    retry = RetryPolicy(attempts=3, base_delay=1, max_delay=120, jitter=0)
    a = replica(store, "replica-a", failing, clock, ["a1"], retry=retry)
    running = asyncio.create_task(a.run_due())
    while clock.waiting == 0:  # a waits 90 s to retry, longer than its 60 s lease
        await asyncio.sleep(0)
    clock.advance(dt.timedelta(seconds=80))
    other = RecordingPoster()
    b = replica(store, "replica-b", other, clock, ["a1"])
    assert await b.run_due() == []  # the lease outlives the wait: b cannot take the channel
    clock.advance(dt.timedelta(seconds=10))
    [outcome] = await asyncio.wait_for(running, timeout=5)
    assert outcome.status == "posted"
    assert posted(failing, other) == [("C0", "a1")]


async def test_a_replica_that_lost_its_lease_stops_and_the_new_holder_recovers(
    store: Store,
) -> None:
    subscribe(store, CHANNELS[0])
    clock = FakeClock(T0, auto=False)
    failing = RecordingPoster({"C0": [PostError("rate_limited", permanent=False)]})
    a = replica(store, "replica-a", failing, clock, ["a1"], retry=RetryPolicy(jitter=0))
    running = asyncio.create_task(a.run_due())
    while clock.waiting == 0:
        await asyncio.sleep(0)
    (cut_off,) = store.pending_deliveries()
    # a stalls (a frozen VM) while its lease runs out, and replica-b takes the channel over:
    later = T0 + dt.timedelta(minutes=10)
    assert store.acquire_lease(CHANNELS[0], "replica-b", later, dt.timedelta(seconds=60))
    other = RecordingPoster()
    b = replica(store, "replica-b", other, clock, ["a1"])
    [outcome] = await b.run_due()  # b re-sends a's pending delivery first
    assert outcome.status == "nothing_new"
    assert posted(other) == [("C0", "a1")]
    assert other.posts[0][2] == cut_off.id
    clock.advance(dt.timedelta(seconds=2))
    [stale] = await asyncio.wait_for(running, timeout=5)  # a wakes, cannot renew: it stops
    assert (stale.status, stale.error) == ("failed", "lease_lost")
    assert posted(failing) == []
    assert store.pending_deliveries() == []
