"""Translate Discord in: which messages are for the bot, their question, and who may do what.

The bot needs no privileged intent: Discord sends it the content of messages that mention it,
of DMs, and of replies to it. :func:`addressed_question` picks those (never another bot's, never
its own), :func:`to_question` strips the bot's mention, and the ``*_context`` functions say where
a request came from and whether its author may change the channel's digests (Manage Channels; a
person may always manage their own DM). Slash-command options become the core's grammar
(:func:`digest_text`), so ``/digest subscribe`` and ``@newsdesk digest subscribe`` are one thing.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Mapping

import discord

from bot import Destination, RequestContext

__all__ = [
    "PLATFORM",
    "SeenMessages",
    "addressed_question",
    "conversation_of",
    "digest_text",
    "interaction_context",
    "message_context",
    "to_question",
]

PLATFORM = "discord"

_MENTION = re.compile(r"<(@!?|@&|#)(\d+)>")
_ANSWERED_TYPES = (discord.MessageType.default, discord.MessageType.reply)


def to_question(
    content: str,
    *,
    bot_id: int,
    bot_role_id: int | None = None,
    names: Mapping[int, str] | None = None,
) -> str:
    """Remove the bot's mentions (``<@id>``, ``<@!id>``, its role) and name the other ones.

    Args:
        content: The message as Discord sends it.
        bot_id: The bot's user id.
        bot_role_id: The bot's own managed role in the guild, if any (mentioning it is asking).
        names: Readable names for other mentioned users, roles and channels, by id.
    """

    known = names or {}

    def replace(match: re.Match[str]) -> str:
        kind, ident = match.group(1), int(match.group(2))
        own = {"@": bot_id, "@!": bot_id, "@&": bot_role_id}.get(kind)
        if ident == own:
            return " "
        return f" {known[ident]} " if ident in known else " "

    return " ".join(_MENTION.sub(replace, content).split())


def addressed_question(message: discord.Message, me: discord.abc.User) -> str | None:
    """The question of a message meant for the bot, or None when it is not for the bot."""
    if message.author.bot or message.author.id == me.id or message.type not in _ANSWERED_TYPES:
        return None
    role = message.guild.self_role if message.guild else None
    mentioned = any(u.id == me.id for u in message.mentions) or (
        role is not None and role in message.role_mentions
    )
    resolved = message.reference.resolved if message.reference else None
    replied = isinstance(resolved, discord.Message) and resolved.author.id == me.id
    in_dm = message.guild is None
    if not (mentioned or in_dm or (replied and message.content.strip())):
        return None
    names: dict[int, str] = {u.id: f"@{u.display_name}" for u in message.mentions}
    names.update({r.id: f"@{r.name}" for r in message.role_mentions})
    names.update({c.id: f"#{c.name}" for c in message.channel_mentions})
    return to_question(
        message.content, bot_id=me.id, bot_role_id=role.id if role else None, names=names
    )


def conversation_of(message: discord.Message) -> tuple[str, str | None]:
    """The conversation a message belongs to within its channel, and the one it continues.

    A Discord thread is one conversation, and so is a DM. Otherwise a message starts one under
    its own id; a reply to the bot's answer continues the conversation of the message that
    answer replied to (Discord resolves one level of a chain, which is all the bot sees without
    reading history), so the core reads that one and keeps it going under the reply's id.
    """
    if message.guild is None:
        return "dm", None
    if isinstance(message.channel, discord.Thread):
        return str(message.channel.id), None
    resolved = message.reference.resolved if message.reference else None
    if isinstance(resolved, discord.Message):
        parent = resolved.reference.message_id if resolved.reference else None
        return str(message.id), str(parent or resolved.id)
    return str(message.id), None


def message_context(message: discord.Message) -> RequestContext:
    """Where a message came from (its conversation too), and whether its author may change the
    channel's digests."""
    may_manage = message.guild is None
    if isinstance(message.author, discord.Member):
        try:
            may_manage = message.channel.permissions_for(message.author).manage_channels
        except discord.ClientException:  # a thread whose parent channel is not cached
            may_manage = False
    thread, follows = conversation_of(message)
    return RequestContext(
        Destination(PLATFORM, str(message.channel.id)),
        user=str(message.author.id),
        may_manage=may_manage,
        thread=thread,
        follows=follows,
    )


def interaction_context(interaction: discord.Interaction[discord.Client]) -> RequestContext:
    """Where a slash command came from; Discord resolves the member's channel permissions."""
    may_manage = interaction.guild_id is None or interaction.permissions.manage_channels
    return RequestContext(
        Destination(PLATFORM, str(interaction.channel_id)),
        user=str(interaction.user.id),
        may_manage=may_manage,
    )


def digest_text(subcommand: str, words: str | None = None, *, about: str | None = None) -> str:
    """A ``/digest`` slash command in the core's grammar: ``digest subscribe ... about ...``."""
    parts = ["digest", subcommand, (words or "").strip()]
    if about and about.strip():
        parts += ["about", about.strip()]
    return " ".join(part for part in parts if part)


class SeenMessages:
    """The ids of the latest messages answered, so each is answered once (bounded memory)."""

    def __init__(self, capacity: int = 4096) -> None:
        """Remember at most ``capacity`` ids, forgetting the oldest first."""
        self.capacity = capacity
        self._ids: OrderedDict[int, None] = OrderedDict()

    def first_time(self, message_id: int) -> bool:
        """Record ``message_id``; True if it was not seen before."""
        if message_id in self._ids:
            return False
        self._ids[message_id] = None
        if len(self._ids) > self.capacity:
            self._ids.popitem(last=False)
        return True
