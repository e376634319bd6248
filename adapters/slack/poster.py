"""Post digests to Slack: the core's :class:`bot.Poster` port over ``chat.postMessage``.

- **Paced.** Slack takes about one message per second per channel; the poster waits out the rest
  of that second since its last post to the same channel (on an injected clock).
- **Translated, not retried.** The delivery loop (``bot.delivery``) owns the retry policy, so every
  failure becomes one :class:`bot.PostError`: HTTP 429 carries ``Retry-After`` as
  ``retry_after``; a channel that is gone, archived or closed to the bot (and a token that no
  longer works) is ``permanent``; a timeout or a dropped connection is ``ambiguous`` (the post
  may have landed). The client has no retry handlers of its own: a silent retry could post twice.
- **Traceable.** The delivery id travels as message metadata (``newsdesk_digest``), so a message
  can be matched to its delivery later: :meth:`SlackPoster.find_posted` (the core's
  :class:`bot.PostFinder`) reads the channel's history since the delivery began
  (``conversations.history`` with ``include_all_metadata``, at most :data:`HISTORY_PAGES` pages)
  for the bot's own message with that metadata. It needs the ``channels:history`` scope (and
  ``groups:history`` for private channels, ``im:history`` for DMs); without it, or when the bot
  is not in the channel, Slack's error is the :class:`bot.LookupUnavailable` reason. Lookups
  are few (at start-up, one to five calls per pending delivery); where Slack limits
  ``conversations.history`` more tightly (commercially distributed apps outside the Marketplace,
  since 2025), its 429 makes the lookup unavailable and the digest is re-sent.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Mapping
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.render_digest import digest_blocks
from bot import (
    Clock,
    Destination,
    Digest,
    LookupUnavailable,
    Phrasebook,
    PostError,
    SystemClock,
)

__all__ = [
    "DIGEST_EVENT",
    "HISTORY_PAGES",
    "PERMANENT_ERRORS",
    "SlackPoster",
    "is_delivery_message",
    "to_post_error",
]

#: The metadata ``event_type`` of a digest message; its payload holds the ``delivery_id``.
DIGEST_EVENT = "newsdesk_digest"
#: Pages of history (of :data:`_PAGE_SIZE` messages) a lookup reads before it gives up.
HISTORY_PAGES = 5
_PAGE_SIZE = 200

#: Slack errors that retrying the same post cannot fix.
PERMANENT_ERRORS = frozenset(
    {
        "not_in_channel",
        "channel_not_found",
        "is_archived",
        "missing_scope",
        "account_inactive",
        "invalid_auth",
        "not_authed",
        "token_revoked",
        "token_expired",
        "restricted_action",
        "ekm_access_denied",
        "team_access_not_granted",
        "invalid_blocks",
        "msg_too_long",
        "no_text",
    }
)


def to_post_error(error: SlackApiError) -> PostError:
    """Translate a refused ``chat.postMessage`` into the delivery loop's :class:`PostError`."""
    response = error.response
    reason = str(response.get("error") or f"http_{response.status_code}")
    if response.status_code == 429:
        return PostError(
            "rate_limited", permanent=False, retry_after=_retry_after(response.headers)
        )
    return PostError(reason, permanent=reason in PERMANENT_ERRORS)


def _retry_after(headers: Mapping[str, object]) -> float | None:
    for name, value in headers.items():
        if name.lower() == "retry-after":
            try:
                return max(0.0, float(str(value)))
            except ValueError:
                return None
    return None


class SlackPoster:
    """Posts each digest as one Block Kit message to its channel."""

    def __init__(
        self,
        client: AsyncWebClient,
        phrases: Phrasebook,
        *,
        clock: Clock | None = None,
        interval: float = 1.0,
    ) -> None:
        """Post with ``client`` (no retry handlers), at most one message per ``interval`` seconds
        per channel, timed by ``clock``."""
        self.client, self.phrases = client, phrases
        self.clock = clock or SystemClock()
        self.interval = interval
        self._last: dict[str, float] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._identity: tuple[str, str] | None = None

    async def post(
        self, destination: Destination, digest: Digest, *, delivery_id: int | None
    ) -> str | None:
        """Post one digest; return the message's ``ts``.

        Raises:
            PostError: Slack refused the post or did not answer; see the module docstring.
        """
        channel = destination.channel
        message = digest_blocks(digest, self.phrases)
        metadata = (
            {"event_type": DIGEST_EVENT, "event_payload": {"delivery_id": delivery_id}}
            if delivery_id is not None
            else None
        )
        async with self._locks.setdefault(channel, asyncio.Lock()):
            await self._pace(channel)
            try:
                response = await self.client.chat_postMessage(
                    channel=channel, metadata=metadata, unfurl_links=False, **message
                )
            except SlackApiError as error:
                raise to_post_error(error) from None
            except TimeoutError:
                raise PostError("timeout", permanent=False, ambiguous=True) from None
            except aiohttp.ClientConnectorError:
                raise PostError("connection_failed", permanent=False) from None
            except aiohttp.ClientError as error:
                raise PostError(type(error).__name__, permanent=False, ambiguous=True) from None
            finally:
                self._last[channel] = self._now()
        return str(response.get("ts") or "") or None

    async def find_posted(
        self, destination: Destination, delivery_id: int, *, since: dt.datetime
    ) -> str | None:
        """Return the ``ts`` of the bot's digest message of ``delivery_id`` posted after ``since``.

        Returns:
            The message's ``ts``, or None when the channel's history since then has none.

        Raises:
            LookupUnavailable: Slack refused (``missing_scope``, ``not_in_channel``, ...), did not
                answer, or the history since then is longer than :data:`HISTORY_PAGES` pages.
        """
        try:
            bot = await self._bot_identity()
            cursor: str | None = None
            for _ in range(HISTORY_PAGES):
                page = await self.client.conversations_history(
                    channel=destination.channel,
                    oldest=f"{since.timestamp():.6f}",
                    include_all_metadata=True,
                    limit=_PAGE_SIZE,
                    cursor=cursor,
                )
                for message in page.get("messages") or []:
                    if is_delivery_message(message, delivery_id, bot):
                        return str(message["ts"])
                cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
                if not page.get("has_more") or cursor is None:
                    return None
        except SlackApiError as error:
            raise LookupUnavailable(to_post_error(error).reason) from None
        except (TimeoutError, aiohttp.ClientError) as error:
            raise LookupUnavailable(type(error).__name__) from None
        raise LookupUnavailable(f"more than {HISTORY_PAGES * _PAGE_SIZE} messages since")

    async def _bot_identity(self) -> tuple[str, str]:
        """The bot's ``(user_id, bot_id)``, from ``auth.test`` once."""
        if self._identity is None:
            answer = await self.client.auth_test()
            self._identity = (str(answer.get("user_id") or ""), str(answer.get("bot_id") or ""))
        return self._identity

    async def _pace(self, channel: str) -> None:
        last = self._last.get(channel)
        if last is not None:
            wait = self.interval - (self._now() - last)
            if wait > 0:
                await self.clock.sleep(wait)

    def _now(self) -> float:
        return self.clock.now().timestamp()


def is_delivery_message(message: Mapping[str, Any], delivery_id: int, bot: tuple[str, str]) -> bool:
    """Whether a history ``message`` is the digest of ``delivery_id`` posted by ``bot``.

    ``bot`` is ``(user_id, bot_id)``; a message counts as the bot's when either matches.
    """
    user_id, bot_id = bot
    if not (user_id and message.get("user") == user_id) and not (
        bot_id and message.get("bot_id") == bot_id
    ):
        return False
    metadata = message.get("metadata") or {}
    payload = metadata.get("event_payload") or {}
    return metadata.get("event_type") == DIGEST_EVENT and str(payload.get("delivery_id")) == str(
        delivery_id
    )
