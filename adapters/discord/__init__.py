"""The Discord adapter: mentions, DMs and slash commands answered by the core; digests posted.

``newsdesk run`` builds a :class:`DiscordService` (its ``poster`` joins the one delivery loop)
and awaits ``run(stop)``; ``newsdesk discord invite`` prints
``invite_url(application_id(settings))``. Translation is pure and tested on its own:
:mod:`~adapters.discord.inbound` (messages and commands in) and
:mod:`~adapters.discord.render` (``to_discord(reply)``: embeds out).

This package shares its name with the ``discord`` library it uses: import it as
``adapters.discord`` and never put ``adapters/`` itself on ``sys.path``.

discord.py imports ``audioop`` (for voice, unused here), deprecated since Python 3.11; that one
warning is silenced while discord.py is first imported, so the adapter also imports under
``-W error`` (as in the test suite).
"""

import warnings

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", "'audioop' is deprecated", DeprecationWarning)
    import discord  # noqa: F401  (imported once here, with the warning above silenced)

from adapters.discord.client import NewsdeskClient, newsdesk_intents
from adapters.discord.errors import DiscordSetupError
from adapters.discord.invite import (
    INVITE_PERMISSIONS,
    INVITE_SCOPES,
    application_id,
    application_id_from_token,
    invite_url,
)
from adapters.discord.poster import DiscordPoster, post_error
from adapters.discord.render import DiscordMessage, to_discord
from adapters.discord.service import DiscordService, use_endpoints

__all__ = [
    "INVITE_PERMISSIONS",
    "INVITE_SCOPES",
    "DiscordMessage",
    "DiscordPoster",
    "DiscordService",
    "DiscordSetupError",
    "NewsdeskClient",
    "application_id",
    "application_id_from_token",
    "invite_url",
    "newsdesk_intents",
    "post_error",
    "to_discord",
    "use_endpoints",
]
