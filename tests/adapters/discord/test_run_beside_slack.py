"""`newsdesk run` with Slack and Discord configured: one process, one digest loop, both served.

The real services run against their local fakes on 127.0.0.1 under ``bot.serve``, sharing one
answering worker process as ``newsdesk run`` does; a due subscription in a Slack channel and one
in a Discord channel are both delivered by the single delivery loop, and setting ``stop`` shuts
everything down, the worker last.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
from pydantic import SecretStr

from adapters.discord import DiscordService
from adapters.slack import SlackService
from adapters.slack.harness import SIGNING_SECRET
from adapters.slack.payloads import signed_headers, slash_command
from adapters.slack.testing import FakeSlack
from bot import CoreWorkers, Destination, PlatformService, build_newsdesk, serve
from bot.store import MemoryStore, NewSubscription
from tests.adapters.discord.conftest import discord_settings
from tests.adapters.discord.fake_discord import FakeDiscord
from tests.adapters.discord.fake_payloads import APP_ID, CHANNEL_ID, message

QUESTION = "Wie viel bot Musk für OpenAI?"
FORM = "application/x-www-form-urlencoded"


def answering_in_processes(workers: CoreWorkers) -> bool:
    """Read the flag afresh (a function call, so the type checker does not carry a narrowing)."""
    return workers.in_processes


def due(destination: Destination) -> NewSubscription:
    now = dt.datetime.now(dt.UTC)
    return NewSubscription(
        destination=destination,
        schedule="daily 08:00",
        cron="0 8 * * *",
        timezone="Europe/Berlin",
        topic=None,
        created_at=now - dt.timedelta(days=1),
        next_run=now - dt.timedelta(minutes=1),
    )


async def test_slack_and_discord_in_one_process_share_one_digest_loop(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    store = MemoryStore()
    store.add_subscription(due(Destination("slack", "CSLACK")))
    store.add_subscription(due(Destination("discord", str(CHANNEL_ID))))
    async with FakeSlack() as slack_fake:
        settings = discord_settings(
            fake,
            tmp_path / "data",
            slack_bot_token=SecretStr(slack_fake.bot_token),
            slack_signing_secret=SecretStr(SIGNING_SECRET),
            slack_api_url=slack_fake.api_url,
            slack_http_port=0,
            answer_processes=1,
        )
        core = build_newsdesk(settings, store=lambda: store)
        workers = CoreWorkers(core, settings)
        services: list[PlatformService] = [
            SlackService(core, settings, workers=workers),
            DiscordService(core, settings, guild_ready_timeout=0.05, workers=workers),
        ]
        stop = asyncio.Event()
        running = asyncio.create_task(serve(core, services, settings, stop, workers=workers))

        await slack_fake.wait_for(lambda: slack_fake.calls_to("chat.postMessage"), timeout=20)
        path = f"/channels/{CHANNEL_ID}/messages"
        await fake.wait_for("POST", path, timeout=20)
        assert answering_in_processes(workers)

        # a question on each platform, answered by the shared worker process
        discord_service = services[1]
        assert isinstance(discord_service, DiscordService)
        await asyncio.wait_for(discord_service.client.ready.wait(), timeout=10)
        await fake.push("MESSAGE_CREATE", message(f"<@{APP_ID}> {QUESTION}", mentions_bot=True))
        fields = slash_command("/ask", QUESTION, response_url=slack_fake.response_url("ask"))
        body = urlencode(fields)
        headers = {"Content-Type": FORM, **signed_headers(SIGNING_SECRET, body, content_type=FORM)}
        assert isinstance(services[0], SlackService)
        assert services[0].address is not None
        address = services[0].address
        async with (
            aiohttp.ClientSession() as session,
            session.post(address, data=body, headers=headers) as acked,
        ):
            assert acked.status == 200
        await slack_fake.wait_for(lambda: slack_fake.responses_to("ask"), timeout=20)
        [*_, discord_answer] = await fake.wait_for("POST", path, count=2, timeout=20)
        stop.set()
        await asyncio.wait_for(running, timeout=20)
        assert not answering_in_processes(workers)  # closed once the services had stopped

    [slack_post] = slack_fake.calls_to("chat.postMessage")
    assert slack_post.args["channel"] == "CSLACK"
    [discord_post, discord_answer] = fake.requests("POST", path)
    assert discord_post.json["allowed_mentions"] == {"parse": []}
    assert "97,4 Milliarden USD" in discord_answer.json["embeds"][0]["description"]
    [slack_answer] = slack_fake.responses_to("ask")
    assert "97,4 Milliarden USD" in slack_answer["text"]
    for destination in (Destination("slack", "CSLACK"), Destination("discord", str(CHANNEL_ID))):
        assert len(store.sent_articles(destination)) == 5  # 3 shown + 2 older, recorded once
    assert all(s.last_error is None and s.last_run for s in store.subscriptions())
    store.close()
