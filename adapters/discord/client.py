"""The Discord client: answers mentions, replies and DMs, and serves the slash commands.

No privileged intent: ``Intents.default()`` without ``message_content``. Discord still sends the
content of messages that mention the bot, of DMs and of replies to it, which is all the bot
reads. Each message is answered once (by message id, bounded), other bots and the bot itself
never. Slash commands are synced on start: globally, or to ``dev_guild`` at once for development.
The core's CPU work runs in a worker thread so the gateway's heartbeat never waits for it.
"""

from __future__ import annotations

import asyncio
import logging

import discord
from discord import app_commands

from adapters.discord.commands import CommandTranslator, slash_commands
from adapters.discord.inbound import (
    PLATFORM,
    SeenMessages,
    addressed_question,
    message_context,
)
from adapters.discord.outbound import NO_PINGS, reply_to
from adapters.discord.votes import VoteButton, vote_view
from bot import CoreWorkers

__all__ = ["NewsdeskClient", "newsdesk_intents"]

log = logging.getLogger(__name__)

#: discord.py waits this long for a 429 itself; longer ones raise (the digest loop retries later).
MAX_RATE_LIMIT_WAIT = 60.0


def newsdesk_intents() -> discord.Intents:
    """The gateway intents: the defaults, and explicitly no message content (privileged)."""
    intents = discord.Intents.default()
    intents.message_content = False
    return intents


class NewsdeskClient(discord.Client):
    """A ``discord.Client`` that answers from a Newsdesk core."""

    def __init__(
        self,
        workers: CoreWorkers,
        *,
        dev_guild: int | None = None,
        guild_ready_timeout: float = 2.0,
    ) -> None:
        """Prepare the client; nothing connects until it logs in.

        Args:
            workers: Run the platform-neutral core's work off the event loop.
            dev_guild: Sync slash commands to this guild only (instantly) instead of globally.
            guild_ready_timeout: Seconds to wait for guilds at start before ``on_ready``.
        """
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False  # no voice here
        super().__init__(
            intents=newsdesk_intents(),
            allowed_mentions=NO_PINGS,
            max_ratelimit_timeout=MAX_RATE_LIMIT_WAIT,
            guild_ready_timeout=guild_ready_timeout,
        )
        self.workers = workers
        self.core = workers.core
        self.dev_guild = dev_guild
        self.tree: app_commands.CommandTree[NewsdeskClient] = app_commands.CommandTree(self)
        for command in slash_commands(workers):
            self.tree.add_command(command)
        self.logged_in = asyncio.Event()
        self.ready = asyncio.Event()
        self._seen = SeenMessages()

    async def setup_hook(self) -> None:
        """After login: mark the HTTP side usable and sync the slash commands."""
        self.logged_in.set()
        self.add_dynamic_items(VoteButton)  # 👍/👎 clicks, also on answers sent before a restart
        await self.tree.set_translator(CommandTranslator())
        await self.sync_commands()

    async def sync_commands(self) -> None:
        """Upload the slash commands; a failure is logged and mentions keep working."""
        guild = discord.Object(self.dev_guild) if self.dev_guild else None
        if guild is not None:
            self.tree.copy_global_to(guild=guild)
        try:
            synced = await self.tree.sync(guild=guild)
        except discord.HTTPException as error:
            log.error(
                "could not sync the slash commands (%s); re-invite the bot with the link from"
                " `newsdesk discord invite` (scope applications.commands)",
                error,
            )
            return
        where = f"guild {self.dev_guild}" if guild else "all guilds (may take a while to show)"
        log.info("synced %d slash commands to %s", len(synced), where)

    async def on_ready(self) -> None:
        """Log who we are once the gateway is ready."""
        log.info("connected to Discord as %s in %d guild(s)", self.user, len(self.guilds))
        self.ready.set()

    async def on_message(self, message: discord.Message) -> None:
        """Answer a message meant for the bot, once."""
        if self.user is None:
            return
        question = addressed_question(message, self.user)
        if question is None or not self._seen.first_time(message.id):
            return
        context = message_context(message)
        reply = await self.workers.handle(question, context)
        answer_id = await self.workers.remember_answer(reply, PLATFORM)
        try:
            view = vote_view(answer_id) if answer_id else None
            await reply_to(message, reply, self.core.phrases, view=view)
        except discord.HTTPException as error:
            log.warning(
                "could not answer message %d in channel %d: %s",
                message.id,
                message.channel.id,
                error,
            )
