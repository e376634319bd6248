"""Fixtures: a fake Discord on 127.0.0.1 and the real adapter running against it.

``Route.BASE`` and ``DiscordWebSocket.DEFAULT_GATEWAY`` are process-wide; monkeypatch records
them before the service points them at the fake, and puts them back after each test.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from adapters.discord import DiscordService  # first: it imports discord.py without a warning
from bot import Newsdesk, Settings, build_newsdesk
from bot.store import MemoryStore
from tests.adapters.discord.fake_discord import FakeDiscord
from tests.conftest import make_settings


def discord_settings(fake: FakeDiscord, data_dir: Path, **overrides: object) -> Settings:
    """Settings that serve Discord from the fake."""
    values: dict[str, object] = {
        "discord_token": fake.token,
        "discord_api_url": fake.api_url,
        "discord_gateway_url": fake.gateway_url,
    }
    return make_settings(data_dir, **{**values, **overrides})


@asynccontextmanager
async def running(service: DiscordService) -> AsyncIterator[DiscordService]:
    """Run the service until the block ends; fail fast if it dies while starting."""
    stop = asyncio.Event()
    task = asyncio.create_task(service.run(stop))
    ready = asyncio.create_task(service.client.ready.wait())
    try:
        await asyncio.wait((task, ready), timeout=10, return_when=asyncio.FIRST_COMPLETED)
        if task.done():
            task.result()  # raises what went wrong
        assert ready.done(), "the client never became ready"
        yield service
    finally:
        ready.cancel()
        stop.set()
        await asyncio.wait_for(task, timeout=10)


@pytest.fixture
async def fake(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    """A fake Discord; discord.py's global URLs are restored afterwards."""
    from discord.gateway import DiscordWebSocket  # noqa: PLC0415 (after adapters.discord)
    from discord.http import Route  # noqa: PLC0415

    monkeypatch.setattr(Route, "BASE", Route.BASE)
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", DiscordWebSocket.DEFAULT_GATEWAY)
    server = FakeDiscord()
    await server.start()
    yield server
    await server.close()


@pytest.fixture
def store() -> MemoryStore:
    """The store of this test's core."""
    return MemoryStore()


@pytest.fixture
def newsdesk(seed_settings: Settings, store: MemoryStore) -> Newsdesk:
    """The core over the seeds, with this test's store, warmed up.

    A process's first question loads word frequencies (a few tenths of a second); asking one
    here keeps the tests' timing free of it.
    """
    core = build_newsdesk(seed_settings, store=lambda: store)
    core.ask("Wie viel bot Musk für OpenAI?")
    return core


@pytest.fixture
async def bot(
    fake: FakeDiscord, newsdesk: Newsdesk, tmp_path: Path
) -> AsyncIterator[DiscordService]:
    """The Discord service, connected to the fake and ready."""
    service = DiscordService(newsdesk, discord_settings(fake, tmp_path), guild_ready_timeout=0.05)
    async with running(service):
        yield service
