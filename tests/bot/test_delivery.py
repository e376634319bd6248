"""The digest delivery loop, driven with a fake clock, a recording poster and a fake archive.

Nothing sleeps on the real clock: the fake clock either moves on by itself when the loop sleeps
(``auto=True``) or holds the sleeper until the test advances it. A "restart" is a new loop on a
new ``SqliteStore`` over the same file.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import random
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

from bot.delivery import DeliveryLoop, PostError, RetryPolicy, RunOutcome
from bot.digest import Digest, DigestItem
from bot.postgres_store import PostgresStore
from bot.schedule import parse_schedule
from bot.sqlite_store import SqliteStore
from bot.store import Destination, MemoryStore, NewSubscription, Store, Subscription

T0 = dt.datetime(2025, 3, 3, 8, 0, tzinfo=dt.UTC)  # a Monday, 08:00 UTC
SLACK = Destination("slack", "C1")
OTHER = Destination("slack", "C2")
DISCORD = Destination("discord", "D1")


class FakeClock:
    """A clock the test controls; it records every sleep the loop asks for."""

    def __init__(self, now: dt.datetime, *, auto: bool = True) -> None:
        self._now = now
        self.auto = auto
        self.sleeps: list[float] = []
        self._sleepers: list[tuple[dt.datetime, asyncio.Future[None]]] = []

    def now(self) -> dt.datetime:
        return self._now

    @property
    def waiting(self) -> int:
        """How many sleeps are waiting for the test to advance the clock."""
        return sum(not wake.done() for _, wake in self._sleepers)

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        if self.auto:
            self._now += dt.timedelta(seconds=seconds)
            await asyncio.sleep(0)
            return
        entry = (
            self._now + dt.timedelta(seconds=seconds),
            asyncio.get_running_loop().create_future(),
        )
        self._sleepers.append(entry)
        try:
            await entry[1]
        finally:
            self._sleepers.remove(entry)

    def advance(self, delta: dt.timedelta) -> None:
        self._now += delta
        for deadline, wake in self._sleepers:
            if deadline <= self._now and not wake.done():
                wake.set_result(None)


class RecordingPoster:
    """Records what it posts; ``script`` lists, per channel, what to raise on the next attempts."""

    def __init__(self, script: dict[str, list[BaseException]] | None = None) -> None:
        self.script = script or {}
        self.attempts: list[Destination] = []
        self.posts: list[tuple[Destination, Digest, int | None]] = []

    async def post(
        self, destination: Destination, digest: Digest, *, delivery_id: int | None
    ) -> str | None:
        self.attempts.append(destination)
        await asyncio.sleep(0)  # let the other channels' tasks interleave
        failures = self.script.get(destination.channel)
        if failures:
            raise failures.pop(0)
        self.posts.append((destination, digest, delivery_id))
        return f"msg-{len(self.posts)}"

    def articles(self, destination: Destination = SLACK) -> list[tuple[str, ...]]:
        """The article ids of each digest posted to ``destination``, in order."""
        return [d.article_ids for dest, d, _ in self.posts if dest == destination]


class HangingPoster(RecordingPoster):
    """The platform takes the post, but the answer never comes back (then the bot dies)."""

    async def post(
        self, destination: Destination, digest: Digest, *, delivery_id: int | None
    ) -> str | None:
        self.posts.append((destination, digest, delivery_id))
        await asyncio.Event().wait()
        raise AssertionError("unreachable")


class FakeSource:
    """Digests over a mutable list of article ids: every unsent one, in list order."""

    def __init__(self, articles: list[str], *, broken_topic: str | None = None) -> None:
        self.articles = articles
        self.broken_topic = broken_topic
        self.first_runs: list[bool] = []

    def compose_for(self, topic: str | None, sent: frozenset[str], *, first_run: bool) -> Digest:
        if topic is not None and topic == self.broken_topic:
            raise RuntimeError("the archive is being rebuilt")
        self.first_runs.append(first_run)
        return _digest([a for a in self.articles if a not in sent], topic)

    def resend(self, article_ids: Sequence[str]) -> Digest | None:
        known = [a for a in article_ids if a in self.articles]
        return _digest(known, None) if known else None


def _digest(article_ids: Sequence[str], topic: str | None) -> Digest:
    return Digest(items=tuple(DigestItem(a, a, None, None, ()) for a in article_ids), topic=topic)


def subscribe(
    store: Store,
    destination: Destination = SLACK,
    *,
    next_run: dt.datetime = T0,
    schedule: str = "daily 08:00 in UTC",
    topic: str | None = None,
) -> Subscription:
    parsed = parse_schedule(schedule)
    new = NewSubscription(
        destination,
        parsed.text,
        parsed.cron,
        parsed.timezone,
        topic,
        T0 - dt.timedelta(days=1),
        next_run,
    )
    return store.add_subscription(new)


def only(store: Store) -> Subscription:
    (subscription,) = store.subscriptions()
    return subscription


async def eventually(condition: Callable[[], bool]) -> None:
    """Let the loop run until ``condition`` holds (at most 5 s of real time)."""

    async def poll() -> None:
        while not condition():
            await asyncio.sleep(0)

    await asyncio.wait_for(poll(), timeout=5)


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    made: Store
    if request.param == "memory":
        made = MemoryStore()
    elif request.param == "sqlite":
        made = SqliteStore(tmp_path / "db")
    else:
        made = PostgresStore(request.getfixturevalue("postgres_url"))
    yield made
    made.close()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "newsdesk.sqlite3"


def make_loop(
    store: Store,
    articles: list[str],
    poster: RecordingPoster,
    clock: FakeClock,
    *,
    retry: RetryPolicy | None = None,
    post_empty: bool = False,
    poll_interval: float = 30.0,
) -> DeliveryLoop:
    """A loop over ``articles`` with a seeded jitter."""
    return DeliveryLoop(
        store,
        FakeSource(articles),
        poster,
        clock,
        retry=retry,
        post_empty=post_empty,
        poll_interval=poll_interval,
        rng=random.Random(7),  # noqa: S311 -- jitter, not cryptography
    )


# --- a run ------------------------------------------------------------------------------------


async def test_a_due_subscription_posts_once_and_records_its_articles(store: Store) -> None:
    source, poster = FakeSource(["a1", "a2"]), RecordingPoster()
    sub = subscribe(store)
    loop = DeliveryLoop(store, source, poster, FakeClock(T0))

    outcomes = await asyncio.wait_for(loop.run_due(), timeout=5)

    assert outcomes == [RunOutcome(sub.id, "posted", ("a1", "a2"), None)]
    assert poster.articles() == [("a1", "a2")]
    assert store.sent_articles(SLACK) == {"a1", "a2"}
    assert store.pending_deliveries() == []
    assert source.first_runs == [True]
    assert (only(store).last_run, only(store).next_run) == (T0, T0 + dt.timedelta(days=1))
    assert only(store).last_error is None


async def test_only_a_new_channel_gets_a_first_digest(store: Store) -> None:
    source, clock = FakeSource(["a1"]), FakeClock(T0)
    subscribe(store)
    loop = DeliveryLoop(store, source, RecordingPoster(), clock)
    await loop.run_due()
    clock.advance(dt.timedelta(days=1))
    await loop.run_due()
    store.remove_subscriptions(SLACK)
    subscribe(store, next_run=clock.now())  # re-subscribed: the channel has had digests
    await loop.run_due()

    assert source.first_runs == [True, False, False]


async def test_a_subscription_that_is_not_due_posts_nothing(store: Store) -> None:
    poster = RecordingPoster()
    subscribe(store, next_run=T0 + dt.timedelta(minutes=1))

    assert await make_loop(store, ["a1"], poster, FakeClock(T0)).run_due() == []
    assert poster.attempts == []


async def test_nothing_new_posts_nothing_and_moves_the_schedule_on(store: Store) -> None:
    poster = RecordingPoster()
    sub = subscribe(store)

    outcomes = await make_loop(store, [], poster, FakeClock(T0)).run_due()

    assert outcomes == [RunOutcome(sub.id, "nothing_new", (), None)]
    assert poster.attempts == []
    assert only(store).next_run == T0 + dt.timedelta(days=1)


async def test_post_empty_posts_the_empty_digest_without_a_delivery(store: Store) -> None:
    poster = RecordingPoster()
    subscribe(store)

    await make_loop(store, [], poster, FakeClock(T0), post_empty=True).run_due()

    [(_, digest, delivery_id)] = poster.posts
    assert digest.empty
    assert delivery_id is None
    assert store.pending_deliveries() == []
    assert store.sent_articles(SLACK) == frozenset()


async def test_after_three_days_down_one_catch_up_digest_and_the_next_run_ahead(
    store: Store,
) -> None:
    poster = RecordingPoster()
    subscribe(store)
    now = T0 + dt.timedelta(days=3, hours=2)  # missed Mon-Wed 08:00 slots and Thu 08:00

    outcomes = await make_loop(store, ["a1", "a2"], poster, FakeClock(now)).run_due()

    assert [o.status for o in outcomes] == ["posted"]
    assert poster.articles() == [("a1", "a2")]
    assert only(store).next_run == T0 + dt.timedelta(days=4)
    assert only(store).next_run > now


async def test_two_subscriptions_of_one_channel_never_send_an_article_twice(store: Store) -> None:
    poster = RecordingPoster()
    first, second = subscribe(store, topic="energy"), subscribe(store, topic="rail")

    outcomes = await make_loop(store, ["a1", "a2"], poster, FakeClock(T0)).run_due()

    assert outcomes == [
        RunOutcome(first.id, "posted", ("a1", "a2"), None),
        RunOutcome(second.id, "nothing_new", (), None),
    ]
    assert poster.articles() == [("a1", "a2")]


async def test_each_platform_gets_its_own_poster_and_a_missing_one_is_an_error(
    store: Store,
) -> None:
    slack, discord = RecordingPoster(), RecordingPoster()
    subscribe(store, SLACK)
    subscribe(store, DISCORD)
    console = subscribe(store, Destination("console", "stdout"))
    posters = {"slack": slack, "discord": discord}

    await DeliveryLoop(store, FakeSource(["a1"]), posters, FakeClock(T0)).run_due()

    assert slack.articles(SLACK) == [("a1",)]
    assert discord.articles(DISCORD) == [("a1",)]
    assert store.subscriptions(console.destination)[0].last_error == "no_poster_for_console"


# --- restarts and the crash window -------------------------------------------------------------


async def test_a_restart_sends_only_the_articles_not_sent_before(db: Path) -> None:
    articles, clock = ["a1", "a2"], FakeClock(T0)
    first_poster, second_poster = RecordingPoster(), RecordingPoster()
    first = SqliteStore(db)
    try:
        subscribe(first)
        await make_loop(first, articles, first_poster, clock).run_due()
    finally:
        first.close()
    articles.append("a3")
    clock.advance(dt.timedelta(days=1))

    second = SqliteStore(db)
    try:
        loop = make_loop(second, articles, second_poster, clock)
        assert await loop.recover() == 0
        await loop.run_due()
        assert second.sent_articles(SLACK) == {"a1", "a2", "a3"}
    finally:
        second.close()
    assert first_poster.articles() == [("a1", "a2")]
    assert second_poster.articles() == [("a3",)]


async def test_a_crash_between_post_and_record_re_sends_that_digest_once_after_restart(
    db: Path, caplog: pytest.LogCaptureFixture
) -> None:
    articles, clock, hanging = ["a1"], FakeClock(T0), HangingPoster()
    first = SqliteStore(db)
    try:
        subscribe(first)
        running = asyncio.create_task(make_loop(first, articles, hanging, clock).run_due())
        await eventually(lambda: bool(hanging.posts))  # the platform has the post ...
        running.cancel()  # ... and the bot dies before recording it
        with pytest.raises(asyncio.CancelledError):
            await running
    finally:
        first.close()

    poster = RecordingPoster()
    second = SqliteStore(db)
    try:
        loop = make_loop(second, articles, poster, clock)
        with caplog.at_level(logging.WARNING, logger="bot.delivery"):
            assert await asyncio.wait_for(loop.recover(), timeout=5) == 1
        assert second.pending_deliveries() == []
        assert second.sent_articles(SLACK) == {"a1"}
        assert [o.status for o in await loop.run_due()] == ["nothing_new"]
    finally:
        second.close()
    assert poster.articles() == [("a1",)]
    assert poster.posts[0][2] == hanging.posts[0][2]  # same delivery id: an idempotency key
    assert "appears twice" in caplog.text


async def test_a_pending_delivery_whose_articles_are_gone_is_abandoned(store: Store) -> None:
    store.begin_delivery(SLACK, ["withdrawn"], T0)
    poster = RecordingPoster()

    assert await make_loop(store, ["a1"], poster, FakeClock(T0)).recover() == 0
    assert poster.attempts == []
    assert store.pending_deliveries() == []
    assert store.sent_articles(SLACK) == frozenset()


async def test_a_timeout_stays_pending_the_next_run_sends_it_and_a_restart_adds_nothing(
    db: Path,
) -> None:
    timeouts: list[BaseException] = [TimeoutError() for _ in range(5)]
    poster, clock, articles = RecordingPoster({"C1": timeouts}), FakeClock(T0), ["a1"]
    with_store = SqliteStore(db)
    try:
        subscribe(with_store)
        loop = make_loop(with_store, articles, poster, clock)
        [outcome] = await loop.run_due()
        assert outcome.error == "timeout (retrying at the next run)"
        assert [d.article_ids for d in with_store.pending_deliveries()] == [("a1",)]
        clock.advance(dt.timedelta(days=1))
        await loop.run_due()
    finally:
        with_store.close()
    restarted = SqliteStore(db)
    try:
        assert await make_loop(restarted, articles, poster, clock).recover() == 0
        assert restarted.pending_deliveries() == []
    finally:
        restarted.close()
    assert poster.articles() == [("a1",)]


# --- failures ----------------------------------------------------------------------------------


async def test_transient_failures_back_off_and_honour_retry_after(store: Store) -> None:
    script: list[BaseException] = [
        PostError("timeout", permanent=False),
        PostError("rate_limited", permanent=False, retry_after=7),
    ]
    poster, clock = RecordingPoster({"C1": script}), FakeClock(T0)
    subscribe(store)

    [outcome] = await make_loop(store, ["a1"], poster, clock).run_due()

    assert outcome.status == "posted"
    assert poster.articles() == [("a1",)]
    assert len(poster.attempts) == 3
    first, second = clock.sleeps
    assert 1.0 <= first <= 1.25  # base delay, up to 25 % jitter, never shorter
    assert 7.0 <= second <= 8.75  # the platform's retry-after beats the 2 s backoff


async def test_exhausted_retries_record_the_error_and_the_next_run_sends_the_articles(
    store: Store,
) -> None:
    limited: list[BaseException] = [PostError("rate_limited", permanent=False) for _ in range(3)]
    poster, clock = RecordingPoster({"C1": limited}), FakeClock(T0)
    subscribe(store)
    loop = make_loop(store, ["a1"], poster, clock, retry=RetryPolicy(attempts=3))

    [outcome] = await loop.run_due()

    assert outcome.status == "failed"
    assert only(store).last_error == "rate_limited (retrying at the next run)"
    assert store.sent_articles(SLACK) == frozenset()
    assert store.pending_deliveries() == []
    assert len(clock.sleeps) == 2
    clock.advance(dt.timedelta(days=1))
    await loop.run_due()
    assert poster.articles() == [("a1",)]
    assert only(store).last_error is None


async def test_a_retry_after_longer_than_the_longest_wait_leaves_it_to_the_next_run(
    store: Store,
) -> None:
    script: list[BaseException] = [PostError("rate_limited", permanent=False, retry_after=600)]
    poster, clock = RecordingPoster({"C1": script}), FakeClock(T0)
    subscribe(store)

    [outcome] = await make_loop(store, ["a1"], poster, clock).run_due()

    assert outcome.status == "failed"
    assert (len(poster.attempts), clock.sleeps) == (1, [])


async def test_a_permanent_failure_marks_its_subscription_and_other_channels_get_theirs(
    store: Store,
) -> None:
    gone: list[BaseException] = [PostError("channel_not_found", permanent=True)]
    poster, clock = RecordingPoster({"C1": gone}), FakeClock(T0)
    broken, healthy = subscribe(store, SLACK), subscribe(store, OTHER)

    outcomes = await make_loop(store, ["a1"], poster, clock).run_due()

    assert outcomes == [
        RunOutcome(broken.id, "permanent_failure", ("a1",), "channel_not_found"),
        RunOutcome(healthy.id, "posted", ("a1",), None),
    ]
    assert poster.attempts.count(SLACK) == 1  # no retries
    assert clock.sleeps == []
    assert store.subscriptions(SLACK)[0].last_error == "channel_not_found"
    assert store.sent_articles(SLACK) == frozenset()
    assert store.subscriptions(SLACK)[0].next_run == T0 + dt.timedelta(days=1)


async def test_an_unexpected_exception_in_one_poster_does_not_stop_the_others(
    store: Store,
) -> None:
    bugs: list[BaseException] = [ValueError("bad block") for _ in range(5)]
    poster = RecordingPoster({"C1": bugs})
    subscribe(store, SLACK)
    subscribe(store, OTHER)

    outcomes = await make_loop(store, ["a1"], poster, FakeClock(T0)).run_due()

    assert [o.status for o in outcomes] == ["failed", "posted"]
    assert store.subscriptions(SLACK)[0].last_error == "ValueError (retrying at the next run)"
    assert poster.articles(OTHER) == [("a1",)]


async def test_an_error_composing_one_digest_is_recorded_and_the_others_go_out(
    store: Store,
) -> None:
    poster = RecordingPoster()
    broken = subscribe(store, SLACK, topic="doomed")
    subscribe(store, OTHER)
    source = FakeSource(["a1"], broken_topic="doomed")

    outcomes = await DeliveryLoop(store, source, poster, FakeClock(T0)).run_due()

    assert outcomes[0] == RunOutcome(broken.id, "failed", (), "internal error (RuntimeError)")
    assert store.subscriptions(SLACK)[0].next_run == T0 + dt.timedelta(days=1)
    assert poster.articles(OTHER) == [("a1",)]


# --- the running loop --------------------------------------------------------------------------


async def test_an_article_added_while_running_appears_in_the_next_digest(store: Store) -> None:
    articles, poster, clock = ["a1"], RecordingPoster(), FakeClock(T0, auto=False)
    subscribe(store)
    stop = asyncio.Event()
    running = asyncio.create_task(make_loop(store, articles, poster, clock).run(stop))

    await eventually(lambda: clock.waiting == 1)
    articles.append("a2")
    clock.advance(dt.timedelta(days=1))
    await eventually(lambda: len(poster.posts) == 2 and clock.waiting == 1)
    stop.set()
    await asyncio.wait_for(running, timeout=5)

    assert poster.articles() == [("a1",), ("a2",)]


async def test_run_sleeps_until_the_earliest_next_run_or_the_poll_interval(store: Store) -> None:
    clock = FakeClock(T0, auto=False)
    subscribe(store)
    subscribe(store, OTHER, next_run=T0 + dt.timedelta(seconds=10))
    stop = asyncio.Event()
    loop = make_loop(store, ["a1"], RecordingPoster(), clock, poll_interval=30.0)
    running = asyncio.create_task(loop.run(stop))

    await eventually(lambda: clock.waiting == 1)
    clock.advance(dt.timedelta(seconds=10))
    await eventually(lambda: len(clock.sleeps) == 2 and clock.waiting == 1)
    stop.set()
    await asyncio.wait_for(running, timeout=5)

    assert clock.sleeps == [10.0, 30.0]


async def test_run_stops_promptly_even_while_waiting_to_retry(store: Store) -> None:
    limited: list[BaseException] = [PostError("rate_limited", permanent=False, retry_after=50)]
    poster, clock = RecordingPoster({"C1": limited}), FakeClock(T0, auto=False)
    subscribe(store)
    stop = asyncio.Event()
    running = asyncio.create_task(make_loop(store, ["a1"], poster, clock).run(stop))

    await eventually(lambda: clock.waiting == 1)  # backing off after the 429
    stop.set()
    await asyncio.wait_for(running, timeout=5)

    assert only(store).last_error == "rate_limited (retrying at the next run)"
    assert store.pending_deliveries() == []
    assert poster.posts == []
