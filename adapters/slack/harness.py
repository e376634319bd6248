"""Drive a real :class:`SlackService` the way Slack does, against :class:`FakeSlack`.

:meth:`SlackHarness.serve` starts the fake and the service (HTTP mode on an ephemeral loopback
port, or Socket Mode through the fake's websocket) and stops both cleanly. :meth:`command`,
:meth:`event` and :meth:`click` send what Slack would send (signed form posts and JSON, or
envelopes) and return the status of Slack's acknowledgement; what the bot then says is in
``harness.fake``. Used by the tests and by ``newsdesk bench bot``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import aiohttp
from pydantic import SecretStr

from adapters.slack.payloads import (
    block_actions,
    envelope,
    event_callback,
    interaction_body,
    signed_headers,
    slash_command,
)
from adapters.slack.service import SlackService
from adapters.slack.testing import FakeSlack
from bot import Clock, CoreWorkers, Newsdesk, Settings

__all__ = ["SIGNING_SECRET", "SlackHarness"]

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"  # noqa: S105 -- Slack's published example
_FORM = "application/x-www-form-urlencoded"


@dataclass(slots=True)
class SlackHarness:
    """A running service, its fake Slack, and a client session to send requests with."""

    fake: FakeSlack
    service: SlackService
    session: aiohttp.ClientSession
    socket_mode: bool
    task: asyncio.Future[None]
    stopping: asyncio.Event
    _envelopes: int = 0

    @classmethod
    @asynccontextmanager
    async def serve(
        cls,
        core: Newsdesk,
        settings: Settings,
        *,
        socket_mode: bool = False,
        managers: str = "",
        users: Mapping[str, Mapping[str, Any]] | None = None,
        clock: Clock | None = None,
        workers: CoreWorkers | None = None,
    ) -> AsyncIterator[SlackHarness]:
        """Start a fake Slack and the service against it; stop both on leaving.

        ``workers`` (started and closed by the caller) answer for the service; by default it
        answers in threads.
        """
        async with FakeSlack(users=users) as fake, aiohttp.ClientSession() as session:
            update: dict[str, Any] = {
                "slack_bot_token": SecretStr(fake.bot_token),
                "slack_app_token": SecretStr(fake.app_token) if socket_mode else None,
                "slack_signing_secret": SecretStr(SIGNING_SECRET),
                "slack_http_host": "127.0.0.1",
                "slack_http_port": 0,
                "slack_api_url": fake.api_url.rstrip("/"),  # the service adds the slash
                "slack_subscription_managers": managers,
            }
            settings = settings.model_copy(update=update)
            service = SlackService(core, settings, clock=clock, workers=workers)
            stop = asyncio.Event()
            task = asyncio.ensure_future(service.run(stop))
            harness = cls(fake, service, session, socket_mode, task, stop)
            try:
                ready = asyncio.ensure_future(service.ready.wait())
                await asyncio.wait((task, ready), timeout=10, return_when=asyncio.FIRST_COMPLETED)
                ready.cancel()
                if task.done():
                    task.result()  # raise what stopped it
                yield harness
            finally:
                await harness.stop()

    async def stop(self) -> None:
        """Stop the service (as ``newsdesk run`` does on Ctrl-C) and wait until it has."""
        self.stopping.set()
        await asyncio.wait_for(self.task, timeout=15)

    async def post(
        self, body: str, *, content_type: str, headers: Mapping[str, str] | None = None
    ) -> tuple[int, str]:
        """POST a raw body to the service's ``/slack/events``; return status and response text."""
        assert self.service.address is not None, "HTTP mode only"  # noqa: S101
        sent = {"Content-Type": content_type, **(headers or {})}
        async with self.session.post(self.service.address, data=body, headers=sent) as response:
            return response.status, await response.text()

    async def command(
        self,
        text: str,
        *,
        command: str = "/ask",
        user: str = "U1",
        channel: str = "C1",
        response_key: str = "r1",
    ) -> int:
        """Send a slash command; return the acknowledgement's status."""
        url = self.fake.response_url(response_key)
        fields = slash_command(command, text, response_url=url, user=user, channel=channel)
        if self.socket_mode:
            return await self._push("slash_commands", dict(fields))
        return await self._signed(urlencode(fields), _FORM)

    async def event(
        self, event: dict[str, Any], *, event_id: str = "Ev1", retry_num: int | None = None
    ) -> int:
        """Deliver one Events API event (``retry_num``: as Slack's retry of it)."""
        body = event_callback(event, event_id=event_id)
        if self.socket_mode:
            return await self._push("events_api", body, retry_attempt=retry_num or 0)
        return await self._signed(json.dumps(body), "application/json", retry_num=retry_num)

    async def click(
        self,
        action_id: str,
        value: str,
        *,
        user: str = "U1",
        channel: str = "C1",
        response_key: str = "click",
        ephemeral: bool = True,
    ) -> int:
        """Click a button under a message; return the acknowledgement's status."""
        url = self.fake.response_url(response_key)
        payload = block_actions(
            action_id, value, response_url=url, user=user, channel=channel, ephemeral=ephemeral
        )
        if self.socket_mode:
            return await self._push("interactive", payload)
        return await self._signed(interaction_body(payload), _FORM)

    async def _signed(self, body: str, content_type: str, *, retry_num: int | None = None) -> int:
        headers = signed_headers(
            SIGNING_SECRET, body, content_type=content_type, retry_num=retry_num
        )
        status, _ = await self.post(body, content_type=content_type, headers=headers)
        return status

    async def _push(self, kind: str, payload: dict[str, Any], *, retry_attempt: int = 0) -> int:
        self._envelopes += 1
        envelope_id = f"envelope-{self._envelopes}"
        wrapped = envelope(kind, payload, envelope_id=envelope_id, retry_attempt=retry_attempt)
        await self.fake.push(wrapped)
        await self.fake.ack(envelope_id)
        return 200
