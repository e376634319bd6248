"""A Slack digest cut at Block Kit's limits records only what it shows, across a crash."""

from __future__ import annotations

import html
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.poster import SlackPoster
from adapters.slack.testing import FakeSlack
from bot import GERMAN, Destination, Poster
from tests.adapters.digest_wire import cut_crash_restart
from tests.bot.test_delivery import FakeClock


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as made:
        yield made


async def test_a_cut_slack_digest_records_what_it_shows_even_across_a_crash(
    fake: FakeSlack, tmp_path: Path
) -> None:
    def poster(clock: FakeClock) -> Poster:
        client = AsyncWebClient(token=fake.bot_token, base_url=fake.api_url, retry_handlers=[])
        return SlackPoster(client, GERMAN, clock=clock)

    def messages() -> list[str]:
        posts = fake.calls_to("chat.postMessage")
        for post in posts:  # each is a message Slack accepts
            assert len(post.args["blocks"]) <= 50
            for block in post.args["blocks"]:
                if block["type"] == "section":
                    assert len(block["text"]["text"]) <= 3000
        return [html.unescape(json.dumps(p.args["blocks"], ensure_ascii=False)) for p in posts]

    await cut_crash_restart(tmp_path, Destination("slack", "CFLOOD"), poster, messages)
