"""The service ``newsdesk run`` drives: settings pick the URLs, stop closes everything cleanly."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from discord.gateway import DiscordWebSocket
from discord.http import Route

from adapters.discord import DiscordService, DiscordSetupError, use_endpoints
from bot import Newsdesk
from tests.adapters.discord.conftest import discord_settings, running
from tests.adapters.discord.fake_discord import FakeDiscord
from tests.conftest import make_settings


async def test_the_service_uses_the_configured_urls_and_stops_cleanly(
    fake: FakeDiscord, newsdesk: Newsdesk, tmp_path: Path
) -> None:
    service = DiscordService(newsdesk, discord_settings(fake, tmp_path), guild_ready_timeout=0.05)
    assert service.platform == "discord"

    async with running(service):
        assert fake.api_url == Route.BASE
        assert fake.gateway_url == str(DiscordWebSocket.DEFAULT_GATEWAY)
        assert [c.path for c in fake.calls[:2]] == ["/users/@me", "/oauth2/applications/@me"]

    assert service.client.is_closed()
    await asyncio.wait_for(_until(lambda: not fake.sockets), timeout=5)


async def test_a_rejected_token_is_a_sentence_not_a_traceback(
    fake: FakeDiscord, newsdesk: Newsdesk, tmp_path: Path
) -> None:
    fake.fail("GET", "/users/@me", 401, 0, "401: Unauthorized")
    service = DiscordService(newsdesk, discord_settings(fake, tmp_path))

    with pytest.raises(DiscordSetupError, match="Discord rejected DISCORD_TOKEN"):
        await service.run(asyncio.Event())
    assert service.client.is_closed()


async def test_an_unreachable_discord_is_a_sentence_naming_the_url(
    fake: FakeDiscord, newsdesk: Newsdesk, tmp_path: Path
) -> None:
    settings = discord_settings(fake, tmp_path, discord_api_url="http://127.0.0.1:1/api/v10")
    service = DiscordService(newsdesk, settings)

    with pytest.raises(
        DiscordSetupError, match=r"cannot log in to Discord at http://127\.0\.0\.1:1"
    ):
        await service.run(asyncio.Event())
    assert service.client.is_closed()


def test_without_a_token_there_is_no_service(newsdesk: Newsdesk, tmp_path: Path) -> None:
    with pytest.raises(DiscordSetupError, match="DISCORD_TOKEN is not set"):
        DiscordService(newsdesk, make_settings(tmp_path))


def test_a_url_of_the_wrong_kind_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Route, "BASE", Route.BASE)
    with pytest.raises(DiscordSetupError, match="NEWSDESK_DISCORD_GATEWAY_URL"):
        use_endpoints("https://discord.com/api/v10", "https://gateway.discord.gg/")
    with pytest.raises(DiscordSetupError, match="NEWSDESK_DISCORD_API_URL"):
        use_endpoints("discord.com/api", "wss://gateway.discord.gg/")


async def _until(condition: object) -> None:
    while not condition():  # type: ignore[operator]
        await asyncio.sleep(0.01)
