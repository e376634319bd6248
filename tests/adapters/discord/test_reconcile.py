"""A pending Discord delivery is looked up among the channel's messages before it is re-sent.

The real client's HTTP session talks to the fake Discord, which keeps posted messages (with
snowflakes of the real time, without their nonce, as Discord answers a history read) and honours
``enforce_nonce``. A "crash" is a delivery begun and posted but never completed.
"""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from adapters.discord import DiscordService
from adapters.discord.render import delivery_mark
from bot import Destination, PostFinder
from bot.delivery import DeliveryLoop
from bot.reconcile import LOOKUP_MARGIN
from bot.store import MemoryStore
from tests.adapters.discord.fake_discord import FakeDiscord
from tests.adapters.discord.fake_payloads import (
    BOT_USER,
    CHANNEL_ID,
    NO_HISTORY_CHANNEL_ID,
    PLAIN_CHANNEL_ID,
    user,
)
from tests.bot.test_delivery import FakeClock, FakeSource, _digest

HERE = Destination("discord", str(CHANNEL_ID))


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(dt.datetime.now(dt.UTC))  # the fake's snowflakes are of the real time


def loop_over(store: MemoryStore, bot: DiscordService, clock: FakeClock) -> DeliveryLoop:
    return DeliveryLoop(store, FakeSource(["a1", "a2"]), {"discord": bot.poster}, clock)


async def crashed_after_posting(
    store: MemoryStore, bot: DiscordService, clock: FakeClock, where: Destination = HERE
) -> int:
    """Begin a delivery and post it, as a bot killed before it recorded the post would have."""
    delivery = store.begin_delivery(where, ["a1", "a2"], clock.now())
    await bot.poster.post(where, _digest(("a1", "a2"), None), delivery_id=delivery)
    return delivery


def test_the_discord_poster_can_look_up_its_posts(bot: DiscordService) -> None:
    assert isinstance(bot.poster, PostFinder)


async def test_a_digest_discord_has_is_found_by_its_footer_and_not_posted_again(
    fake: FakeDiscord, bot: DiscordService, store: MemoryStore, clock: FakeClock
) -> None:
    delivery = await crashed_after_posting(store, bot, clock)
    fake.say(CHANNEL_ID, "Guten Morgen")
    [posted] = fake.posted(CHANNEL_ID)
    assert posted["embeds"][0]["footer"]["text"] == delivery_mark(delivery)

    assert await loop_over(store, bot, clock).recover() == 0

    assert len(fake.posted(CHANNEL_ID)) == 1
    assert store.pending_deliveries() == []
    assert store.sent_articles(HERE) == {"a1", "a2"}
    [read] = fake.requests("GET", f"/channels/{CHANNEL_ID}/messages")
    after = dt.datetime.fromtimestamp(
        ((int(read.query["after"]) >> 22) + 1420070400000) / 1000, dt.UTC
    )
    assert after == pytest.approx(clock.now() - LOOKUP_MARGIN, abs=dt.timedelta(seconds=1))


async def test_a_plain_digest_is_found_by_its_last_line(
    fake: FakeDiscord, bot: DiscordService, store: MemoryStore, clock: FakeClock
) -> None:
    plain = Destination("discord", str(PLAIN_CHANNEL_ID))
    delivery = await crashed_after_posting(store, bot, clock, plain)
    [posted] = fake.posted(PLAIN_CHANNEL_ID)
    assert posted["embeds"] == []
    assert posted["content"].splitlines()[-1] == f"-# {delivery_mark(delivery)}"

    assert await loop_over(store, bot, clock).recover() == 0

    assert len(fake.posted(PLAIN_CHANNEL_ID)) == 1
    assert store.sent_articles(plain) == {"a1", "a2"}


async def test_a_digest_discord_does_not_have_is_posted_once(
    fake: FakeDiscord,
    bot: DiscordService,
    store: MemoryStore,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    delivery = store.begin_delivery(HERE, ["a1"], clock.now())  # killed before the post
    mark = {"footer": {"text": delivery_mark(delivery)}}  # someone else's copy does not count
    fake.say(CHANNEL_ID, "", author=user(555, "mimic", bot=True), embeds=[mark])
    await bot.poster.post(HERE, _digest(("a9",), None), delivery_id=delivery + 1)  # another one

    with caplog.at_level(logging.WARNING):
        assert await loop_over(store, bot, clock).recover() == 1

    footers = [m["embeds"][0]["footer"]["text"] for m in fake.posted(CHANNEL_ID)]
    assert footers == [delivery_mark(delivery + 1), delivery_mark(delivery)]
    assert store.sent_articles(HERE) == {"a1"}
    assert caplog.text == ""


async def test_when_discord_refuses_the_read_the_digest_is_re_sent_with_one_warning(
    fake: FakeDiscord,
    bot: DiscordService,
    store: MemoryStore,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    delivery = await crashed_after_posting(store, bot, clock)
    fake.fail("GET", f"/channels/{CHANNEL_ID}/messages", 403, 50001, "Missing Access")

    with caplog.at_level(logging.WARNING):
        assert await loop_over(store, bot, clock).recover() == 1

    [warning] = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert f"cannot look up delivery {delivery} in discord:{CHANNEL_ID} (missing_access)" in warning
    # Discord's enforce_nonce still drops the repeat of a post it took minutes ago:
    assert len(fake.posted(CHANNEL_ID)) == 1
    assert store.pending_deliveries() == []


async def test_without_read_message_history_the_lookup_is_unavailable_not_empty(
    fake: FakeDiscord,
    bot: DiscordService,
    store: MemoryStore,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    where = Destination("discord", str(NO_HISTORY_CHANNEL_ID))
    delivery = await crashed_after_posting(store, bot, clock, where)

    with caplog.at_level(logging.WARNING):
        assert await loop_over(store, bot, clock).recover() == 1

    assert fake.requests("GET", f"/channels/{NO_HISTORY_CHANNEL_ID}/messages") == []
    assert f"cannot look up delivery {delivery} in {where.key} (no Read Message History" in (
        caplog.text
    )


async def test_the_lookup_reads_past_a_busy_hour(
    fake: FakeDiscord, bot: DiscordService, store: MemoryStore, clock: FakeClock
) -> None:
    for n in range(150):
        fake.say(CHANNEL_ID, f"vorher {n}")
    delivery = await crashed_after_posting(store, bot, clock)
    for n in range(30):
        fake.say(CHANNEL_ID, f"nachher {n}")
    assert delivery > 0

    assert await loop_over(store, bot, clock).recover() == 0

    reads = fake.requests("GET", f"/channels/{CHANNEL_ID}/messages")
    assert len(reads) == 2  # 100 of the 150 before it, then the rest up to the digest
    assert BOT_USER["id"] in {m["author"]["id"] for m in fake.posted(CHANNEL_ID)}
