"""Post digests to Slack: the core's :class:`bot.Poster` port over ``chat.postMessage``.

- **Paced.** Slack takes about one message per second per channel; the poster waits out the rest
  of that second since its last post to the same channel (on an injected clock).
- **Translated, not retried.** The delivery loop (``bot.delivery``) owns the retry policy, so every
  failure becomes one :class:`bot.PostError`: HTTP 429 carries ``Retry-After`` as
  ``retry_after``; a channel that is gone, archived or closed to the bot (and a token that no
  longer works) is ``permanent``; a timeout or a dropped connection is ``ambiguous`` (the post
  may have landed). The client has no retry handlers of its own: a silent retry could post twice.
- **Traceable.** The delivery id travels as message metadata (``newsdesk_digest``), so a message
  can be matched to its delivery later.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.render_digest import digest_blocks
from bot import Clock, Destination, Digest, Phrasebook, PostError, SystemClock

__all__ = ["PERMANENT_ERRORS", "SlackPoster", "to_post_error"]

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
            {"event_type": "newsdesk_digest", "event_payload": {"delivery_id": delivery_id}}
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

    async def _pace(self, channel: str) -> None:
        last = self._last.get(channel)
        if last is not None:
            wait = self.interval - (self._now() - last)
            if wait > 0:
                await self.clock.sleep(wait)

    def _now(self) -> float:
        return self.clock.now().timestamp()
