"""A pending Slack delivery is looked up in the channel's history before it is re-sent.

The real delivery loop and :class:`SlackPoster` (a real ``AsyncWebClient``) talk HTTP to the fake
Slack, which keeps posted messages with their metadata and answers ``conversations.history``
as Slack does. A "crash" is a delivery begun and posted but never completed.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import AsyncIterator

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.poster import DIGEST_EVENT, HISTORY_PAGES, SlackPoster
from adapters.slack.testing import FakeSlack
from bot import GERMAN, Destination, PostFinder
from bot.delivery import DeliveryLoop
from bot.reconcile import LOOKUP_MARGIN
from bot.store import MemoryStore
from tests.bot.test_delivery import FakeClock, FakeSource, _digest

CHANNEL = Destination("slack", "C42")


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as made:
        yield made


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(dt.datetime.now(dt.UTC))  # the fake stamps messages with the real time


def poster_for(fake: FakeSlack, clock: FakeClock) -> SlackPoster:
    client = AsyncWebClient(token=fake.bot_token, base_url=fake.api_url, retry_handlers=[])
    return SlackPoster(client, GERMAN, clock=clock, interval=0)


async def crashed_after_posting(
    store: MemoryStore, poster: SlackPoster, clock: FakeClock, articles: tuple[str, ...]
) -> int:
    """Begin a delivery and post it, as a bot killed before it recorded the post would have."""
    delivery = store.begin_delivery(CHANNEL, articles, clock.now())
    await poster.post(CHANNEL, _digest(articles, None), delivery_id=delivery)
    return delivery


def test_the_slack_poster_can_look_up_its_posts(fake: FakeSlack, clock: FakeClock) -> None:
    assert isinstance(poster_for(fake, clock), PostFinder)


async def test_a_digest_slack_has_is_completed_with_its_ts_and_not_posted_again(
    fake: FakeSlack, clock: FakeClock
) -> None:
    store, poster = MemoryStore(), poster_for(fake, clock)
    delivery = await crashed_after_posting(store, poster, clock, ("a1", "a2"))
    fake.say("C42", "Guten Morgen")  # later chatter in the channel
    loop = DeliveryLoop(store, FakeSource(["a1", "a2"]), {"slack": poster}, clock)

    assert await loop.recover() == 0

    assert len(fake.calls_to("chat.postMessage")) == 1
    assert store.pending_deliveries() == []
    assert store.sent_articles(CHANNEL) == {"a1", "a2"}
    [lookup] = fake.calls_to("conversations.history")
    assert lookup.args["channel"] == "C42"
    assert lookup.args["include_all_metadata"] in ("1", "true")
    oldest = dt.datetime.fromtimestamp(float(lookup.args["oldest"]), dt.UTC)
    assert oldest == pytest.approx(clock.now() - LOOKUP_MARGIN, abs=dt.timedelta(seconds=1))
    assert (await poster.find_posted(CHANNEL, delivery, since=oldest)) == fake.posted("C42")[0][
        "ts"
    ]


async def test_a_digest_slack_does_not_have_is_posted_once_with_its_delivery_id(
    fake: FakeSlack, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    store, poster = MemoryStore(), poster_for(fake, clock)
    delivery = store.begin_delivery(CHANNEL, ["a1"], clock.now())  # killed before the post
    other = delivery + 1  # another delivery's digest, which the lookup must not take for it
    await poster.post(CHANNEL, _digest(("a9",), None), delivery_id=other)
    fake.say(
        "C42",
        "fake",
        user="UOTHER",
        metadata={"event_type": DIGEST_EVENT, "event_payload": {"delivery_id": delivery}},
    )
    loop = DeliveryLoop(store, FakeSource(["a1"]), {"slack": poster}, clock)

    with caplog.at_level(logging.WARNING):
        assert await loop.recover() == 1

    metadata = [m["metadata"]["event_payload"]["delivery_id"] for m in fake.posted("C42")]
    assert metadata == [other, delivery]
    assert store.sent_articles(CHANNEL) == {"a1"}
    assert store.pending_deliveries() == []
    assert caplog.text == ""


@pytest.mark.parametrize("error", ["missing_scope", "not_in_channel", "channel_not_found"])
async def test_when_slack_refuses_the_lookup_the_digest_is_re_sent_with_one_warning(
    fake: FakeSlack, clock: FakeClock, caplog: pytest.LogCaptureFixture, error: str
) -> None:
    store, poster = MemoryStore(), poster_for(fake, clock)
    delivery = await crashed_after_posting(store, poster, clock, ("a1",))
    fake.fail("conversations.history", error)
    loop = DeliveryLoop(store, FakeSource(["a1"]), {"slack": poster}, clock)

    with caplog.at_level(logging.WARNING):
        assert await loop.recover() == 1

    assert len(fake.posted("C42")) == 2  # the one duplicate the lookup would have spared
    assert store.pending_deliveries() == []
    [warning] = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert f"cannot look up delivery {delivery} in slack:C42 ({error})" in warning


async def test_the_lookup_pages_through_a_busy_channel(fake: FakeSlack, clock: FakeClock) -> None:
    store, poster = MemoryStore(), poster_for(fake, clock)
    await crashed_after_posting(store, poster, clock, ("a1",))
    for n in range(450):
        fake.say("C42", f"message {n}")
    loop = DeliveryLoop(store, FakeSource(["a1"]), {"slack": poster}, clock)

    assert await loop.recover() == 0

    assert len(fake.posted("C42")) == 1
    pages = fake.calls_to("conversations.history")
    assert len(pages) == 3
    assert [len(page.args.get("cursor") or "") > 0 for page in pages] == [False, True, True]


async def test_history_longer_than_the_lookup_reads_is_unavailable_and_re_sent(
    fake: FakeSlack, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    store, poster = MemoryStore(), poster_for(fake, clock)
    await crashed_after_posting(store, poster, clock, ("a1",))
    for n in range(HISTORY_PAGES * 200):
        fake.say("C42", f"message {n}")
    loop = DeliveryLoop(store, FakeSource(["a1"]), {"slack": poster}, clock)

    with caplog.at_level(logging.WARNING):
        assert await loop.recover() == 1

    assert len(fake.calls_to("conversations.history")) == HISTORY_PAGES
    assert f"more than {HISTORY_PAGES * 200} messages since" in caplog.text
