"""Replies to Slack's ``response_url``: one HTTP session for all of them.

Bolt's ``respond`` builds a new ``aiohttp`` session (its own connection pool and TLS context)
for every reply; under load that was a measurable share of the serving process's CPU
(docs/BENCHMARKS.md). :class:`ResponseUrls` sends the same JSON bodies through
``slack_sdk``'s webhook client over one shared session, opened on first use.
"""

from __future__ import annotations

import logging
from typing import Any

import aiohttp
from slack_sdk.webhook.async_client import AsyncWebhookClient

__all__ = ["ResponseUrls"]

log = logging.getLogger(__name__)


class ResponseUrls:
    """Posts messages to response URLs; a refusal is logged (the URL never is: it is a key)."""

    def __init__(self, *, timeout: float = 30.0) -> None:
        """Send with ``timeout`` seconds per reply; nothing opens until the first one."""
        self.timeout = timeout
        self._session: aiohttp.ClientSession | None = None

    async def send(self, url: str, **message: Any) -> bool:
        """Post ``message`` (``text``, ``blocks``, ``response_type``, ...) to ``url``.

        Returns:
            Whether Slack accepted it.
        """
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        client = AsyncWebhookClient(url, timeout=int(self.timeout), session=self._session)
        response = await client.send_dict(message)
        if response.status_code != 200:
            log.warning(
                "Slack refused a reply at its response URL (%d %s)",
                response.status_code,
                response.body[:200],
            )
            return False
        return True

    async def close(self) -> None:
        """Close the session (after the last reply)."""
        if self._session is not None:
            await self._session.close()
            self._session = None
