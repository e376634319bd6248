"""The slash commands: ``/ask question [private]`` and ``/digest now|subscribe|unsubscribe|list``.

Each command defers at once (Discord allows 3 seconds; whether the answer is ephemeral is fixed
then), asks the core off the event loop (:class:`bot.CoreWorkers`), and answers with a follow-up.

Who may change a channel's digests: Discord can set default permissions on top-level commands
only, and ``/digest now`` and ``/digest list`` must stay usable by everyone, so ``/digest`` has
no default permissions. The handler checks the member's Manage Channels permission in the
channel (Discord resolves it into ``interaction.permissions``) and passes it to the core as
``may_manage``; without it the core refuses politely, in an ephemeral answer. Server admins can
still narrow who sees ``/digest`` under Server Settings → Integrations.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

import discord
from discord import app_commands

from adapters.discord.inbound import digest_text, interaction_context
from adapters.discord.outbound import follow_up
from bot import CoreWorkers, Phrasebook, Reply

__all__ = ["DigestCommands", "ask_command", "slash_commands"]

log = logging.getLogger(__name__)

Interaction = discord.Interaction[discord.Client]
SlashCommand = app_commands.Command[Any, ..., None]


async def respond(
    interaction: Interaction,
    phrases: Phrasebook,
    answer: Callable[[], Awaitable[Reply]],
    *,
    ephemeral: bool,
) -> None:
    """Defer, await the core's ``answer`` (worked on off the event loop), and follow up."""
    await interaction.response.defer(ephemeral=ephemeral, thinking=True)
    try:
        reply = await answer()
    except Exception:
        name = interaction.command.qualified_name if interaction.command else "?"
        log.exception("the core failed on /%s", name)
        await interaction.delete_original_response()  # no "thinking..." left hanging
        return
    await follow_up(interaction, reply, phrases, ephemeral=ephemeral)


def ask_command(workers: CoreWorkers) -> SlashCommand:
    """``/ask question [private]``: an answer from the archive, public unless ``private``."""

    @app_commands.command(name="ask", description="Ask the news archive a question")
    @app_commands.describe(
        question="What you want to know, e.g. Wie viel bot Musk für OpenAI?",
        private="Only you see the answer",
    )
    async def ask(interaction: Interaction, question: str, private: bool = False) -> None:
        await respond(
            interaction, workers.core.phrases, partial(workers.ask, question), ephemeral=private
        )

    return ask


class DigestCommands(app_commands.Group):
    """``/digest``: digests of new articles for this channel, now or on a schedule."""

    def __init__(self, workers: CoreWorkers) -> None:
        """Answer the digest commands through ``workers``."""
        super().__init__(name="digest", description="Digests of new articles for this channel")
        self.workers = workers

    async def _run(self, interaction: Interaction, text: str, *, ephemeral: bool) -> None:
        context = interaction_context(interaction)
        answer = partial(self.workers.handle, text, context)
        await respond(interaction, self.workers.core.phrases, answer, ephemeral=ephemeral)

    @app_commands.command(name="now", description="The latest articles (or those on a topic)")
    @app_commands.describe(topic="Only articles about this, e.g. OpenAI")
    async def now(self, interaction: Interaction, topic: str | None = None) -> None:
        """Show the latest articles here, now."""
        await self._run(interaction, digest_text("now", topic), ephemeral=False)

    @app_commands.command(name="subscribe", description="Digests for this channel on a schedule")
    @app_commands.describe(
        schedule="e.g. weekdays 09:30, daily 08:00 in Europe/Berlin, every 6h, 30 9 * * 1-5",
        about="Only articles about this topic",
    )
    async def subscribe(
        self, interaction: Interaction, schedule: str, about: str | None = None
    ) -> None:
        """Subscribe this channel (needs Manage Channels)."""
        allowed = interaction_context(interaction).may_manage
        text = digest_text("subscribe", schedule, about=about)
        await self._run(interaction, text, ephemeral=not allowed)

    @app_commands.command(name="unsubscribe", description="End this channel's digests")
    async def unsubscribe(self, interaction: Interaction) -> None:
        """End this channel's subscriptions (needs Manage Channels)."""
        allowed = interaction_context(interaction).may_manage
        await self._run(interaction, digest_text("unsubscribe"), ephemeral=not allowed)

    @app_commands.command(name="list", description="This channel's digests: next and last run")
    async def list(self, interaction: Interaction) -> None:
        """List this channel's subscriptions (only the asker sees the list)."""
        await self._run(interaction, digest_text("list"), ephemeral=True)


def slash_commands(workers: CoreWorkers) -> list[SlashCommand | app_commands.Group]:
    """Every slash command of the bot, answered through ``workers``."""
    return [ask_command(workers), DigestCommands(workers)]
