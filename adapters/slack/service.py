"""Serve Slack for ``newsdesk run``: Socket Mode with an app token, HTTP mode otherwise.

- **Socket Mode** (``SLACK_APP_TOKEN`` set): no public URL; Bolt's ``AsyncSocketModeHandler``
  opens a websocket to Slack and acknowledges each envelope on it.
- **HTTP mode**: Bolt's aiohttp app serves events, commands and interactions at ``/slack/events``
  on ``NEWSDESK_SLACK_HTTP_HOST:NEWSDESK_SLACK_HTTP_PORT``, verifies every request's signature
  with ``SLACK_SIGNING_SECRET`` (required) and answers Slack's ``url_verification``.

Every Web API client uses ``NEWSDESK_SLACK_API_URL``. Tokens are checked once at start
(``auth.test``, ``apps.connections.open``) so a wrong one is a clear sentence, not a loop of
retries; tokens and secrets are never logged or echoed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable

import aiohttp
from aiohttp import web
from pydantic import SecretStr
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from adapters.slack.app import InFlight, SlackDesk, build_app
from adapters.slack.permissions import ManagerPolicy, Managers
from adapters.slack.poster import SlackPoster
from adapters.slack.responses import ResponseUrls
from bot import Clock, CoreWorkers, Newsdesk, NewsdeskError, Settings

__all__ = ["EVENTS_PATH", "SlackService", "api_base_url"]

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
_DRAIN_SECONDS = 10.0


def api_base_url(url: str) -> str:
    """The Web API base URL with its trailing slash (without it, slack_sdk drops the path)."""
    return url if url.endswith("/") else url + "/"


class SlackService:
    """Slack for ``newsdesk run``: the Bolt app, its server or socket, and the digest poster.

    Attributes:
        platform: ``"slack"``, the platform of the destinations it serves.
        poster: Posts digests with ``chat.postMessage``.
        ready: Set once the app is reachable (socket connected, or HTTP server listening).
        address: In HTTP mode, the URL of ``/slack/events`` once listening.
    """

    platform = "slack"

    def __init__(
        self,
        core: Newsdesk,
        settings: Settings,
        *,
        clock: Clock | None = None,
        workers: CoreWorkers | None = None,
    ) -> None:
        """Build the app from settings; nothing connects until :meth:`run`.

        ``workers`` run the core's work (default: threads of this process); whoever made them
        starts and closes them (``bot.serve`` does).

        Raises:
            NewsdeskError: no bot token, or HTTP mode without a signing secret.
        """
        if settings.slack_bot_token is None:
            raise NewsdeskError("Slack needs SLACK_BOT_TOKEN, the bot token (xoxb-...).")
        if settings.slack_app_token is None and settings.slack_signing_secret is None:
            raise NewsdeskError(
                "Slack's HTTP mode needs SLACK_SIGNING_SECRET to verify Slack's requests; set it, "
                "or set SLACK_APP_TOKEN to use Socket Mode (no public URL needed)."
            )
        self.settings = settings
        self._token: SecretStr = settings.slack_bot_token
        self.api_url = api_base_url(settings.slack_api_url)
        self.inflight = InFlight()
        self.responses = ResponseUrls()
        managers = Managers(ManagerPolicy.parse(settings.slack_subscription_managers))
        secret = settings.slack_signing_secret
        desk = SlackDesk(workers or CoreWorkers(core), managers, self.inflight, self.responses)
        self.app = build_app(
            desk,
            self._client(retries=True),
            signing_secret=secret.get_secret_value() if secret else "",
        )
        self.poster = SlackPoster(self._client(retries=False), core.phrases, clock=clock)
        self.ready = asyncio.Event()
        self.address: str | None = None

    def _client(self, *, retries: bool) -> AsyncWebClient:
        handlers = (
            [AsyncConnectionErrorRetryHandler(), AsyncRateLimitErrorRetryHandler(max_retry_count=1)]
            if retries
            else []
        )
        return AsyncWebClient(
            token=self._token.get_secret_value(), base_url=self.api_url, retry_handlers=handlers
        )

    async def run(self, stop: asyncio.Event) -> None:
        """Serve Slack until ``stop`` is set, then close and let answers in progress finish.

        Raises:
            NewsdeskError: Slack refused a token, or the HTTP port cannot be used.
        """
        await self._check(self.app.client.auth_test(), "SLACK_BOT_TOKEN")
        if self.settings.slack_app_token is not None:
            await self._run_socket_mode(self.settings.slack_app_token.get_secret_value(), stop)
        else:
            await self._run_http(stop)

    async def _run_socket_mode(self, app_token: str, stop: asyncio.Event) -> None:
        opened = self.app.client.apps_connections_open(app_token=app_token)
        response = await self._check(opened, "SLACK_APP_TOKEN")
        handler = AsyncSocketModeHandler(self.app, app_token, web_client=self.app.client)
        if response is not None:
            handler.client.wss_uri = response["url"]  # checked above, not retried in a loop
        connecting = asyncio.ensure_future(handler.connect_async())  # type: ignore[no-untyped-call]
        stopping = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait((connecting, stopping), return_when=asyncio.FIRST_COMPLETED)
            if connecting.done():
                connecting.result()
                log.info("Slack: connected in Socket Mode")
                self.ready.set()
                await stopping
        finally:
            for task in (connecting, stopping):
                task.cancel()
            await asyncio.gather(connecting, stopping, return_exceptions=True)
            await handler.close_async()  # type: ignore[no-untyped-call]
            await self._drain()

    async def _run_http(self, stop: asyncio.Event) -> None:
        host, port = self.settings.slack_http_host, self.settings.slack_http_port
        runner = web.AppRunner(self.app.web_app(path=EVENTS_PATH, port=port))
        await runner.setup()
        try:
            try:
                await web.TCPSite(runner, host, port).start()
            except OSError as error:
                raise NewsdeskError(
                    f"Cannot serve Slack's requests on {host}:{port}: {error.strerror}. Set "
                    "NEWSDESK_SLACK_HTTP_HOST and NEWSDESK_SLACK_HTTP_PORT to a free address."
                ) from None
            bound_host, bound_port = runner.addresses[0][:2]
            shown = f"[{bound_host}]" if ":" in str(bound_host) else str(bound_host)
            self.address = f"http://{shown}:{bound_port}{EVENTS_PATH}"
            log.info("Slack: serving events, commands and interactions at %s", self.address)
            self.ready.set()
            await stop.wait()
        finally:
            await runner.cleanup()
            await self._drain()

    async def _check(
        self, call: Awaitable[AsyncSlackResponse], variable: str
    ) -> AsyncSlackResponse | None:
        """Await a token check; a refusal is a sentence naming the variable (never its value).

        Returns:
            Slack's response, or None when Slack could not be reached (the SDK retries later).
        """
        try:
            return await call
        except SlackApiError as error:
            raise NewsdeskError(
                f"Slack refused {variable} ({error.response.get('error')}); check the token in "
                ".env and that the app is installed in the workspace."
            ) from None
        except (aiohttp.ClientError, TimeoutError) as error:
            log.warning("Slack's Web API at %s is not reachable yet: %s", self.api_url, error)
            return None

    async def _drain(self) -> None:
        if not await self.inflight.drain(_DRAIN_SECONDS):
            log.warning("Slack: %d answers were still in progress at shutdown", self.inflight.count)
        await self.responses.close()
