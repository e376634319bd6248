"""The Slack service as `newsdesk run` drives it: settings, start-up checks, shutdown, manifest."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from pydantic import SecretStr

from adapters.slack.harness import SIGNING_SECRET, SlackHarness
from adapters.slack.payloads import mention_event
from adapters.slack.service import SlackService
from adapters.slack.testing import FakeSlack
from bot import Newsdesk, NewsdeskError, Settings

MANIFEST = Path(__file__).resolve().parents[3] / "slack-app-manifest.json"


def slack_settings(base: Settings, **values: Any) -> Settings:
    update = {"slack_bot_token": SecretStr("xoxb-secret-bot-token"), **values}
    return base.model_copy(update=update)


def test_http_mode_without_a_signing_secret_is_a_clear_sentence(
    core: Newsdesk, seed_settings: Settings
) -> None:
    with pytest.raises(NewsdeskError) as caught:
        SlackService(core, slack_settings(seed_settings))
    message = str(caught.value)
    assert "SLACK_SIGNING_SECRET" in message
    assert "SLACK_APP_TOKEN" in message
    assert "xoxb-secret-bot-token" not in message


def test_a_missing_bot_token_is_a_clear_sentence(core: Newsdesk, seed_settings: Settings) -> None:
    with pytest.raises(NewsdeskError, match="SLACK_BOT_TOKEN"):
        SlackService(core, seed_settings)


def test_a_bot_token_in_the_environment_starts_without_a_misleading_warning(
    core: Newsdesk, seed_settings: Settings, monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-secret-bot-token")  # Bolt reads it itself too
    settings = slack_settings(seed_settings, slack_app_token=SecretStr("xapp-1"))
    with caplog.at_level(logging.WARNING):
        SlackService(core, settings)
        logging.getLogger("slack_bolt.AsyncApp").warning("another Bolt warning")
    assert "will be unused" not in caplog.text
    assert "another Bolt warning" in caplog.text  # only that one notice is dropped


def test_every_client_uses_the_configured_api_url_with_its_slash(
    core: Newsdesk, seed_settings: Settings
) -> None:
    settings = slack_settings(
        seed_settings,
        slack_app_token=SecretStr("xapp-1"),
        slack_api_url="https://slack.example.org/api",
    )
    service = SlackService(core, settings)
    assert service.app.client.base_url == "https://slack.example.org/api/"
    assert service.poster.client.base_url == "https://slack.example.org/api/"


async def test_a_refused_token_stops_the_service_with_a_sentence_naming_the_variable(
    core: Newsdesk, seed_settings: Settings
) -> None:
    async with FakeSlack(bot_token="xoxb-the-right-one") as fake:
        settings = slack_settings(
            seed_settings,
            slack_signing_secret=SecretStr(SIGNING_SECRET),
            slack_api_url=fake.api_url,
            slack_http_port=0,
        )
        with pytest.raises(NewsdeskError) as caught:
            await SlackService(core, settings).run(asyncio.Event())
    message = str(caught.value)
    assert "SLACK_BOT_TOKEN" in message
    assert "invalid_auth" in message
    assert "xoxb-secret-bot-token" not in message


async def test_a_refused_app_token_is_a_sentence_too(
    core: Newsdesk, seed_settings: Settings
) -> None:
    async with FakeSlack(app_token="xapp-the-right-one") as fake:
        settings = slack_settings(
            seed_settings,
            slack_bot_token=SecretStr(fake.bot_token),
            slack_app_token=SecretStr("xapp-secret-app-token"),
            slack_api_url=fake.api_url,
        )
        with pytest.raises(NewsdeskError) as caught:
            await SlackService(core, settings).run(asyncio.Event())
    assert "Slack refused SLACK_APP_TOKEN (invalid_auth)" in str(caught.value)
    assert "xapp-secret-app-token" not in str(caught.value)
    assert fake.connected == 0


async def test_a_busy_port_is_a_clear_sentence(core: Newsdesk, seed_settings: Settings) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        async with FakeSlack() as fake:
            settings = slack_settings(
                seed_settings,
                slack_bot_token=SecretStr(fake.bot_token),
                slack_signing_secret=SecretStr(SIGNING_SECRET),
                slack_api_url=fake.api_url,
                slack_http_port=port,
            )
            with pytest.raises(NewsdeskError, match=f"127.0.0.1:{port}"):
                await SlackService(core, settings).run(asyncio.Event())


async def test_stopping_closes_the_http_server(core: Newsdesk, seed_settings: Settings) -> None:
    async with SlackHarness.serve(core, seed_settings) as bot:
        address = bot.service.address
        assert address is not None
        assert address.startswith("http://127.0.0.1:")
        await bot.stop()
        with pytest.raises(aiohttp.ClientConnectionError):
            await bot.post("{}", content_type="application/json")


async def test_no_token_or_secret_is_ever_logged(
    core: Newsdesk, seed_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with SlackHarness.serve(core, seed_settings, socket_mode=True) as bot:
        await bot.event(mention_event("<@UBOT> Was ist MAI-1?", ts="1.0"))
        await bot.fake.wait_for(lambda: bot.fake.calls_to("chat.postMessage"))
        await bot.stop()
        secrets = (bot.fake.bot_token, bot.fake.app_token, SIGNING_SECRET)
    assert caplog.records  # the SDKs did log, at debug level
    assert not [s for s in secrets if s in caplog.text]


def test_the_manifest_declares_what_the_adapter_serves() -> None:
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    commands = {c["command"]: c for c in manifest["features"]["slash_commands"]}
    assert set(commands) == {"/ask", "/digest", "/feed"}
    assert all(c["usage_hint"] and c["description"] for c in commands.values())
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == {
        "app_mentions:read",
        "chat:write",
        "commands",
        "im:history",
        "im:read",
        "im:write",
        "channels:history",
        "groups:history",
        "users:read",
    }
    settings = manifest["settings"]
    assert settings["event_subscriptions"]["bot_events"] == [
        "app_mention",
        "message.channels",  # replies in a thread the bot answered in
        "message.groups",
        "message.im",
    ]
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["socket_mode_enabled"] is True
