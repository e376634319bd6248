"""Post digests to Discord channels: the core's :class:`bot.Poster` port.

The post goes through the client's HTTP session (``channel.send``): no gateway connection is
needed, only the login. Failures become :class:`bot.PostError` values the delivery loop
understands (:func:`post_error`):

- 403 and 404 are permanent (``missing_access`` 50001, ``missing_permissions`` 50013,
  ``unknown_channel`` 10003, ...): retrying cannot help, and ``digest list`` shows the reason.
- 429 is discord.py's: its rate limiter waits and retries by itself (up to
  ``MAX_RATE_LIMIT_WAIT``), so the poster never retries a 429 a second time; a longer wait
  surfaces as ``rate_limited`` with its ``retry_after``, for the loop's next run.
- 5xx and lost connections are transient; a timeout is ambiguous (the post may have landed).

The delivery id travels as the message ``nonce`` with ``enforce_nonce``: Discord answers a
repeat within a few minutes with the first message instead of posting twice. Discord does not
keep the nonce with the message, so the digest also shows its delivery
(:func:`adapters.discord.render.delivery_mark`: the embed footer ``Newsdesk · Digest 7``, or a
last small line of plain content), and :meth:`DiscordPoster.find_posted` (the core's
:class:`bot.PostFinder`) looks for the bot's message with that mark among the channel's messages
since the delivery began (at most :data:`HISTORY_LIMIT`). It needs *Read Message History*: without
it (Discord would answer with no messages at all) or when Discord refuses, the lookup is
unavailable (:class:`bot.LookupUnavailable`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib

import aiohttp
import discord
from discord.utils import MISSING

from adapters.discord.client import NewsdeskClient
from adapters.discord.inbound import PLATFORM
from adapters.discord.outbound import NO_PINGS, may_embed, may_read_history
from adapters.discord.render import delivery_mark, shows_mark, to_discord
from bot import Destination, Digest, LookupUnavailable, Phrasebook, PostError, digest_reply

__all__ = ["HISTORY_LIMIT", "DiscordPoster", "delivery_nonce", "post_error"]

#: Messages since a delivery began that a lookup reads before it gives up.
HISTORY_LIMIT = 500

_FORBIDDEN = {50001: "missing_access", 50013: "missing_permissions", 50007: "cannot_message_user"}
_NOT_FOUND = {10003: "unknown_channel", 10008: "unknown_message"}
_REJECTED = {50083: "thread_archived", 50035: "invalid_message", 50006: "empty_message"}


def post_error(error: BaseException) -> PostError:
    """Translate what sending raised into the delivery loop's :class:`PostError`."""
    if isinstance(error, discord.HTTPException):
        return _http_error(error)
    if isinstance(error, discord.RateLimited):  # longer than discord.py waits by itself
        return PostError("rate_limited", permanent=False, retry_after=error.retry_after)
    if isinstance(error, TimeoutError):
        return PostError("timeout", permanent=False, ambiguous=True)
    if isinstance(error, aiohttp.ClientConnectorError):
        return PostError("cannot_connect", permanent=False)
    return PostError("connection_lost", permanent=False, ambiguous=True)


def _http_error(error: discord.HTTPException) -> PostError:
    status, code = error.status, error.code
    if status == 403:
        return PostError(_FORBIDDEN.get(code, "forbidden"), permanent=True)
    if status == 404:
        return PostError(_NOT_FOUND.get(code, "not_found"), permanent=True)
    if status == 429:  # discord.py gave up after its own retries
        return PostError("rate_limited", permanent=False)
    if status >= 500:
        return PostError(f"discord_error_{status}", permanent=False)
    return PostError(_REJECTED.get(code, f"rejected_{code}"), permanent=True)


def delivery_nonce(destination: Destination, digest: Digest, delivery_id: int) -> str:
    """A message nonce (at most 25 characters) for one delivery of these articles here."""
    key = f"{destination.key}|{delivery_id}|{','.join(sorted(digest.article_ids))}"
    return hashlib.blake2b(key.encode(), digest_size=12).hexdigest()


class DiscordPoster:
    """Posts digests to Discord channels through a logged-in :class:`NewsdeskClient`."""

    def __init__(
        self,
        client: NewsdeskClient,
        phrases: Phrasebook,
        *,
        login_timeout: float = 30.0,
        send_timeout: float = 90.0,
    ) -> None:
        """Post through ``client``.

        Args:
            client: The client (posts wait until it has logged in).
            phrases: The phrasebook digests are rendered with.
            login_timeout: Seconds a post waits for the login before failing (transiently).
            send_timeout: Seconds one send may take, rate-limit waits included.
        """
        self.client = client
        self.phrases = phrases
        self.login_timeout = login_timeout
        self.send_timeout = send_timeout

    async def post(
        self, destination: Destination, digest: Digest, *, delivery_id: int | None
    ) -> str | None:
        """Post ``digest`` to the channel ``destination`` names; return the message id.

        Raises:
            PostError: the post failed (see the module docstring for which are permanent).
        """
        if destination.platform != PLATFORM or not destination.channel.isdigit():
            raise PostError("not_a_discord_channel", permanent=True)
        try:
            await asyncio.wait_for(self.client.logged_in.wait(), self.login_timeout)
        except TimeoutError:
            raise PostError("not_logged_in", permanent=False) from None
        channel, target = self._channel(destination)
        rendered = to_discord(
            digest_reply(digest, self.phrases),
            self.phrases,
            embeds=may_embed(channel),
            mark=None if delivery_id is None else delivery_mark(delivery_id),
        )
        nonce = MISSING if delivery_id is None else delivery_nonce(destination, digest, delivery_id)
        send = target.send(
            content=rendered.content,
            embeds=list(rendered.embeds),
            allowed_mentions=NO_PINGS,
            nonce=nonce,
        )
        try:
            message = await asyncio.wait_for(send, self.send_timeout)
        except (discord.DiscordException, aiohttp.ClientError, TimeoutError, OSError) as error:
            raise post_error(error) from error
        return str(message.id)

    async def find_posted(
        self, destination: Destination, delivery_id: int, *, since: dt.datetime
    ) -> str | None:
        """Return the id of the bot's digest message of ``delivery_id`` posted after ``since``.

        Returns:
            The message id, or None when the channel's messages since then have none.

        Raises:
            LookupUnavailable: no Read Message History, Discord refused or did not answer, or
                more than :data:`HISTORY_LIMIT` messages were posted since.
        """
        if destination.platform != PLATFORM or not destination.channel.isdigit():
            raise LookupUnavailable("not_a_discord_channel")
        try:
            await asyncio.wait_for(self.client.logged_in.wait(), self.login_timeout)
        except TimeoutError:
            raise LookupUnavailable("not_logged_in") from None
        channel, target = self._channel(destination)
        if not may_read_history(channel):
            raise LookupUnavailable("no Read Message History permission")
        mark, me, seen = delivery_mark(delivery_id), self.client.user, 0
        try:
            async with asyncio.timeout(self.send_timeout):
                async for message in target.history(limit=HISTORY_LIMIT, after=since):
                    seen += 1
                    if me is not None and message.author.id == me.id and shows_mark(message, mark):
                        return str(message.id)
        except (discord.DiscordException, aiohttp.ClientError, TimeoutError, OSError) as error:
            raise LookupUnavailable(post_error(error).reason) from None
        if seen >= HISTORY_LIMIT:
            raise LookupUnavailable(f"more than {HISTORY_LIMIT} messages since")
        return None

    def _channel(self, destination: Destination) -> tuple[object, discord.abc.Messageable]:
        """The cached channel (None when unknown) and what to send to or read from."""
        channel_id = int(destination.channel)
        channel = self.client.get_channel(channel_id)
        target = (
            channel
            if isinstance(channel, discord.abc.Messageable)
            else self.client.get_partial_messageable(channel_id)
        )
        return channel, target
