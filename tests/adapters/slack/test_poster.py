"""Digests to Slack: the poster over ``chat.postMessage``, driven by the real delivery loop.

The loop runs on a fake clock (no real sleeping); the poster talks HTTP to the fake Slack, which
answers with errors, 429s or slowly when told to.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from adapters.slack.harness import SlackHarness
from adapters.slack.poster import SlackPoster, to_post_error
from adapters.slack.testing import FakeSlack
from bot import (
    GERMAN,
    Destination,
    Digest,
    DigestItem,
    Newsdesk,
    PostError,
    RequestContext,
    Settings,
    build_newsdesk,
)
from bot.delivery import DeliveryLoop
from bot.store import MemoryStore
from tests.bot.test_delivery import FakeClock

MONDAY_0800_UTC = dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC)  # 09:00 in Berlin
TEAM = RequestContext(Destination("slack", "C42"), user="U1")
DIGEST = Digest((DigestItem("001", "Mozilla wettet", "Creati.ai", None, ("Es geht um KI.",)),))


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as made:
        yield made


def poster_for(fake: FakeSlack, clock: FakeClock, *, timeout: int = 30) -> SlackPoster:
    client = AsyncWebClient(
        token=fake.bot_token, base_url=fake.api_url, timeout=timeout, retry_handlers=[]
    )
    return SlackPoster(client, GERMAN, clock=clock)


async def test_a_digest_is_posted_as_blocks_with_its_delivery_id(fake: FakeSlack) -> None:
    poster = poster_for(fake, FakeClock(MONDAY_0800_UTC))
    ts = await poster.post(Destination("slack", "C42"), DIGEST, delivery_id=7)
    [call] = fake.calls_to("chat.postMessage")
    assert ts == fake.posted("C42")[0]["ts"]
    assert call.args["channel"] == "C42"
    assert call.args["blocks"][0]["text"]["text"] == "Neu im Archiv"
    assert call.args["blocks"][1]["text"]["text"] == ("*Mozilla wettet*\nCreati.ai\nEs geht um KI.")
    assert call.args["metadata"] == {
        "event_type": "newsdesk_digest",
        "event_payload": {"delivery_id": 7},
    }
    assert call.args["text"] == "Neu im Archiv: Mozilla wettet"


async def test_posts_to_one_channel_are_paced_to_one_a_second(fake: FakeSlack) -> None:
    clock = FakeClock(MONDAY_0800_UTC)
    poster = poster_for(fake, clock)
    await poster.post(Destination("slack", "C1"), DIGEST, delivery_id=1)
    await poster.post(Destination("slack", "C2"), DIGEST, delivery_id=2)
    assert clock.sleeps == []  # another channel need not wait
    await poster.post(Destination("slack", "C1"), DIGEST, delivery_id=3)
    assert clock.sleeps == [pytest.approx(1.0)]
    assert len(fake.calls_to("chat.postMessage")) == 3


def core_over(settings: Settings, store: MemoryStore, clock: FakeClock) -> Newsdesk:
    return build_newsdesk(settings, store=lambda: store, clock=clock.now)


async def test_a_429_is_honoured_and_the_digest_still_arrives_once(
    fake: FakeSlack, seed_settings: Settings
) -> None:
    clock, store = FakeClock(MONDAY_0800_UTC), MemoryStore()
    core = core_over(seed_settings, store, clock)
    assert core.desk is not None
    core.handle("digest subscribe daily 09:30", TEAM)
    loop = DeliveryLoop(store, core.desk.digests, {"slack": poster_for(fake, clock)}, clock)
    fake.rate_limit("chat.postMessage", retry_after=7)

    clock.advance(dt.timedelta(minutes=30))
    [outcome] = await loop.run_due()

    assert outcome.status == "posted"
    assert [c.status for c in fake.calls_to("chat.postMessage", ok=None)] == [429, 200]
    assert clock.sleeps
    assert clock.sleeps[0] >= 7  # waited at least as long as Slack asked
    assert store.sent_articles(TEAM.destination) == set(outcome.articles)


async def test_a_channel_subscribed_in_slack_gets_its_digest_there(seed_settings: Settings) -> None:
    clock, store = FakeClock(MONDAY_0800_UTC), MemoryStore()
    core = core_over(seed_settings, store, clock)
    assert core.desk is not None
    async with SlackHarness.serve(core, seed_settings, clock=clock) as bot:
        await bot.command("subscribe daily 09:30", command="/digest", channel="C42")
        await bot.fake.wait_for(lambda: bot.fake.responses_to("r1"))
        loop = DeliveryLoop(store, core.desk.digests, {"slack": bot.service.poster}, clock)
        clock.advance(dt.timedelta(minutes=30))
        [outcome] = await loop.run_due()
        [post] = bot.fake.calls_to("chat.postMessage")
    assert outcome.status == "posted"
    assert post.args["channel"] == "C42"
    header, *items = post.args["blocks"][:4]
    assert header["text"]["text"] == "Neu im Archiv"
    assert [i["text"]["text"].split("\n")[0] for i in items] == [
        "*Mozilla Bets $1.4 Billion on an AI 'Rebel Alliance' to Break Big Tech's Grip*",
        "*Microsoft verliert Kontrolle über OpenAI?*",
        "*In einem Schritt, der die Landschaft der künstlichen Intelligenz grundlegend neu…*",
    ]


@pytest.mark.parametrize("error", ["not_in_channel", "channel_not_found", "is_archived"])
async def test_a_channel_the_bot_cannot_post_to_marks_the_subscription_failing(
    fake: FakeSlack, seed_settings: Settings, error: str
) -> None:
    clock, store = FakeClock(MONDAY_0800_UTC), MemoryStore()
    core = core_over(seed_settings, store, clock)
    assert core.desk is not None
    core.handle("digest subscribe daily 09:30", TEAM)
    loop = DeliveryLoop(store, core.desk.digests, {"slack": poster_for(fake, clock)}, clock)
    fake.fail("chat.postMessage", error)

    clock.advance(dt.timedelta(minutes=30))
    [outcome] = await loop.run_due()

    assert outcome.status == "permanent_failure"
    assert len(fake.calls_to("chat.postMessage", ok=None)) == 1  # not retried
    assert store.subscriptions()[0].last_error == error
    assert error in core.handle("digest list", TEAM).text  # what the channel's people see
    assert store.sent_articles(TEAM.destination) == frozenset()


async def test_a_timeout_is_an_ambiguous_failure(fake: FakeSlack) -> None:
    fake.delay("chat.postMessage", 2.0)
    poster = poster_for(fake, FakeClock(MONDAY_0800_UTC), timeout=1)
    with pytest.raises(PostError) as caught:
        await poster.post(Destination("slack", "C1"), DIGEST, delivery_id=1)
    assert (caught.value.reason, caught.value.permanent, caught.value.ambiguous) == (
        "timeout",
        False,
        True,
    )


def refusal(status: int, error: str, headers: dict[str, str] | None = None) -> SlackApiError:
    response = AsyncSlackResponse(
        client=AsyncWebClient(),
        http_verb="POST",
        api_url="chat.postMessage",
        req_args={},
        data={"ok": False, "error": error},
        headers=headers or {},
        status_code=status,
    )
    return SlackApiError("refused", response)  # type: ignore[no-untyped-call]


@pytest.mark.parametrize(
    ("refused", "reason", "permanent", "retry_after"),
    [
        (refusal(429, "ratelimited", {"Retry-After": "30"}), "rate_limited", False, 30.0),
        (refusal(429, "ratelimited", {"retry-after": "soon"}), "rate_limited", False, None),
        (refusal(200, "not_in_channel"), "not_in_channel", True, None),
        (refusal(200, "missing_scope"), "missing_scope", True, None),
        (refusal(200, "account_inactive"), "account_inactive", True, None),
        (refusal(200, "invalid_auth"), "invalid_auth", True, None),
        (refusal(200, "internal_error"), "internal_error", False, None),
        (refusal(503, ""), "http_503", False, None),
    ],
)
def test_slack_refusals_become_post_errors(
    refused: SlackApiError, reason: str, permanent: bool, retry_after: float | None
) -> None:
    error = to_post_error(refused)
    assert (error.reason, error.permanent, error.retry_after) == (reason, permanent, retry_after)
    assert not error.ambiguous
