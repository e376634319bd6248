"""Recovery asks the platform first: a pending delivery found there is completed, not re-sent.

The loop and store are real (memory and SQLite); the poster is a recording double that also
answers :class:`bot.PostFinder` lookups from what it was told the channel holds.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

import pytest

from bot import LookupUnavailable, PostFinder
from bot.digest import Digest
from bot.reconcile import LOOKUP_MARGIN, look_up
from bot.store import Destination, PendingDelivery, Store
from tests.bot.test_delivery import SLACK, T0, FakeClock, RecordingPoster, make_loop, store

__all__ = ["store"]  # the parametrized store fixture (memory, sqlite)


class FindingPoster(RecordingPoster):
    """A recording poster whose channels hold ``posted`` (delivery id -> message ref)."""

    def __init__(
        self,
        posted: dict[int, str] | None = None,
        *,
        unavailable: BaseException | None = None,
        hang: bool = False,
    ) -> None:
        super().__init__()
        self.posted = posted or {}
        self.unavailable = unavailable
        self.hang = hang
        self.lookups: list[tuple[Destination, int, dt.datetime]] = []

    async def find_posted(
        self, destination: Destination, delivery_id: int, *, since: dt.datetime
    ) -> str | None:
        self.lookups.append((destination, delivery_id, since))
        if self.hang:
            await asyncio.Event().wait()
        if self.unavailable is not None:
            raise self.unavailable
        return self.posted.get(delivery_id)

    async def post(
        self, destination: Destination, digest: Digest, *, delivery_id: int | None
    ) -> str | None:
        ref = await super().post(destination, digest, delivery_id=delivery_id)
        if delivery_id is not None and ref is not None:
            self.posted[delivery_id] = ref
        return ref


def test_the_finding_poster_is_a_post_finder_and_the_plain_one_is_not() -> None:
    assert isinstance(FindingPoster(), PostFinder)
    assert not isinstance(RecordingPoster(), PostFinder)


async def test_a_pending_delivery_found_on_the_platform_is_completed_and_not_re_sent(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    delivery = store.begin_delivery(SLACK, ["a1", "a2"], T0)
    poster = FindingPoster({delivery: "1700000000.000042"})
    loop = make_loop(store, ["a1", "a2"], poster, FakeClock(T0 + dt.timedelta(minutes=3)))

    with caplog.at_level(logging.INFO, logger="bot.delivery"):
        assert await asyncio.wait_for(loop.recover(), timeout=5) == 0

    assert poster.attempts == []
    assert store.pending_deliveries() == []
    assert store.sent_articles(SLACK) == {"a1", "a2"}
    assert poster.lookups == [(SLACK, delivery, T0 - LOOKUP_MARGIN)]
    assert "was posted before the bot stopped (message 1700000000.000042)" in caplog.text
    assert "appears twice" not in caplog.text
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


async def test_a_pending_delivery_not_on_the_platform_is_sent_once_without_a_warning(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    delivery = store.begin_delivery(SLACK, ["a1"], T0)
    poster = FindingPoster()
    loop = make_loop(store, ["a1"], poster, FakeClock(T0))

    with caplog.at_level(logging.INFO, logger="bot.delivery"):
        assert await asyncio.wait_for(loop.recover(), timeout=5) == 1

    assert poster.articles() == [("a1",)]
    assert poster.posts[0][2] == delivery
    assert store.pending_deliveries() == []
    assert store.sent_articles(SLACK) == {"a1"}
    assert f"delivery {delivery} to slack:C1" in caplog.text
    assert "was not posted: sending it" in caplog.text
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


@pytest.mark.parametrize(
    ("failure", "reason"),
    [
        (LookupUnavailable("missing_scope"), "missing_scope"),
        (LookupUnavailable("not_in_channel"), "not_in_channel"),
        (RuntimeError("the SDK broke"), "RuntimeError"),
    ],
)
async def test_an_unavailable_lookup_re_sends_with_one_warning_naming_channel_and_reason(
    store: Store, caplog: pytest.LogCaptureFixture, failure: BaseException, reason: str
) -> None:
    delivery = store.begin_delivery(SLACK, ["a1"], T0)
    poster = FindingPoster({delivery: "already-there"}, unavailable=failure)
    loop = make_loop(store, ["a1"], poster, FakeClock(T0))

    with caplog.at_level(logging.WARNING, logger="bot.delivery"):
        assert await asyncio.wait_for(loop.recover(), timeout=5) == 1

    assert poster.articles() == [("a1",)]
    assert store.pending_deliveries() == []
    [warning] = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert f"cannot look up delivery {delivery} in slack:C1 ({reason})" in warning
    assert "appears twice" in warning


async def test_a_lookup_that_never_answers_is_given_up_and_the_digest_re_sent(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    store.begin_delivery(SLACK, ["a1"], T0)
    poster = FindingPoster(hang=True)
    loop = make_loop(store, ["a1"], poster, FakeClock(T0))
    loop.lookup_timeout = 0.05

    with caplog.at_level(logging.WARNING, logger="bot.delivery"):
        assert await asyncio.wait_for(loop.recover(), timeout=5) == 1

    assert poster.articles() == [("a1",)]
    assert "(timeout)" in caplog.text


async def test_a_poster_without_lookup_re_sends_as_before(store: Store) -> None:
    store.begin_delivery(SLACK, ["a1"], T0)
    poster = RecordingPoster()

    assert await make_loop(store, ["a1"], poster, FakeClock(T0)).recover() == 1
    assert poster.articles() == [("a1",)]


async def test_nothing_left_to_send_is_abandoned_without_asking_the_platform(store: Store) -> None:
    first = store.begin_delivery(SLACK, ["a1"], T0)
    later = store.begin_delivery(SLACK, ["a1"], T0 + dt.timedelta(hours=1))
    store.complete_delivery(later, T0 + dt.timedelta(hours=1))
    poster = FindingPoster({first: "m1"})

    assert await make_loop(store, ["a1"], poster, FakeClock(T0)).recover() == 0
    assert poster.lookups == []
    assert store.pending_deliveries() == []


async def test_look_up_reports_each_answer() -> None:
    pending = PendingDelivery(3, SLACK, ("a1",), T0)

    assert (await look_up(RecordingPoster(), pending, timeout=1)).status == "no_lookup"
    found = await look_up(FindingPoster({3: "m3"}), pending, timeout=1)
    assert (found.status, found.message_ref) == ("found", "m3")
    assert (await look_up(FindingPoster(), pending, timeout=1)).status == "not_found"
    refused = await look_up(FindingPoster(unavailable=LookupUnavailable("x")), pending, timeout=1)
    assert (refused.status, refused.reason) == ("unavailable", "x")
