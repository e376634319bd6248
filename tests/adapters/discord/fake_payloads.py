"""Discord's JSON, as the fake Discord sends it and tests push it: one guild and its people.

The guild "Newsroom" has a text channel (``CHANNEL_ID``) with a thread (``THREAD_ID``), a second
channel (``OTHER_CHANNEL_ID``) and one where @everyone may not embed links
(``PLAIN_CHANNEL_ID``) and one where it may not read message history (``NO_HISTORY_CHANNEL_ID``).
@everyone may view, send (also in threads), embed and read history; the
Moderators role adds Manage Channels.
"""

from __future__ import annotations

import base64
import itertools
from typing import Any

__all__ = [
    "ALICE",
    "APP_ID",
    "BOT_USER",
    "CHANNEL_ID",
    "DM_CHANNEL_ID",
    "EMBED_LINKS",
    "EVERYONE_PERMISSIONS",
    "GUILD_ID",
    "MANAGE_CHANNELS",
    "MOD",
    "MOD_ROLE",
    "NO_HISTORY_CHANNEL_ID",
    "OTHER_BOT",
    "OTHER_CHANNEL_ID",
    "PLAIN_CHANNEL_ID",
    "READ_MESSAGE_HISTORY",
    "THREAD_ID",
    "application",
    "guild",
    "interaction",
    "message",
    "new_id",
    "ready",
    "sent_message",
    "token_for",
    "user",
]

APP_ID = 111111111111111111  # the bot's user id and application id
GUILD_ID = 222222222222222222
CHANNEL_ID = 333333333333333333
THREAD_ID = 333333333333333334
OTHER_CHANNEL_ID = 333333333333333335
PLAIN_CHANNEL_ID = 333333333333333336
NO_HISTORY_CHANNEL_ID = 333333333333333337
DM_CHANNEL_ID = 444444444444444444
OWNER = 555555555555555550
ALICE = 555555555555555551  # a member without Manage Channels
MOD = 555555555555555552  # a member of the Moderators role (Manage Channels)
OTHER_BOT = 555555555555555553
MOD_ROLE = 666666666666666661

EMBED_LINKS = 16384
READ_MESSAGE_HISTORY = 65536
MANAGE_CHANNELS = 16
EVERYONE_PERMISSIONS = 1024 | 2048 | 274877906944 | EMBED_LINKS | READ_MESSAGE_HISTORY

_ids = itertools.count(900000000000000001)


def new_id() -> int:
    """A fresh snowflake."""
    return next(_ids)


def token_for(user_id: int) -> str:
    """A bot token whose first segment encodes ``user_id``, as Discord's do."""
    head = base64.b64encode(str(user_id).encode()).decode().rstrip("=")
    return f"{head}.GfakeX.not-a-real-secret"


def user(user_id: int, name: str, *, bot: bool = False) -> dict[str, Any]:
    """A user."""
    return {
        "id": str(user_id),
        "username": name,
        "global_name": name.title(),
        "discriminator": "0",
        "avatar": None,
        "bot": bot,
    }


BOT_USER = user(APP_ID, "newsdesk", bot=True)


def member(who: dict[str, Any], roles: tuple[int, ...] = ()) -> dict[str, Any]:
    """A guild member (with its user)."""
    return {
        "user": who,
        "roles": [str(r) for r in roles],
        "joined_at": "2025-01-01T00:00:00+00:00",
        "deaf": False,
        "mute": False,
        "flags": 0,
    }


def message(
    content: str,
    *,
    author: dict[str, Any] | None = None,
    channel_id: int = CHANNEL_ID,
    guild: bool = True,
    mentions_bot: bool = False,
    roles: tuple[int, ...] = (),
    replying_to: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A MESSAGE_CREATE payload, by default Alice's (no roles) in the guild's text channel."""
    author = author or user(ALICE, "alice")
    data: dict[str, Any] = {
        "id": str(new_id()),
        "type": 0,
        "channel_id": str(channel_id),
        "author": author,
        "content": content,
        "timestamp": "2025-03-03T08:00:00+00:00",
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [BOT_USER] if mentions_bot else [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "pinned": False,
    }
    if guild:
        data["guild_id"] = str(GUILD_ID)
        data["member"] = {k: v for k, v in member(author, roles).items() if k != "user"}
    if replying_to is not None:
        data["type"] = 19
        data["message_reference"] = {
            "message_id": replying_to["id"],
            "channel_id": replying_to["channel_id"],
            "guild_id": str(GUILD_ID),
        }
        data["referenced_message"] = replying_to
    return data


def sent_message(channel_id: str, payload: dict[str, Any]) -> dict[str, Any]:
    """The message Discord makes of what the bot sent."""
    made = {
        "id": str(new_id()),
        "type": 19 if payload.get("message_reference") else 0,
        "channel_id": channel_id,
        "author": BOT_USER,
        "content": payload.get("content") or "",
        "embeds": payload.get("embeds") or [],
        "components": payload.get("components") or [],
        "timestamp": "2025-03-03T08:00:01+00:00",
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "pinned": False,
        "flags": payload.get("flags", 0),
    }
    if reference := payload.get("message_reference"):
        made["message_reference"] = {
            "message_id": reference["message_id"],
            "channel_id": channel_id,
            "guild_id": str(GUILD_ID),
        }
    return made


def interaction(
    name: str, options: list[dict[str, Any]], *, permissions: int = EVERYONE_PERMISSIONS
) -> dict[str, Any]:
    """An INTERACTION_CREATE payload: a slash command in the text channel, by a member whose
    channel permissions (as Discord resolves them) are ``permissions``."""
    interaction_id = new_id()
    return {
        "id": str(interaction_id),
        "application_id": str(APP_ID),
        "type": 2,
        "token": f"interaction-token-{interaction_id}",
        "version": 1,
        "guild_id": str(GUILD_ID),
        "channel_id": str(CHANNEL_ID),
        "channel": {"id": str(CHANNEL_ID), "type": 0, "guild_id": str(GUILD_ID)},
        "member": {**member(user(MOD, "mo")), "permissions": str(permissions)},
        "app_permissions": str(EVERYONE_PERMISSIONS),
        "locale": "de",
        "guild_locale": "de",
        "entitlements": [],
        "authorizing_integration_owners": {"0": str(GUILD_ID)},
        "context": 0,
        "attachment_size_limit": 10485760,
        "data": {"id": str(new_id()), "name": name, "type": 1, "options": options},
    }


def click(message: dict[str, Any], custom_id: str, *, by: int = ALICE) -> dict[str, Any]:
    """An INTERACTION_CREATE payload: a member clicks the button ``custom_id`` on ``message``."""
    interaction_id = new_id()
    return {
        "id": str(interaction_id),
        "application_id": str(APP_ID),
        "type": 3,
        "token": f"interaction-token-{interaction_id}",
        "version": 1,
        "guild_id": str(GUILD_ID),
        "channel_id": message["channel_id"],
        "channel": {"id": message["channel_id"], "type": 0, "guild_id": str(GUILD_ID)},
        "member": {**member(user(by, "clicker")), "permissions": str(EVERYONE_PERMISSIONS)},
        "app_permissions": str(EVERYONE_PERMISSIONS),
        "locale": "de",
        "guild_locale": "de",
        "entitlements": [],
        "authorizing_integration_owners": {"0": str(GUILD_ID)},
        "context": 0,
        "attachment_size_limit": 10485760,
        "message": message,
        "data": {"custom_id": custom_id, "component_type": 2},
    }


def application() -> dict[str, Any]:
    """``GET /oauth2/applications/@me``."""
    return {
        "id": str(APP_ID),
        "name": "Newsdesk",
        "description": "",
        "icon": None,
        "bot_public": True,
        "bot_require_code_grant": False,
        "owner": user(OWNER, "owner"),
        "team": None,
        "verify_key": "0" * 64,
        "flags": 0,
    }


def ready(resume_gateway_url: str) -> dict[str, Any]:
    """The READY event: the bot, its one (not yet available) guild, and the session."""
    return {
        "v": 10,
        "user": BOT_USER,
        "guilds": [{"id": str(GUILD_ID), "unavailable": True}],
        "session_id": "fake-session",
        "resume_gateway_url": resume_gateway_url,
        "application": {"id": str(APP_ID), "flags": 0},
    }


def _text_channel(channel_id: int, name: str, deny: int = 0) -> dict[str, Any]:
    overwrite = {"id": str(GUILD_ID), "type": 0, "allow": "0", "deny": str(deny)}
    return {
        "id": str(channel_id),
        "type": 0,
        "guild_id": str(GUILD_ID),
        "name": name,
        "position": 0,
        "permission_overwrites": [overwrite] if deny else [],
        "parent_id": None,
        "nsfw": False,
    }


def guild() -> dict[str, Any]:
    """The GUILD_CREATE event: channels, a thread, roles, and the bot as a member."""
    thread = {
        "id": str(THREAD_ID),
        "type": 11,
        "guild_id": str(GUILD_ID),
        "parent_id": str(CHANNEL_ID),
        "owner_id": str(ALICE),
        "name": "a thread",
        "message_count": 1,
        "member_count": 1,
        "thread_metadata": {
            "archived": False,
            "auto_archive_duration": 1440,
            "archive_timestamp": "2025-03-03T08:00:00+00:00",
            "locked": False,
        },
    }
    roles = [
        {"id": str(GUILD_ID), "name": "@everyone", "permissions": str(EVERYONE_PERMISSIONS)},
        {"id": str(MOD_ROLE), "name": "Moderators", "permissions": str(MANAGE_CHANNELS)},
    ]
    channels = [
        _text_channel(CHANNEL_ID, "general"),
        _text_channel(OTHER_CHANNEL_ID, "news"),
        _text_channel(PLAIN_CHANNEL_ID, "plain", deny=EMBED_LINKS),
        _text_channel(NO_HISTORY_CHANNEL_ID, "no-history", deny=READ_MESSAGE_HISTORY),
    ]
    return {
        "id": str(GUILD_ID),
        "name": "Newsroom",
        "owner_id": str(OWNER),
        "member_count": 4,
        "roles": roles,
        "channels": channels,
        "threads": [thread],
        "members": [member(BOT_USER)],
        **{key: [] for key in ("emojis", "stickers", "features", "voice_states")},
        **{key: [] for key in ("stage_instances", "guild_scheduled_events", "soundboard_sounds")},
    }
