"""The Discord service ``newsdesk run`` drives: connect, serve until told to stop, close cleanly.

The service owns the client and the digest :attr:`DiscordService.poster`; it starts no delivery
loop of its own (the one loop of the process posts through the poster). The REST and gateway
URLs come from the settings (``NEWSDESK_DISCORD_API_URL``, ``NEWSDESK_DISCORD_GATEWAY_URL``) and
are applied to discord.py before login, so production and the tests' fake Discord go through the
same code path. discord.py keeps them process-wide: one Discord bot per process.
"""

from __future__ import annotations

import asyncio
import logging

import discord
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from adapters.discord.client import NewsdeskClient
from adapters.discord.errors import DiscordSetupError
from adapters.discord.poster import DiscordPoster
from bot import CoreWorkers, Newsdesk, Poster, Settings

__all__ = ["DiscordService", "use_endpoints"]

log = logging.getLogger(__name__)


def use_endpoints(api_url: str, gateway_url: str) -> None:
    """Point discord.py's REST calls and gateway connection at these URLs.

    Raises:
        DiscordSetupError: a URL is not an http(s) or ws(s) URL.
    """
    if not api_url.startswith(("https://", "http://")):
        raise DiscordSetupError(f"NEWSDESK_DISCORD_API_URL must be an http(s) URL, got {api_url!r}")
    if not gateway_url.startswith(("wss://", "ws://")):
        raise DiscordSetupError(
            f"NEWSDESK_DISCORD_GATEWAY_URL must be a ws(s) URL, got {gateway_url!r}"
        )
    Route.BASE = api_url.rstrip("/")
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)


class DiscordService:
    """Serves Discord for one core: mentions, DMs, slash commands, and a digest poster."""

    platform = "discord"

    def __init__(
        self,
        core: Newsdesk,
        settings: Settings,
        *,
        guild_ready_timeout: float = 2.0,
        workers: CoreWorkers | None = None,
    ) -> None:
        """Prepare the client and the poster; nothing connects until :meth:`run`.

        ``workers`` run the core's work (default: threads of this process); whoever made them
        starts and closes them (``bot.serve`` does).

        Raises:
            DiscordSetupError: ``DISCORD_TOKEN`` is not set.
        """
        if settings.discord_token is None:
            raise DiscordSetupError("DISCORD_TOKEN is not set; Discord cannot be served.")
        self.settings = settings
        self.client = NewsdeskClient(
            workers or CoreWorkers(core),
            dev_guild=settings.discord_guild_id,
            guild_ready_timeout=guild_ready_timeout,
        )
        self.poster: Poster = DiscordPoster(self.client, core.phrases)

    async def run(self, stop: asyncio.Event) -> None:
        """Log in, serve until ``stop`` is set, then close the connection and the session.

        Raises:
            DiscordSetupError: the token was rejected, Discord cannot be reached, or the
                connection ended for good (for example a privileged intent is required).
        """
        settings = self.settings
        use_endpoints(settings.discord_api_url, settings.discord_gateway_url)
        token = settings.discord_token.get_secret_value() if settings.discord_token else ""
        async with self.client:
            try:
                await self.client.login(token)
            except discord.LoginFailure:
                raise DiscordSetupError(
                    "Discord rejected DISCORD_TOKEN; copy the token again from the Developer"
                    " Portal's Bot page."
                ) from None
            except (discord.HTTPException, OSError) as error:
                raise DiscordSetupError(
                    f"cannot log in to Discord at {settings.discord_api_url}: {error}"
                ) from error
            await self._serve(stop)

    async def _serve(self, stop: asyncio.Event) -> None:
        connection = asyncio.create_task(self.client.connect(reconnect=True))
        stopping = asyncio.create_task(stop.wait())
        try:
            await asyncio.wait((connection, stopping), return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
            await self.client.close()
            await asyncio.wait((connection, stopping))
        error = None if connection.cancelled() else connection.exception()
        if error is not None:
            raise DiscordSetupError(f"the Discord connection ended: {error}") from error
        log.info("Discord connection closed")
