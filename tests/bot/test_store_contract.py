"""The store contract: every implementation (memory, SQLite, PostgreSQL) behaves the same.

Each test runs once per store; the PostgreSQL one gets an empty schema of its own on the session's
throwaway server (``tests/postgres.py``). Times are passed in; nothing reads a clock.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.postgres_store import PostgresStore
from bot.sqlite_store import SqliteStore
from bot.store import (
    ARCHIVE_LEASE,
    AnsweredQuestion,
    AnswerFeedback,
    Destination,
    FeedFetchRecord,
    FeedItem,
    LeaseLostError,
    MemoryStore,
    NewFeed,
    NewSubscription,
    Store,
    StoreError,
    Turn,
)

T0 = dt.datetime(2025, 3, 3, 8, 0, tzinfo=dt.UTC)  # a Monday
SLACK = Destination("slack", "C123")
DISCORD = Destination("discord", "987654321")


def at(minutes: float) -> dt.datetime:
    """Return the instant ``minutes`` after T0."""
    return T0 + dt.timedelta(minutes=minutes)


def daily(
    destination: Destination, next_run: dt.datetime, topic: str | None = None
) -> NewSubscription:
    """Return a daily 09:00 Berlin subscription for ``destination``."""
    return NewSubscription(
        destination=destination,
        schedule="daily 09:00",
        cron="0 9 * * *",
        timezone="Europe/Berlin",
        topic=topic,
        created_at=T0,
        next_run=next_run,
    )


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """Yield a fresh store of each kind and close it afterwards."""
    made: Store
    if request.param == "memory":
        made = MemoryStore()
    elif request.param == "sqlite":
        made = SqliteStore(tmp_path / "nd.db")
    else:
        made = PostgresStore(request.getfixturevalue("postgres_url"))
    yield made
    made.close()


def test_a_new_store_is_empty(store: Store) -> None:
    assert store.subscriptions() == []
    assert store.due_subscriptions(at(10_000)) == []
    assert store.sent_articles(SLACK) == frozenset()
    assert store.pending_deliveries() == []
    assert store.votes("answer-1") == {}
    assert store.feedback() == []
    assert store.recent_turns("slack:C123:1.0", since=at(-10_000), limit=5) == []


def test_an_added_subscription_comes_back_with_an_id_and_no_history(store: Store) -> None:
    added = store.add_subscription(daily(SLACK, at(60), topic="Energie"))
    assert (added.destination, added.schedule, added.cron) == (SLACK, "daily 09:00", "0 9 * * *")
    assert (added.timezone, added.topic) == ("Europe/Berlin", "Energie")
    assert (added.created_at, added.next_run) == (T0, at(60))
    assert (added.last_run, added.last_error) == (None, None)
    assert store.subscriptions() == [added]


def test_subscriptions_are_listed_per_destination_in_id_order(store: Store) -> None:
    first = store.add_subscription(daily(SLACK, at(60)))
    other = store.add_subscription(daily(DISCORD, at(30)))
    second = store.add_subscription(daily(SLACK, at(10), topic="Sport"))
    assert first.id < other.id < second.id
    assert store.subscriptions(SLACK) == [first, second]
    assert store.subscriptions(DISCORD) == [other]
    assert store.subscriptions(Destination("slack", "C999")) == []
    assert store.subscriptions() == [first, other, second]


def test_removing_a_channels_subscriptions_leaves_other_channels_alone(store: Store) -> None:
    store.add_subscription(daily(SLACK, at(60)))
    store.add_subscription(daily(SLACK, at(90)))
    kept = store.add_subscription(daily(DISCORD, at(60)))
    assert store.remove_subscriptions(SLACK) == 2
    assert store.subscriptions() == [kept]
    assert store.remove_subscriptions(SLACK) == 0


def test_removing_one_subscription_by_id(store: Store) -> None:
    gone = store.add_subscription(daily(SLACK, at(60)))
    kept = store.add_subscription(daily(SLACK, at(90)))
    assert store.remove_subscription(gone.id) is True
    assert store.subscriptions() == [kept]
    assert store.remove_subscription(gone.id) is False


def test_ids_are_never_reused_after_removal(store: Store) -> None:
    removed = store.add_subscription(daily(SLACK, at(60)))
    store.remove_subscriptions(SLACK)
    assert store.add_subscription(daily(SLACK, at(60))).id != removed.id


def test_due_subscriptions_are_those_at_or_before_now_by_next_run_then_id(store: Store) -> None:
    late = store.add_subscription(daily(SLACK, at(30)))
    early = store.add_subscription(daily(DISCORD, at(10)))
    tie = store.add_subscription(daily(Destination("console", "stdout"), at(30)))
    store.add_subscription(daily(SLACK, at(31)))  # a minute too late
    assert store.due_subscriptions(at(30)) == [early, late, tie]
    assert store.due_subscriptions(at(9)) == []


def test_record_run_moves_the_schedule_and_keeps_an_error_until_a_healthy_run(store: Store) -> None:
    sub = store.add_subscription(daily(SLACK, at(0)))
    assert store.record_run(sub.id, ran_at=at(1), next_run=at(1440), error="channel_not_found")
    (failed,) = store.subscriptions(SLACK)
    assert (failed.last_run, failed.next_run, failed.last_error) == (
        at(1),
        at(1440),
        "channel_not_found",
    )
    assert store.due_subscriptions(at(60)) == []
    store.record_run(sub.id, ran_at=at(1441), next_run=at(2880), error=None)
    (healthy,) = store.subscriptions(SLACK)
    assert (healthy.last_run, healthy.next_run, healthy.last_error) == (at(1441), at(2880), None)


def test_recording_a_run_of_a_removed_subscription_says_so(store: Store) -> None:
    sub = store.add_subscription(daily(SLACK, at(0)))
    store.remove_subscriptions(SLACK)
    assert not store.record_run(sub.id, ran_at=at(1), next_run=at(1440), error=None)
    assert store.subscriptions() == []


def test_beginning_a_delivery_marks_nothing_sent_and_leaves_it_pending(store: Store) -> None:
    delivery = store.begin_delivery(SLACK, ["a1", "a2", "a1"], at(0))
    assert store.sent_articles(SLACK) == frozenset()
    (pending,) = store.pending_deliveries()
    assert (pending.id, pending.destination) == (delivery, SLACK)
    assert (pending.article_ids, pending.begun_at) == (("a1", "a2"), at(0))


def test_completing_a_delivery_marks_its_articles_sent_to_that_destination_only(
    store: Store,
) -> None:
    delivery = store.begin_delivery(SLACK, ["a1", "a2"], at(0))
    store.complete_delivery(delivery, at(1), message_ref="1700000000.000100")
    assert store.sent_articles(SLACK) == {"a1", "a2"}
    assert store.sent_articles(DISCORD) == frozenset()
    assert store.pending_deliveries() == []


def test_completing_twice_is_harmless(store: Store) -> None:
    delivery = store.begin_delivery(SLACK, ["a1"], at(0))
    store.complete_delivery(delivery, at(1))
    store.complete_delivery(delivery, at(2))
    assert store.sent_articles(SLACK) == {"a1"}
    assert store.pending_deliveries() == []


def test_sending_an_article_again_to_the_same_channel_is_harmless(store: Store) -> None:
    store.complete_delivery(store.begin_delivery(SLACK, ["a1", "a2"], at(0)), at(1))
    store.complete_delivery(store.begin_delivery(SLACK, ["a2", "a3"], at(2)), at(3))
    assert store.sent_articles(SLACK) == {"a1", "a2", "a3"}


def test_an_abandoned_delivery_leaves_its_articles_unsent_and_is_not_pending(store: Store) -> None:
    delivery = store.begin_delivery(SLACK, ["a1"], at(0))
    store.abandon_delivery(delivery)
    store.abandon_delivery(delivery)
    assert store.sent_articles(SLACK) == frozenset()
    assert store.pending_deliveries() == []


def test_pending_lists_only_deliveries_begun_and_not_settled(store: Store) -> None:
    sent = store.begin_delivery(SLACK, ["a1"], at(0))
    failed = store.begin_delivery(SLACK, ["a2"], at(1))
    crashed = store.begin_delivery(DISCORD, ["a3", "a4"], at(2))
    later = store.begin_delivery(SLACK, ["a5"], at(3))
    store.complete_delivery(sent, at(4))
    store.abandon_delivery(failed)
    assert [(p.id, p.destination, p.article_ids) for p in store.pending_deliveries()] == [
        (crashed, DISCORD, ("a3", "a4")),
        (later, SLACK, ("a5",)),
    ]


def test_a_delivery_cannot_end_both_ways_or_unknown(store: Store) -> None:
    sent = store.begin_delivery(SLACK, ["a1"], at(0))
    store.complete_delivery(sent, at(1))
    with pytest.raises(StoreError, match=f"delivery {sent} is already sent"):
        store.abandon_delivery(sent)
    assert store.sent_articles(SLACK) == {"a1"}
    failed = store.begin_delivery(SLACK, ["a2"], at(2))
    store.abandon_delivery(failed)
    with pytest.raises(StoreError, match=f"delivery {failed} is already abandoned"):
        store.complete_delivery(failed, at(3))
    with pytest.raises(StoreError, match="there is no delivery 999"):
        store.complete_delivery(999, at(3))
    assert store.sent_articles(SLACK) == {"a1"}


@pytest.mark.parametrize("ids", [[], "a1"])
def test_a_delivery_needs_a_list_of_article_ids(store: Store, ids: Any) -> None:
    with pytest.raises((ValueError, TypeError)):
        store.begin_delivery(SLACK, ids, at(0))
    assert store.pending_deliveries() == []


def test_removing_subscriptions_keeps_what_the_channel_was_sent(store: Store) -> None:
    store.add_subscription(daily(SLACK, at(0)))
    store.complete_delivery(store.begin_delivery(SLACK, ["a1"], at(0)), at(1))
    store.remove_subscriptions(SLACK)
    assert store.sent_articles(SLACK) == {"a1"}


def test_a_second_vote_replaces_the_first(store: Store) -> None:
    store.record_vote("answer-1", "U1", "up", at(0))
    store.record_vote("answer-1", "U2", "down", at(1))
    store.record_vote("answer-1", "U1", "down", at(2))
    store.record_vote("answer-2", "U1", "up", at(3))
    assert store.votes("answer-1") == {"U1": "down", "U2": "down"}
    assert store.votes("answer-2") == {"U1": "up"}
    with pytest.raises(ValueError, match="'sideways'"):
        store.record_vote("answer-1", "U1", "sideways", at(4))  # type: ignore[arg-type]
    assert store.votes("answer-1")["U1"] == "down"


NAIVE = dt.datetime(2025, 3, 3, 9, 0)  # naive on purpose
NAIVE_CALLS: dict[str, Callable[[Store], object]] = {
    "due_subscriptions": lambda s: s.due_subscriptions(NAIVE),
    "record_run": lambda s: s.record_run(1, ran_at=NAIVE, next_run=at(0), error=None),
    "begin_delivery": lambda s: s.begin_delivery(SLACK, ["a1"], NAIVE),
    "complete_delivery": lambda s: s.complete_delivery(s.begin_delivery(SLACK, ["a1"], T0), NAIVE),
    "record_vote": lambda s: s.record_vote("answer-1", "U1", "up", NAIVE),
    "record_turn": lambda s: s.record_turn("slack:C1:1.0", Turn("Was ist MAI-1?"), NAIVE),
    "recent_turns": lambda s: s.recent_turns("slack:C1:1.0", since=NAIVE, limit=3),
    "forget_turns": lambda s: s.forget_turns(NAIVE),
    "due_feeds": lambda s: s.due_feeds(NAIVE),
}


@pytest.mark.parametrize("call", NAIVE_CALLS.values(), ids=NAIVE_CALLS.keys())
def test_naive_datetimes_are_rejected(store: Store, call: Callable[[Store], object]) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        call(store)
    assert store.sent_articles(SLACK) == frozenset()
    assert store.votes("answer-1") == {}


def answered(answer_id: str, minutes: int, *, platform: str = "slack") -> AnsweredQuestion:
    return AnsweredQuestion(answer_id, platform, f"Frage {answer_id}?", ("a1", "a2"), at(minutes))


def test_feedback_joins_each_voted_answer_with_its_question_articles_and_platform(
    store: Store,
) -> None:
    store.record_answer(answered("x2", 2, platform="discord"))
    store.record_answer(answered("x1", 1))
    store.record_answer(answered("quiet", 3))  # no votes: not in the report
    store.record_vote("x1", "U1", "up", at(5))
    store.record_vote("x1", "U2", "down", at(6))
    store.record_vote("x1", "U3", "down", at(7))
    store.record_vote("x2", "U1", "up", at(8))
    store.record_vote("never-recorded", "U1", "down", at(9))  # kept, not reported
    assert store.feedback() == [
        AnswerFeedback(answered("x1", 1), up=1, down=2),
        AnswerFeedback(answered("x2", 2, platform="discord"), up=1, down=0),
    ]
    assert store.votes("never-recorded") == {"U1": "down"}


def test_the_first_record_of_an_answer_wins_and_a_changed_vote_is_counted_once(
    store: Store,
) -> None:
    store.record_answer(answered("x1", 1))
    store.record_answer(AnsweredQuestion("x1", "console", "Andere Frage?", ("a9",), at(2)))
    store.record_vote("x1", "U1", "down", at(3))
    store.record_vote("x1", "U1", "up", at(4))
    [only] = store.feedback()
    assert only == AnswerFeedback(answered("x1", 1), up=1, down=0)
    assert only.answer.answered_at.utcoffset() == dt.timedelta(0)


def test_a_conversation_gives_its_last_turns_oldest_first_within_the_expiry(
    store: Store,
) -> None:
    thread = "slack:C123:100.1"
    for n in range(5):
        store.record_turn(thread, Turn(f"Frage {n}?", f"Antwort {n}."), at(n))
    store.record_turn("slack:C999:100.1", Turn("Anderer Kanal?"), at(4))  # another channel
    assert store.recent_turns(thread, since=at(0), limit=3) == [
        Turn("Frage 2?", "Antwort 2."),
        Turn("Frage 3?", "Antwort 3."),
        Turn("Frage 4?", "Antwort 4."),
    ]
    assert [t.question for t in store.recent_turns(thread, since=at(3), limit=10)] == [
        "Frage 3?",
        "Frage 4?",
    ]
    assert store.recent_turns(thread, since=at(10), limit=3) == []  # all expired
    assert store.recent_turns(thread, since=at(0), limit=0) == []
    assert store.recent_turns("slack:C999:100.1", since=at(0), limit=3) == [Turn("Anderer Kanal?")]


def test_forgetting_drops_only_turns_asked_before_the_time(store: Store) -> None:
    store.record_turn("a", Turn("Eins?"), at(0))
    store.record_turn("b", Turn("Zwei?"), at(1))
    store.record_turn("a", Turn("Drei?", "Ja."), at(2))
    assert store.forget_turns(at(2)) == 2
    assert store.recent_turns("a", since=at(-100), limit=5) == [Turn("Drei?", "Ja.")]
    assert store.recent_turns("b", since=at(-100), limit=5) == []
    assert store.forget_turns(at(2)) == 0


def test_a_naive_subscription_cannot_even_be_built() -> None:
    with pytest.raises(ValueError, match="next_run must be timezone-aware"):
        daily(SLACK, NAIVE)


def test_a_berlin_time_comes_back_as_the_same_instant_in_utc(store: Store) -> None:
    berlin = dt.datetime(2025, 3, 30, 9, 30, 15, 250, tzinfo=ZoneInfo("Europe/Berlin"))
    sub = store.add_subscription(daily(SLACK, berlin))
    store.begin_delivery(SLACK, ["a1"], berlin)
    for value in (store.subscriptions()[0].next_run, store.pending_deliveries()[0].begun_at):
        assert value == berlin
        assert value.utcoffset() == dt.timedelta(0)
        assert value.isoformat() == "2025-03-30T07:30:15.000250+00:00"  # CEST is UTC+2
    store.record_run(sub.id, ran_at=berlin, next_run=berlin, error=None)
    assert store.subscriptions()[0].last_run == berlin
    assert store.due_subscriptions(berlin) == store.subscriptions()


def test_a_closed_store_refuses_calls_and_closes_twice_quietly(store: Store) -> None:
    store.close()
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.subscriptions()
    with pytest.raises(StoreError, match="closed"):
        store.begin_delivery(SLACK, ["a1"], at(0))


async def test_calls_from_worker_threads_are_safe(store: Store) -> None:
    async def deliver(n: int) -> None:
        delivery = await asyncio.to_thread(store.begin_delivery, SLACK, [f"a{n}"], at(n))
        await asyncio.to_thread(store.complete_delivery, delivery, at(n))

    await asyncio.gather(*(deliver(n) for n in range(40)))
    assert store.sent_articles(SLACK) == {f"a{n}" for n in range(40)}
    assert store.pending_deliveries() == []


MINUTE = dt.timedelta(minutes=1)


def test_pending_deliveries_can_be_read_per_destination(store: Store) -> None:
    slack = store.begin_delivery(SLACK, ["a1"], at(0))
    discord = store.begin_delivery(DISCORD, ["a2"], at(1))
    assert [p.id for p in store.pending_deliveries(SLACK)] == [slack]
    assert [p.id for p in store.pending_deliveries(DISCORD)] == [discord]
    assert store.pending_deliveries(Destination("slack", "C999")) == []


def test_a_lease_goes_to_one_owner_until_it_expires(store: Store) -> None:
    first = store.acquire_lease(SLACK, "replica-a", at(0), MINUTE)
    assert first is not None
    assert (first.destination, first.owner, first.expires_at) == (SLACK, "replica-a", at(1))
    assert store.acquire_lease(SLACK, "replica-b", at(0), MINUTE) is None
    assert store.acquire_lease(DISCORD, "replica-b", at(0), MINUTE) is not None  # another channel
    again = store.acquire_lease(SLACK, "replica-a", at(0.5), MINUTE)  # its own: extended
    assert again is not None
    assert (again.token, again.expires_at) == (first.token, at(1.5))
    taken = store.acquire_lease(SLACK, "replica-b", at(1.5), MINUTE)  # expired: a new token
    assert taken is not None
    assert taken.owner == "replica-b"
    assert taken.token > first.token


def test_a_renewed_lease_keeps_its_token_and_a_lost_one_cannot_be_renewed(store: Store) -> None:
    lease = store.acquire_lease(SLACK, "replica-a", at(0), MINUTE)
    assert lease is not None
    renewed = store.renew_lease(lease, at(0.9), MINUTE)
    assert (renewed.token, renewed.expires_at) == (lease.token, at(1.9))
    assert store.acquire_lease(SLACK, "replica-b", at(1.5), MINUTE) is None  # renewal held it
    successor = store.acquire_lease(SLACK, "replica-b", at(2), MINUTE)
    assert successor is not None
    with pytest.raises(LeaseLostError, match=f"lease {lease.token} on slack:C123 is no longer"):
        store.renew_lease(renewed, at(2), MINUTE)
    with pytest.raises(ValueError, match="positive duration"):
        store.acquire_lease(DISCORD, "replica-a", at(0), dt.timedelta(0))


def test_a_released_lease_is_free_at_once_with_a_new_token(store: Store) -> None:
    lease = store.acquire_lease(SLACK, "replica-a", at(0), MINUTE)
    assert lease is not None
    store.release_lease(lease)
    taken = store.acquire_lease(SLACK, "replica-b", at(0), MINUTE)
    assert taken is not None
    assert taken.token > lease.token
    store.release_lease(lease)  # no longer its own: releasing again changes nothing
    assert store.acquire_lease(SLACK, "replica-a", at(0), MINUTE) is None


def test_a_delivery_begins_only_under_the_live_current_lease(store: Store) -> None:
    lease = store.acquire_lease(SLACK, "replica-a", at(0), MINUTE)
    assert lease is not None
    delivery = store.begin_delivery(SLACK, ["a1"], at(0.5), lease=lease)
    with pytest.raises(LeaseLostError):
        store.begin_delivery(SLACK, ["a2"], at(1), lease=lease)  # expired at at(1)
    with pytest.raises(LeaseLostError):
        store.begin_delivery(DISCORD, ["a2"], at(0.5), lease=lease)  # another destination's
    successor = store.acquire_lease(SLACK, "replica-b", at(2), MINUTE)
    assert successor is not None
    with pytest.raises(LeaseLostError):
        store.begin_delivery(SLACK, ["a2"], at(0.5), lease=lease)  # superseded
    assert [p.id for p in store.pending_deliveries()] == [delivery]


def test_a_delivery_completes_only_while_no_one_took_its_destination_over(store: Store) -> None:
    lease = store.acquire_lease(SLACK, "replica-a", at(0), MINUTE)
    assert lease is not None
    slow = store.begin_delivery(SLACK, ["a1"], at(0), lease=lease)
    store.complete_delivery(slow, at(5), lease=lease)  # past its expiry, but nobody took over
    assert store.sent_articles(SLACK) == {"a1"}
    lease = store.renew_lease(lease, at(5), MINUTE)
    cut_off = store.begin_delivery(SLACK, ["a2"], at(5), lease=lease)
    successor = store.acquire_lease(SLACK, "replica-b", at(7), MINUTE)
    assert successor is not None
    with pytest.raises(LeaseLostError):
        store.complete_delivery(cut_off, at(7), lease=lease)
    assert store.sent_articles(SLACK) == {"a1"}
    (pending,) = store.pending_deliveries(SLACK)  # the successor's to recover
    assert pending.id == cut_off
    store.complete_delivery(cut_off, at(8), lease=successor)
    assert store.sent_articles(SLACK) == {"a1", "a2"}


async def test_two_owners_racing_for_a_lease_get_it_once(store: Store) -> None:
    async def race(owner: str) -> bool:
        lease = await asyncio.to_thread(store.acquire_lease, SLACK, owner, at(0), MINUTE)
        return lease is not None

    won = await asyncio.gather(*(race(f"replica-{n}") for n in range(12)))
    assert sum(won) == 1


# Feeds (issue 13)


def feed(url: str = "https://news.example/rss", minutes: int = 30) -> NewFeed:
    """Return a feed added at T0 from the Slack channel."""
    return NewFeed(url=url, interval_minutes=minutes, added_at=T0, added_by=SLACK)


def item(article_id: str, feed_id: int, **keys: Any) -> FeedItem:
    """Return a feed item added at T0 with the given keys (guid, url, content_hash, quiet)."""
    fields: dict[str, Any] = {"guid": None, "url": None, "content_hash": f"hash-{article_id}"}
    fields.update(keys)
    return FeedItem(article_id=article_id, feed_id=feed_id, added_at=T0, **fields)


def test_a_new_store_has_no_feeds_nor_feed_items(store: Store) -> None:
    assert store.feeds() == []
    assert store.due_feeds(at(10_000)) == []
    assert store.quiet_articles() == frozenset()
    assert store.known_item(guid="g", url="u", content_hash="h") is None


def test_an_added_feed_is_due_at_once_and_has_no_history(store: Store) -> None:
    made = store.add_feed(feed())
    assert made.id >= 1
    assert (made.url, made.interval_minutes) == ("https://news.example/rss", 30)
    assert made.added_by == SLACK
    assert (made.next_fetch, made.last_fetch, made.last_success) == (T0, None, None)
    assert (made.last_error, made.failures, made.article_count) == (None, 0, 0)
    assert (made.etag, made.last_modified, made.title) == (None, None, "")
    assert store.feeds() == [made]
    assert store.due_feeds(T0) == [made]
    assert store.due_feeds(at(-1)) == []


def test_a_feed_added_from_the_command_line_has_no_channel(store: Store) -> None:
    made = store.add_feed(NewFeed("https://a.example/feed", 60, T0, None))
    assert store.feeds()[0].added_by is None
    assert made.added_by is None


def test_feeds_are_listed_by_id_and_due_ones_by_next_fetch(store: Store) -> None:
    first, second = (
        store.add_feed(feed("https://a.example/")),
        store.add_feed(feed("https://b.example/")),
    )
    assert [f.url for f in store.feeds()] == ["https://a.example/", "https://b.example/"]
    store.record_fetch(first.id, FeedFetchRecord(at(0), next_fetch=at(30), error=None, failures=0))
    store.record_fetch(second.id, FeedFetchRecord(at(0), next_fetch=at(20), error=None, failures=0))
    assert store.due_feeds(at(19)) == []
    assert [f.id for f in store.due_feeds(at(40))] == [second.id, first.id]


def test_a_fetch_records_validators_title_error_and_backoff(store: Store) -> None:
    made = store.add_feed(feed())
    ok = FeedFetchRecord(
        at(1), next_fetch=at(31), error=None, failures=0, etag='"v1"',
        last_modified="Mon, 03 Mar 2025 08:00:00 GMT", title="Tech News",
    )  # fmt: skip
    assert store.record_fetch(made.id, ok)
    (got,) = store.feeds()
    assert (got.last_fetch, got.next_fetch, got.last_success) == (at(1), at(31), at(1))
    assert (got.etag, got.last_modified, got.title) == ('"v1"', ok.last_modified, "Tech News")
    failed = FeedFetchRecord(at(31), next_fetch=at(91), error="not_found:404", failures=1)
    store.record_fetch(made.id, failed)
    (got,) = store.feeds()
    assert (got.last_error, got.failures, got.last_fetch) == ("not_found:404", 1, at(31))
    assert got.last_success == at(1)  # the last good fetch is kept
    assert (got.etag, got.title) == ('"v1"', "Tech News")  # a failure keeps them
    healed = FeedFetchRecord(at(91), next_fetch=at(121), error=None, failures=0, etag='"v2"')
    store.record_fetch(made.id, healed)
    (got,) = store.feeds()
    assert (got.last_error, got.failures, got.etag, got.last_success) == (None, 0, '"v2"', at(91))


def test_recording_a_fetch_of_a_removed_feed_says_so(store: Store) -> None:
    made = store.add_feed(feed())
    assert store.remove_feed(made.id)
    assert not store.remove_feed(made.id)
    record = FeedFetchRecord(at(1), next_fetch=at(31), error=None, failures=0)
    assert not store.record_fetch(made.id, record)
    assert store.feeds() == []


def test_feed_ids_are_never_reused_after_removal(store: Store) -> None:
    first = store.add_feed(feed())
    store.remove_feed(first.id)
    assert store.add_feed(feed()).id > first.id


def test_a_feed_item_is_known_again_by_any_of_its_keys(store: Store) -> None:
    made = store.add_feed(feed())
    assert store.add_feed_item(item("feed-1", made.id, guid="g1", url="https://n.example/1"))
    assert store.known_item(guid="g1", url=None, content_hash=None) == "feed-1"
    assert store.known_item(guid=None, url="https://n.example/1", content_hash=None) == "feed-1"
    assert store.known_item(guid=None, url=None, content_hash="hash-feed-1") == "feed-1"
    assert store.known_item(guid="g2", url="https://n.example/2", content_hash="other") is None
    assert store.known_item(guid=None, url=None, content_hash=None) is None


def test_an_item_without_guid_or_url_never_matches_a_missing_key(store: Store) -> None:
    made = store.add_feed(feed())
    store.add_feed_item(item("feed-1", made.id))
    assert store.known_item(guid=None, url=None, content_hash="nope") is None


def test_adding_the_same_article_twice_changes_nothing(store: Store) -> None:
    made = store.add_feed(feed())
    assert store.add_feed_item(item("feed-1", made.id, guid="g1"))
    assert not store.add_feed_item(item("feed-1", made.id, guid="g-other", quiet=True))
    assert store.known_item(guid="g-other", url=None, content_hash=None) is None
    assert store.quiet_articles() == frozenset()


def test_feed_items_count_per_feed_and_stay_when_the_feed_is_removed(store: Store) -> None:
    one, two = (
        store.add_feed(feed("https://a.example/")),
        store.add_feed(feed("https://b.example/")),
    )
    store.add_feed_item(item("a1", one.id))
    store.add_feed_item(item("a2", one.id))
    store.add_feed_item(item("b1", two.id))
    assert [f.article_count for f in store.feeds()] == [2, 1]
    assert [f.article_count for f in store.due_feeds(T0)] == [2, 1]
    store.remove_feed(one.id)
    assert store.known_item(guid=None, url=None, content_hash="hash-a1") == "a1"


def test_quiet_articles_are_the_quiet_feed_items(store: Store) -> None:
    made = store.add_feed(feed())
    store.add_feed_item(item("loud", made.id))
    store.add_feed_item(item("quiet-1", made.id, quiet=True))
    store.add_feed_item(item("quiet-2", made.id, quiet=True))
    assert store.quiet_articles() == {"quiet-1", "quiet-2"}


def test_a_closed_store_refuses_feed_calls(store: Store) -> None:
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.feeds()
    with pytest.raises(StoreError, match="closed"):
        store.add_feed(feed())


def test_a_new_store_has_no_archive_generation(store: Store) -> None:
    assert store.archive_generation() is None


def test_archive_generations_grow_and_the_newest_one_is_read_back(store: Store) -> None:
    first = store.publish_archive_generation("digest-1", "replica-a", at(0))
    berlin = dt.datetime(2025, 3, 3, 10, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    second = store.publish_archive_generation("digest-2", "replica-b", berlin)
    assert first.number >= 1
    assert second.number > first.number
    assert store.archive_generation() == second
    assert (second.digest, second.publisher) == ("digest-2", "replica-b")
    assert second.published_at == at(90)  # 10:30 CET
    assert second.published_at.tzinfo == dt.UTC
    third = store.publish_archive_generation("digest-1", "replica-a", at(120))  # the same listing
    assert third.number > second.number  # a number is never reused, even for a known digest
    assert store.archive_generation() == third


def test_publishing_a_generation_rejects_a_naive_time(store: Store) -> None:
    with pytest.raises(ValueError, match="naive"):
        store.publish_archive_generation("digest", "replica-a", dt.datetime(2025, 3, 3, 8))
    assert store.archive_generation() is None


def test_the_archive_lease_is_held_by_one_replica_at_a_time(store: Store) -> None:
    short = dt.timedelta(seconds=30)
    lease = store.acquire_lease(ARCHIVE_LEASE, "replica-a", at(0), short)
    assert lease is not None
    assert store.acquire_lease(ARCHIVE_LEASE, "replica-b", at(0.1), short) is None
    store.release_lease(lease)
    taken = store.acquire_lease(ARCHIVE_LEASE, "replica-b", at(0.2), short)
    assert taken is not None
    assert taken.token > lease.token
    assert store.acquire_lease(SLACK, "replica-a", at(0.2), short) is not None  # a lease of its own


def test_a_closed_store_refuses_archive_generation_calls(store: Store) -> None:
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.archive_generation()
    with pytest.raises(StoreError, match="closed"):
        store.publish_archive_generation("digest", "replica-a", at(0))
