"""``GET /healthz`` and ``GET /metrics`` on their own port, beside the chat adapters.

- ``/healthz``: 200 ``{"status": "ready", ...}`` when the index is loaded and the store answers,
  503 ``{"status": "unavailable", ...}`` (with the store's one-sentence reason) otherwise; a load
  balancer or Kubernetes readiness probe routes by it.
- ``/metrics``: the Prometheus text format (``bot.metrics.Metrics``).

aiohttp (already there for Slack and Discord) serves both on ``NEWSDESK_METRICS_HOST`` and
``NEWSDESK_METRICS_PORT`` until the bot stops. The store check runs in a thread: a slow database
never holds the event loop.
"""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web

from bot import Metrics, Newsdesk, readiness

__all__ = ["OpsServer"]

logger = logging.getLogger(__name__)


class OpsServer:
    """Health and metrics over HTTP for one core."""

    def __init__(self, core: Newsdesk, metrics: Metrics, *, host: str, port: int) -> None:
        """Serve ``core``'s readiness and ``metrics`` on ``host:port`` (0: a free port)."""
        self.core, self.metrics, self.host, self.port = core, metrics, host, port
        self.app = web.Application()
        self.app.router.add_get("/healthz", self._healthz)
        self.app.router.add_get("/metrics", self._metrics)
        self._runner: web.AppRunner | None = None

    async def start(self) -> int:
        """Start listening; return the port (the chosen one when asked for port 0)."""
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        if self._runner.addresses:
            self.port = int(self._runner.addresses[0][1])
        logger.info("health and metrics on http://%s:%d/", self.host, self.port)
        return self.port

    async def stop(self) -> None:
        """Stop listening."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def run(self, stop: asyncio.Event) -> None:
        """Serve until ``stop`` is set."""
        await self.start()
        try:
            await stop.wait()
        finally:
            await self.stop()

    async def _healthz(self, _request: web.Request) -> web.Response:
        state = await asyncio.to_thread(readiness, self.core)
        return web.json_response(state.as_json(), status=200 if state.ready else 503)

    async def _metrics(self, _request: web.Request) -> web.Response:
        body = await asyncio.to_thread(self.metrics.render)
        response = web.Response(body=body)
        response.headers["Content-Type"] = self.metrics.content_type
        return response
