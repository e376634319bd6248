"""The slash commands: ``/ask question [private]``, ``/sources [page]``, ``/help``,
``/digest now|subscribe|unsubscribe|list`` and ``/feed add|list|remove``.

Descriptions are written in English as :class:`~discord.app_commands.locale_str` and translated to
German by :class:`CommandTranslator`, so Discord shows each user the descriptions in their client's
language (``description_localizations`` in the uploaded schema).

Each command defers at once (Discord allows 3 seconds; whether the answer is ephemeral is fixed
then), asks the core off the event loop (:class:`bot.CoreWorkers`), and answers with a follow-up.
A problem (a wrong schedule, no such subscription, a question with only filler words) is only
the asker's: a public deferred message is deleted and the problem follows up ephemerally.

Who may change a channel's digests: Discord can set default permissions on top-level commands
only, and ``/digest now`` and ``/digest list`` must stay usable by everyone, so ``/digest`` has
no default permissions. The handler checks the member's Manage Channels permission in the
channel (Discord resolves it into ``interaction.permissions``) and passes it to the core as
``may_manage``; without it the core refuses politely, in an ephemeral answer. Server admins can
still narrow who sees ``/digest`` under Server Settings → Integrations. ``/feed add`` and
``/feed remove`` need the same permission (``/feed list`` is for everyone); its answers are
ephemeral.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

import discord
from discord import app_commands

from adapters.discord.inbound import PLATFORM, digest_text, interaction_context
from adapters.discord.outbound import follow_up
from adapters.discord.votes import vote_view
from bot import CoreWorkers, Reply, ReplyKind

__all__ = [
    "GERMAN_DESCRIPTIONS",
    "CommandTranslator",
    "DigestCommands",
    "FeedCommands",
    "ask_command",
    "slash_commands",
]

log = logging.getLogger(__name__)

Interaction = discord.Interaction[discord.Client]
SlashCommand = app_commands.Command[Any, ..., None]
_ = app_commands.locale_str

#: Every command and option description, English (as written below) to German.
GERMAN_DESCRIPTIONS: dict[str, str] = {
    "Ask the news archive a question": "Stell dem Nachrichtenarchiv eine Frage",
    "What you want to know, e.g. Wie viel bot Musk für OpenAI?": (
        "Was du wissen willst, z. B. Wie viel bot Musk für OpenAI?"
    ),
    "Only you see the answer": "Nur du siehst die Antwort",
    "The articles the bot knows": "Die Artikel, die der Bot kennt",
    "Which page, 1 the newest": "Welche Seite, 1 die neuesten",
    "What the bot understands": "Was der Bot versteht",
    "Digests of new articles for this channel": "Digests neuer Artikel für diesen Kanal",
    "The latest articles (or those on a topic)": "Die neuesten Artikel (oder die zu einem Thema)",
    "Only articles about this, e.g. OpenAI": "Nur Artikel hierzu, z. B. OpenAI",
    "Digests for this channel on a schedule": "Regelmäßige Digests für diesen Kanal",
    "e.g. weekdays 09:30, daily 08:00 in Europe/Berlin, every 6h, 30 9 * * 1-5": (
        "z. B. werktags 09:30, täglich 08:00 in Europe/Berlin, alle 6h, 30 9 * * 1-5"
    ),
    "Only articles about this topic": "Nur Artikel zu diesem Thema",
    "End this channel's digests": "Die Digests dieses Kanals beenden",
    "The number from /digest list, or all": "Die Nummer aus /digest list, oder all",
    "This channel's digests: next and last run": "Die Digests dieses Kanals: nächster und letzter",
    "Feeds that fill the archive": "Feeds, die das Archiv füllen",
    "Follow an RSS or Atom feed": "Einem RSS- oder Atom-Feed folgen",
    "The feed's address, e.g. https://www.heise.de/rss/heise-atom.xml": (
        "Die Adresse des Feeds, z. B. https://www.heise.de/rss/heise-atom.xml"
    ),
    "How often, e.g. 30m, 2h, 1d": "Wie oft, z. B. 30m, 2h, 1d",
    "The feeds: last fetch, last error, article count": (
        "Die Feeds: letzter Abruf, letzter Fehler, Artikelzahl"
    ),
    "Stop a feed (its articles stay)": "Einen Feed beenden (seine Artikel bleiben)",
    "Its number in /feed list": "Seine Nummer in /feed list",
}


class CommandTranslator(app_commands.Translator):
    """German descriptions for German clients; every other locale sees the English ones."""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        """Return the German text of ``string`` for the German locale, else None (English)."""
        if locale is discord.Locale.german:
            return GERMAN_DESCRIPTIONS.get(string.message)
        return None


async def respond(
    interaction: Interaction,
    workers: CoreWorkers,
    answer: Callable[[], Awaitable[Reply]],
    *,
    ephemeral: bool,
) -> None:
    """Defer, await the core's ``answer`` (worked on off the event loop), and follow up; an
    answer gets the 👍/👎 buttons."""
    phrases = workers.core.phrases
    await interaction.response.defer(ephemeral=ephemeral, thinking=True)
    try:
        reply = await answer()
    except Exception:
        name = interaction.command.qualified_name if interaction.command else "?"
        log.exception("the core failed on /%s", name)
        await interaction.delete_original_response()  # no "thinking..." left hanging
        return
    if reply.kind is ReplyKind.PROBLEM and not ephemeral:
        # A problem is the asker's alone. Ephemerality is fixed at defer time and the first
        # follow-up would take the deferred message's place, so that message goes first.
        await interaction.delete_original_response()
        ephemeral = True
    answer_id = await workers.remember_answer(reply, PLATFORM)
    view = vote_view(answer_id) if answer_id else None
    await follow_up(interaction, reply, phrases, ephemeral=ephemeral, view=view)


def ask_command(workers: CoreWorkers) -> SlashCommand:
    """``/ask question [private]``: an answer from the archive, public unless ``private``."""

    @app_commands.command(name="ask", description=_("Ask the news archive a question"))
    @app_commands.describe(
        question=_("What you want to know, e.g. Wie viel bot Musk für OpenAI?"),
        private=_("Only you see the answer"),
    )
    async def ask(interaction: Interaction, question: str, private: bool = False) -> None:
        answer = partial(workers.ask, question, (), PLATFORM)
        await respond(interaction, workers, answer, ephemeral=private)

    return ask


def keyword_command(workers: CoreWorkers, name: str, description: str) -> SlashCommand:
    """``/<name>``: the core's answer to the keyword ``name`` (``help``, ``sources``), ephemeral."""

    async def run(interaction: Interaction) -> None:
        answer = partial(workers.handle, name, interaction_context(interaction))
        await respond(interaction, workers, answer, ephemeral=True)

    return app_commands.Command(name=name, description=_(description), callback=run)


def sources_command(workers: CoreWorkers) -> SlashCommand:
    """``/sources [page]``: one page of the articles, newest first, ephemeral."""

    @app_commands.command(name="sources", description=_("The articles the bot knows"))
    @app_commands.describe(page=_("Which page, 1 the newest"))
    async def sources(interaction: Interaction, page: app_commands.Range[int, 1] = 1) -> None:
        text = "sources" if page == 1 else f"sources {page}"
        answer = partial(workers.handle, text, interaction_context(interaction))
        await respond(interaction, workers, answer, ephemeral=True)

    return sources


class DigestCommands(app_commands.Group):
    """``/digest``: digests of new articles for this channel, now or on a schedule."""

    def __init__(self, workers: CoreWorkers) -> None:
        """Answer the digest commands through ``workers``."""
        super().__init__(name="digest", description=_("Digests of new articles for this channel"))
        self.workers = workers

    async def _run(self, interaction: Interaction, text: str, *, ephemeral: bool) -> None:
        context = interaction_context(interaction)
        answer = partial(self.workers.handle, text, context)
        await respond(interaction, self.workers, answer, ephemeral=ephemeral)

    @app_commands.command(name="now", description=_("The latest articles (or those on a topic)"))
    @app_commands.describe(topic=_("Only articles about this, e.g. OpenAI"))
    async def now(self, interaction: Interaction, topic: str | None = None) -> None:
        """Show the latest articles here, now."""
        await self._run(interaction, digest_text("now", topic), ephemeral=False)

    @app_commands.command(name="subscribe", description=_("Digests for this channel on a schedule"))
    @app_commands.describe(
        schedule=_("e.g. weekdays 09:30, daily 08:00 in Europe/Berlin, every 6h, 30 9 * * 1-5"),
        about=_("Only articles about this topic"),
    )
    async def subscribe(
        self, interaction: Interaction, schedule: str, about: str | None = None
    ) -> None:
        """Subscribe this channel (needs Manage Channels)."""
        allowed = interaction_context(interaction).may_manage
        text = digest_text("subscribe", schedule, about=about)
        await self._run(interaction, text, ephemeral=not allowed)

    @app_commands.command(name="unsubscribe", description=_("End this channel's digests"))
    @app_commands.describe(which=_("The number from /digest list, or all"))
    async def unsubscribe(self, interaction: Interaction, which: str | None = None) -> None:
        """End one or all of this channel's subscriptions (needs Manage Channels)."""
        allowed = interaction_context(interaction).may_manage
        await self._run(interaction, digest_text("unsubscribe", which), ephemeral=not allowed)

    @app_commands.command(name="list", description=_("This channel's digests: next and last run"))
    async def list(self, interaction: Interaction) -> None:
        """List this channel's subscriptions (only the asker sees the list)."""
        await self._run(interaction, digest_text("list"), ephemeral=True)


class FeedCommands(app_commands.Group):
    """``/feed``: the feeds that fill the archive (changing them needs Manage Channels)."""

    def __init__(self, workers: CoreWorkers) -> None:
        """Answer the feed commands through ``workers``."""
        super().__init__(name="feed", description=_("Feeds that fill the archive"))
        self.workers = workers

    async def _run(self, interaction: Interaction, text: str) -> None:
        context = interaction_context(interaction)
        answer = partial(self.workers.handle, text, context)
        await respond(interaction, self.workers, answer, ephemeral=True)

    @app_commands.command(name="add", description=_("Follow an RSS or Atom feed"))
    @app_commands.describe(
        url=_("The feed's address, e.g. https://www.heise.de/rss/heise-atom.xml"),
        every=_("How often, e.g. 30m, 2h, 1d"),
    )
    async def add(self, interaction: Interaction, url: str, every: str | None = None) -> None:
        """Add a feed (needs Manage Channels)."""
        words = (every or "").strip()
        said = words.split(" ", 1)[0].lower() in ("every", "alle")
        interval = f" {words}" if said else f" every {words}" if words else ""
        await self._run(interaction, f"feed add {url.strip()}{interval}")

    @app_commands.command(
        name="list", description=_("The feeds: last fetch, last error, article count")
    )
    async def list(self, interaction: Interaction) -> None:
        """List the feeds."""
        await self._run(interaction, "feed list")

    @app_commands.command(name="remove", description=_("Stop a feed (its articles stay)"))
    @app_commands.describe(number=_("Its number in /feed list"))
    async def remove(self, interaction: Interaction, number: int) -> None:
        """Stop feed ``number`` (needs Manage Channels)."""
        await self._run(interaction, f"feed remove {number}")


def slash_commands(workers: CoreWorkers) -> list[SlashCommand | app_commands.Group]:
    """Every slash command of the bot, answered through ``workers``."""
    return [
        ask_command(workers),
        sources_command(workers),
        keyword_command(workers, "help", "What the bot understands"),
        DigestCommands(workers),
        FeedCommands(workers),
    ]
