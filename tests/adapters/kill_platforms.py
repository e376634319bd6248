"""The fake platforms a kill run (:mod:`tests.adapters.kill_harness`) points ``newsdesk run`` at.

Each side starts its fake on 127.0.0.1, gives the bot's environment, names the channels, refuses
lookups when asked (as an app without the scope or permission would see), and reads back each
digest in a channel as ``(delivery id, the articles it shows)``.
"""

from __future__ import annotations

import json
import re
from typing import Any, Protocol

from adapters.slack.poster import DIGEST_EVENT
from adapters.slack.testing import FakeSlack
from tests.adapters.discord import fake_payloads as payloads
from tests.adapters.discord.fake_discord import FakeDiscord

__all__ = ["Digests", "DiscordSide", "FakePlatform", "SlackSide"]

_ARTICLE_URL = re.compile(r"https://example\.org/([a-z]+)/(\d+)")
_DISCORD_MARK = re.compile(r"^Newsdesk · Digest (\d+)$")

Digests = list[tuple[int, set[tuple[str, int]]]]


class FakePlatform(Protocol):
    """What the kill harness needs of a fake platform."""

    name: str

    async def start(self, lag: float) -> None:
        """Listen, answering each channel post ``lag`` seconds after taking it."""

    async def close(self) -> None:
        """Stop listening."""

    def refuse_lookups(self, channels: list[str]) -> None:
        """Make every lookup in these channels fail as a missing scope or permission does."""

    def environment(self) -> dict[str, str]:
        """The bot's settings for this platform."""

    def channels(self, count: int) -> list[str]:
        """``count`` channel ids to subscribe."""

    def post_attempts(self) -> int:
        """How many channel posts the bot has made so far."""

    def holding(self) -> int:
        """Channel posts taken whose answer is still held back."""

    def digests(self, channel: str) -> Digests:
        """The bot's digests in a channel, oldest first."""


def _articles(text: str) -> set[tuple[str, int]]:
    return {(slug, int(number)) for slug, number in _ARTICLE_URL.findall(text)}


class SlackSide:
    """Slack in Socket Mode: lookups refused with ``missing_scope``."""

    name = "slack"

    def __init__(self) -> None:
        """Prepare the fake (it listens from :meth:`start`)."""
        self.fake = FakeSlack()

    async def start(self, lag: float) -> None:
        """Listen; answer posts late."""
        await self.fake.start()
        self.fake.lag(lag)

    async def close(self) -> None:
        """Stop listening."""
        await self.fake.close()

    def refuse_lookups(self, channels: list[str]) -> None:
        """An app installed without ``channels:history``."""
        self.fake.fail("conversations.history", "missing_scope", times=1_000_000)

    def environment(self) -> dict[str, str]:
        """Tokens and the fake's Web API."""
        return {
            "SLACK_BOT_TOKEN": self.fake.bot_token,
            "SLACK_APP_TOKEN": self.fake.app_token,
            "NEWSDESK_SLACK_API_URL": self.fake.api_url,
        }

    def channels(self, count: int) -> list[str]:
        """``C1``, ``C2``, ..."""
        return [f"C{n + 1}" for n in range(count)]

    def post_attempts(self) -> int:
        """``chat.postMessage`` calls."""
        return len(self.fake.calls_to("chat.postMessage", ok=None))

    def holding(self) -> int:
        """Posts not answered yet."""
        return self.fake.holding

    def digests(self, channel: str) -> Digests:
        """By the message metadata's delivery id; articles by their links in the blocks."""
        found: Digests = []
        for message in self.fake.posted(channel):
            metadata: dict[str, Any] = message.get("metadata") or {}
            if metadata.get("event_type") == DIGEST_EVENT:
                delivery = int(metadata["event_payload"]["delivery_id"])
                found.append((delivery, _articles(json.dumps(message.get("blocks")))))
        return found


class DiscordSide:
    """Discord (REST and gateway): lookups refused with 403 Missing Access.

    ``remember_nonces=False`` is a restart later than the few minutes in which Discord drops a
    post whose nonce it has seen (without that, a quick re-send never shows twice).
    """

    name = "discord"

    def __init__(self, *, remember_nonces: bool = True) -> None:
        """Prepare the fake (it listens from :meth:`start`)."""
        self.fake = FakeDiscord()
        self.fake.remember_nonces = remember_nonces

    async def start(self, lag: float) -> None:
        """Listen; answer posts late."""
        await self.fake.start()
        self.fake.lag(lag)

    async def close(self) -> None:
        """Stop listening."""
        await self.fake.close()

    def refuse_lookups(self, channels: list[str]) -> None:
        """Every history read answers 403 Missing Access."""
        for channel in channels:
            path = f"/channels/{channel}/messages"
            self.fake.fail("GET", path, 403, 50001, "Missing Access", times=10_000)

    def environment(self) -> dict[str, str]:
        """The token and the fake's REST and gateway URLs."""
        return {
            "DISCORD_TOKEN": self.fake.token,
            "NEWSDESK_DISCORD_API_URL": self.fake.api_url,
            "NEWSDESK_DISCORD_GATEWAY_URL": self.fake.gateway_url,
        }

    def channels(self, count: int) -> list[str]:
        """The guild's two text channels, then channels the bot knows only by id."""
        known = [payloads.CHANNEL_ID, payloads.OTHER_CHANNEL_ID]
        more = [payloads.NO_HISTORY_CHANNEL_ID + 100 + n for n in range(max(0, count - 2))]
        return [str(c) for c in (known + more)[:count]]

    def post_attempts(self) -> int:
        """``POST /channels/{id}/messages`` calls."""
        posts = self.fake.requests(
            "POST", lambda path: path.startswith("/channels/") and path.endswith("/messages")
        )
        return len(posts)

    def holding(self) -> int:
        """Posts not answered yet."""
        return self.fake.holding

    def digests(self, channel: str) -> Digests:
        """By the delivery mark in the embed footer; articles by their links in the fields."""
        found: Digests = []
        for message in self.fake.posted(int(channel)):
            for embed in message.get("embeds") or []:
                mark = _DISCORD_MARK.match((embed.get("footer") or {}).get("text") or "")
                if mark:
                    found.append((int(mark.group(1)), _articles(json.dumps(embed))))
        return found
