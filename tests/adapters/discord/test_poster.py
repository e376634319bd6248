"""Digests through the Poster port: the one delivery loop posts to Discord channels.

The real core's digests go through the real client's HTTP session to the fake Discord, driven by
``bot.delivery.DeliveryLoop`` with a fake clock and a memory store. Forbidden and unknown
channels are permanent failures that ``digest list`` shows; 429s are discord.py's to retry.
"""

from __future__ import annotations

from types import SimpleNamespace

import discord
import pytest

from adapters.discord import DiscordService, post_error
from adapters.discord.poster import delivery_nonce
from bot import Destination, Digest, Newsdesk, PostError, RequestContext
from bot.delivery import DeliveryLoop, RetryPolicy
from bot.store import MemoryStore
from tests.adapters.discord.fake_discord import FakeDiscord
from tests.adapters.discord.fake_payloads import CHANNEL_ID, OTHER_CHANNEL_ID
from tests.bot.test_delivery import T0, FakeClock, subscribe

HERE = Destination("discord", str(CHANNEL_ID))
NEWS = Destination("discord", str(OTHER_CHANNEL_ID))
GONE = Destination("discord", "999999999999999999")


def loop_for(newsdesk: Newsdesk, store: MemoryStore, bot: DiscordService) -> DeliveryLoop:
    assert newsdesk.desk is not None
    return DeliveryLoop(
        store, newsdesk.desk.digests, {"discord": bot.poster}, FakeClock(T0), retry=RetryPolicy()
    )


async def test_a_due_digest_is_posted_to_its_channel(
    fake: FakeDiscord, bot: DiscordService, newsdesk: Newsdesk, store: MemoryStore
) -> None:
    subscribe(store, HERE)

    [outcome] = await loop_for(newsdesk, store, bot).run_due()

    assert outcome.status == "posted"
    [post] = fake.requests("POST", f"/channels/{CHANNEL_ID}/messages")
    assert post.json["allowed_mentions"] == {"parse": []}
    [embed] = post.json["embeds"]
    assert embed["title"] == "Neu im Archiv"
    assert len(embed["fields"]) == 3  # a channel's first digest: the latest three
    assert post.json["enforce_nonce"] is True
    assert len(post.json["nonce"]) <= 25
    assert store.sent_articles(HERE) == frozenset(outcome.articles)


async def test_a_forbidden_channel_marks_its_subscription_and_others_still_get_theirs(
    fake: FakeDiscord, bot: DiscordService, newsdesk: Newsdesk, store: MemoryStore
) -> None:
    fake.fail("POST", f"/channels/{OTHER_CHANNEL_ID}/messages", 403, 50001, "Missing Access")
    subscribe(store, NEWS)
    subscribe(store, HERE)

    outcomes = await loop_for(newsdesk, store, bot).run_due()

    assert [(o.status, o.error) for o in outcomes] == [
        ("permanent_failure", "missing_access"),
        ("posted", None),
    ]
    assert len(fake.requests("POST", f"/channels/{OTHER_CHANNEL_ID}/messages")) == 1  # no retry
    assert store.subscriptions(NEWS)[0].last_error == "missing_access"
    assert store.sent_articles(NEWS) == frozenset()
    assert "missing_access" in newsdesk.handle("digest list", RequestContext(NEWS)).text


async def test_an_unknown_channel_is_a_permanent_failure(
    fake: FakeDiscord, bot: DiscordService, newsdesk: Newsdesk, store: MemoryStore
) -> None:
    fake.fail("POST", f"/channels/{GONE.channel}/messages", 404, 10003, "Unknown Channel")
    subscribe(store, GONE)

    [outcome] = await loop_for(newsdesk, store, bot).run_due()

    assert (outcome.status, outcome.error) == ("permanent_failure", "unknown_channel")


async def test_a_429_is_retried_by_discord_py_alone(
    fake: FakeDiscord, bot: DiscordService, newsdesk: Newsdesk, store: MemoryStore
) -> None:
    path = f"/channels/{CHANNEL_ID}/messages"
    fake.fail("POST", path, 429, 20028, "You are being rate limited.", retry_after=0.01)
    subscribe(store, HERE)

    [outcome] = await loop_for(newsdesk, store, bot).run_due()

    assert outcome.status == "posted"
    first, second = fake.requests("POST", path)
    assert first.json["nonce"] == second.json["nonce"]


async def test_a_server_error_is_transient_and_the_loop_retries(
    fake: FakeDiscord, bot: DiscordService, newsdesk: Newsdesk, store: MemoryStore
) -> None:
    fake.fail("POST", f"/channels/{CHANNEL_ID}/messages", 503, 0, "Service Unavailable")
    subscribe(store, HERE)

    [outcome] = await loop_for(newsdesk, store, bot).run_due()

    assert outcome.status == "posted"
    assert len(fake.requests("POST", f"/channels/{CHANNEL_ID}/messages")) == 2


def _response(status: int) -> SimpleNamespace:
    return SimpleNamespace(status=status, reason="")


@pytest.mark.parametrize(
    ("error", "reason", "permanent", "ambiguous"),
    [
        (discord.Forbidden(_response(403), {"code": 50001}), "missing_access", True, False),
        (discord.Forbidden(_response(403), {"code": 50013}), "missing_permissions", True, False),
        (discord.NotFound(_response(404), {"code": 10003}), "unknown_channel", True, False),
        (discord.HTTPException(_response(400), {"code": 50083}), "thread_archived", True, False),
        (discord.DiscordServerError(_response(503), ""), "discord_error_503", False, False),
        (TimeoutError(), "timeout", False, True),
    ],
)
def test_what_sending_raised_becomes_a_post_error(
    error: BaseException, reason: str, permanent: bool, ambiguous: bool
) -> None:
    translated = post_error(error)
    assert (translated.reason, translated.permanent, translated.ambiguous) == (
        reason,
        permanent,
        ambiguous,
    )


def test_a_rate_limit_longer_than_discord_py_waits_is_left_to_the_next_run() -> None:
    translated = post_error(discord.RateLimited(600.0))
    assert (translated.reason, translated.permanent, translated.retry_after) == (
        "rate_limited",
        False,
        600.0,
    )


def test_the_nonce_is_short_and_names_one_delivery_to_one_channel() -> None:
    digest = Digest(())
    assert len(delivery_nonce(HERE, digest, 7)) <= 25
    assert delivery_nonce(HERE, digest, 7) == delivery_nonce(HERE, digest, 7)
    assert delivery_nonce(HERE, digest, 7) != delivery_nonce(NEWS, digest, 7)
    assert delivery_nonce(HERE, digest, 7) != delivery_nonce(HERE, digest, 8)


async def test_a_destination_of_another_platform_is_refused(bot: DiscordService) -> None:
    with pytest.raises(PostError, match="not_a_discord_channel"):
        await bot.poster.post(Destination("slack", "C1"), Digest(()), delivery_id=None)
