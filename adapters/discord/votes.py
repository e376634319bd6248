"""👍/👎 under Discord answers, as under Slack's: persistent buttons whose clicks are stored.

Each button's ``custom_id`` carries the vote and the answer's id (``newsdesk:vote:up:<id>``), and
:class:`VoteButton` is a :class:`discord.ui.DynamicItem` registered on the client at start, so a
click is handled by whichever process runs the bot, also after a restart: nothing is kept in
memory. What the answer was about (question, articles, platform) is in the store, under its id
(:meth:`bot.Newsdesk.remember_answer`). The thanks go only to the voter (ephemeral).
"""

from __future__ import annotations

import re
from typing import Any, Protocol

import discord

from bot import CoreWorkers

__all__ = ["VOTE_ID", "VoteButton", "vote_view"]

#: A vote button's custom_id: the vote and the answer id (hex, from the core).
VOTE_ID = re.compile(r"newsdesk:vote:(?P<vote>up|down):(?P<answer>[0-9a-f]{1,64})")
_EMOJI = {"up": "👍", "down": "👎"}

Button = discord.ui.Button[discord.ui.View]


class _HasWorkers(Protocol):
    workers: CoreWorkers


class VoteButton(discord.ui.DynamicItem[Button], template=VOTE_ID.pattern):
    """One vote button; built again from its custom_id when clicked."""

    def __init__(self, vote: str, answer_id: str) -> None:
        """A 👍 (``"up"``) or 👎 (``"down"``) button for the answer ``answer_id``."""
        super().__init__(
            discord.ui.Button(
                style=discord.ButtonStyle.secondary,
                emoji=_EMOJI[vote],
                custom_id=f"newsdesk:vote:{vote}:{answer_id}",
            )
        )
        self.vote = vote
        self.answer_id = answer_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> VoteButton:
        """The button a click came from, read from its custom_id."""
        return cls(match["vote"], match["answer"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Store the vote (the latest of a user counts) and thank the voter only."""
        client: _HasWorkers = interaction.client
        user = str(interaction.user.id)
        reply = await client.workers.record_feedback(self.answer_id, user, self.vote)
        await interaction.response.send_message(
            reply.text, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
        )


def vote_view(answer_id: str) -> discord.ui.View:
    """The 👍/👎 buttons for one answer (persistent: no timeout)."""
    view = discord.ui.View(timeout=None)
    view.add_item(VoteButton("up", answer_id))
    view.add_item(VoteButton("down", answer_id))
    return view
