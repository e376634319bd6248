"""The invite link: exactly the scopes and permissions the bot needs, and nothing more.

Scopes ``bot applications.commands``; permissions View Channel (1024), Send Messages (2048),
Send Messages in Threads (274877906944), Embed Links (16384) and Read Message History (65536,
needed to reply to a message): together 274877991936. No Manage or Mention Everyone permission.
The application id comes from the token without network: a bot token's first segment is the
base64 of the bot's user id, which for a bot account is the application id.
"""

from __future__ import annotations

import base64
import binascii

import discord

from adapters.discord.errors import DiscordSetupError
from bot import Settings

__all__ = [
    "INVITE_PERMISSIONS",
    "INVITE_SCOPES",
    "application_id",
    "application_id_from_token",
    "invite_url",
]

INVITE_SCOPES = ("bot", "applications.commands")
INVITE_PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    send_messages_in_threads=True,
    embed_links=True,
    read_message_history=True,
)


def invite_url(application_id: int) -> str:
    """The OAuth2 URL that adds the bot to a server with :data:`INVITE_PERMISSIONS`."""
    return discord.utils.oauth_url(
        application_id, permissions=INVITE_PERMISSIONS, scopes=INVITE_SCOPES
    )


def application_id_from_token(token: str) -> int:
    """Read the bot's user id (its application id) from a bot token, without network.

    Raises:
        DiscordSetupError: the token does not look like a Discord bot token.
    """
    head = token.strip().split(".", 1)[0]
    try:
        decoded = base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        decoded = ""
    if not decoded.isdigit():
        raise DiscordSetupError(
            "DISCORD_TOKEN does not look like a Discord bot token (its first part should encode"
            " the bot's id); copy it again from the Developer Portal's Bot page."
        )
    return int(decoded)


def application_id(settings: Settings) -> int:
    """The application id of the configured bot token.

    Raises:
        DiscordSetupError: no token is set, or it is malformed.
    """
    if settings.discord_token is None:
        raise DiscordSetupError("DISCORD_TOKEN is not set; set it to the bot's token.")
    return application_id_from_token(settings.discord_token.get_secret_value())
