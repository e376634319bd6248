"""Request signing in HTTP mode: only Slack's correctly signed, fresh requests reach the bot."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from urllib.parse import urlencode

import pytest
from slack_sdk.signature import Clock, SignatureVerifier

from adapters.slack.harness import SIGNING_SECRET, SlackHarness
from adapters.slack.payloads import signed_headers, slash_command
from bot import Newsdesk, Settings, build_newsdesk
from bot.store import MemoryStore

# Slack's published example (https://api.slack.com/authentication/verifying-requests-from-slack)
EXAMPLE_TIMESTAMP = "1531420618"
EXAMPLE_BODY = (
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
    "&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text="
    "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIG"
    "lgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
)
EXAMPLE_SIGNATURE = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
FORM = "application/x-www-form-urlencoded"


class At(Clock):
    """slack_sdk's clock, stopped at one moment."""

    def __init__(self, now: float) -> None:
        self.moment = now

    def now(self) -> float:
        return self.moment


def test_slacks_published_example_verifies() -> None:
    verifier = SignatureVerifier(SIGNING_SECRET, clock=At(float(EXAMPLE_TIMESTAMP) + 10))
    assert verifier.generate_signature(timestamp=EXAMPLE_TIMESTAMP, body=EXAMPLE_BODY) == (
        EXAMPLE_SIGNATURE
    )
    assert verifier.is_valid(EXAMPLE_BODY, EXAMPLE_TIMESTAMP, EXAMPLE_SIGNATURE)
    assert not verifier.is_valid(EXAMPLE_BODY + "x", EXAMPLE_TIMESTAMP, EXAMPLE_SIGNATURE)
    late = SignatureVerifier(SIGNING_SECRET, clock=At(float(EXAMPLE_TIMESTAMP) + 301))
    assert not late.is_valid(EXAMPLE_BODY, EXAMPLE_TIMESTAMP, EXAMPLE_SIGNATURE)


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
async def bot(seed_settings: Settings, store: MemoryStore) -> AsyncIterator[SlackHarness]:
    core: Newsdesk = build_newsdesk(seed_settings, store=lambda: store)
    async with SlackHarness.serve(core, seed_settings) as harness:
        yield harness


def subscribe_body(bot: SlackHarness) -> str:
    fields = slash_command("/digest", "subscribe daily 08:00", response_url=bot.fake.response_url())
    return urlencode(fields)


def good(body: str) -> dict[str, str]:
    return signed_headers(SIGNING_SECRET, body, content_type=FORM)


def forged(case: str, body: str) -> tuple[str, dict[str, str]]:
    """A request as an attacker (or a slow network) might send it: body and headers."""
    now = int(time.time())
    signed = signed_headers(SIGNING_SECRET, body, content_type=FORM)

    def signed_at(stamp: int) -> dict[str, str]:
        return signed_headers(SIGNING_SECRET, body, content_type=FORM, timestamp=stamp)

    example = {
        "X-Slack-Request-Timestamp": EXAMPLE_TIMESTAMP,
        "X-Slack-Signature": EXAMPLE_SIGNATURE,
    }
    return {
        "wrong-signature": (body, {**signed, "X-Slack-Signature": "v0=" + "0" * 64}),
        "wrong-secret": (body, signed_headers("another-secret", body, content_type=FORM)),
        "tampered-body": (body.replace("08%3A00", "09%3A00"), signed),
        "stale": (body, signed_at(now - 301)),
        "future": (body, signed_at(now + 301)),
        "no-headers": (body, {}),
        "no-signature": (body, {"X-Slack-Request-Timestamp": str(now)}),
        "replayed-example": (EXAMPLE_BODY, example),
    }[case]


@pytest.mark.parametrize(
    "case",
    [
        "wrong-signature",
        "wrong-secret",
        "tampered-body",
        "stale",
        "future",
        "no-headers",
        "no-signature",
        "replayed-example",
    ],
)
async def test_a_badly_signed_request_gets_401_and_runs_nothing(
    bot: SlackHarness, store: MemoryStore, case: str
) -> None:
    body, headers = forged(case, subscribe_body(bot))
    headers.pop("Content-Type", None)
    status, _ = await bot.post(body, content_type=FORM, headers=headers)
    assert status == 401
    assert store.subscriptions() == []
    assert bot.fake.responses == []
    assert [call.method for call in bot.fake.calls] == ["auth.test"]  # the start-up check only


async def test_the_same_request_correctly_signed_is_served(
    bot: SlackHarness, store: MemoryStore
) -> None:
    body = subscribe_body(bot)
    status, _ = await bot.post(body, content_type=FORM, headers=good(body))
    assert status == 200
    await bot.fake.wait_for(lambda: bool(bot.fake.responses))
    assert len(store.subscriptions()) == 1
