"""Send rendered replies to Discord: never a ping, embeds only where the bot may embed links.

``allowed_mentions`` is :data:`NO_PINGS` on the client *and* on every send, so ``@everyone``,
``@here``, role and user mentions in article or user text ping nobody. Replies to a message
reference it (without failing when it was deleted meanwhile); slash commands are answered by a
follow-up to their deferred response.
"""

from __future__ import annotations

import discord
from discord.utils import MISSING

from adapters.discord.render import to_discord
from bot import Phrasebook, Reply

__all__ = ["NO_PINGS", "follow_up", "may_embed", "may_read_history", "reply_to"]

#: Mentions in anything the bot sends ping nobody.
NO_PINGS = discord.AllowedMentions.none()


def may_embed(channel: object) -> bool:
    """Whether the bot may embed links in ``channel`` (unknown channels and DMs: yes)."""
    return _permitted(channel, "embed_links")


def may_read_history(channel: object) -> bool:
    """Whether the bot may read ``channel``'s message history (unknown channels and DMs: yes)."""
    return _permitted(channel, "read_message_history")


def _permitted(channel: object, permission: str) -> bool:
    if isinstance(channel, discord.abc.GuildChannel | discord.Thread):
        me = channel.guild.me
        try:
            return me is None or bool(getattr(channel.permissions_for(me), permission))
        except discord.ClientException:  # a thread whose parent channel is not cached
            return True
    return True


async def reply_to(
    message: discord.Message,
    reply: Reply,
    phrases: Phrasebook,
    *,
    view: discord.ui.View | None = None,
) -> discord.Message:
    """Answer ``message`` in its channel, as a reply to it (with ``view``'s buttons, if any)."""
    rendered = to_discord(reply, phrases, embeds=may_embed(message.channel))
    return await message.channel.send(
        content=rendered.content,
        embeds=list(rendered.embeds),
        reference=message.to_reference(fail_if_not_exists=False),
        allowed_mentions=NO_PINGS,
        view=view or MISSING,
    )


async def follow_up(
    interaction: discord.Interaction[discord.Client],
    reply: Reply,
    phrases: Phrasebook,
    *,
    ephemeral: bool,
    view: discord.ui.View | None = None,
) -> None:
    """Send the answer to a deferred slash command (follow-ups may always embed)."""
    rendered = to_discord(reply, phrases)
    await interaction.followup.send(
        embeds=list(rendered.embeds),
        ephemeral=ephemeral,
        allowed_mentions=NO_PINGS,
        view=view or MISSING,
    )
