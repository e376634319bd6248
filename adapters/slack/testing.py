"""A local fake of Slack on 127.0.0.1: the Web API, response URLs and the Socket Mode websocket.

For the tests and ``newsdesk bench bot``: the real ``slack_sdk`` and ``slack_bolt`` objects talk to
it over real HTTP and websockets. It answers ``auth.test``, ``chat.postMessage``,
``chat.postEphemeral``, ``users.info``, ``conversations.history`` and ``apps.connections.open``
(whose ``ws://`` URL leads to its own websocket), serves any number of response URLs, and
records every request, so a test asserts on exactly what went over the wire. Posted messages
are kept per channel (:attr:`FakeSlack.messages`) with the real ``ts`` of their time, their
blocks and metadata, and ``conversations.history`` answers from them as Slack does: newest
first, after ``oldest``, metadata only with ``include_all_metadata``, paged by ``limit`` and
``cursor``. :meth:`FakeSlack.lag` makes Slack take a post but answer it late (the window where
a killed bot cannot know it was posted). Errors, 429s with ``Retry-After`` and slow answers
are scripted per method with :meth:`FakeSlack.fail`, :meth:`FakeSlack.rate_limit` and
:meth:`FakeSlack.delay`. Socket Mode: :meth:`FakeSlack.push` sends an envelope to the connected
app and :meth:`FakeSlack.ack` waits for its acknowledgement. Use it as ``async with FakeSlack()``.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, Self

from aiohttp import WSMsgType, web

__all__ = ["ApiCall", "FakeSlack", "ResponsePost"]

BOT_TOKEN = "xoxb-fake-bot-token"  # noqa: S105 -- the fake's, not a secret
APP_TOKEN = "xapp-fake-app-token"  # noqa: S105 -- the fake's, not a secret


@dataclass(frozen=True, slots=True)
class ApiCall:
    """One Web API request: the method, its arguments (blocks parsed), and how it was answered."""

    method: str
    args: dict[str, Any]
    token: str | None
    status: int
    error: str | None

    @property
    def ok(self) -> bool:
        """True when the fake answered ``{"ok": true}``."""
        return self.status == 200 and self.error is None


@dataclass(frozen=True, slots=True)
class ResponsePost:
    """One message sent to a response URL."""

    key: str
    payload: dict[str, Any]


@dataclass(slots=True)
class _Script:
    steps: dict[str, list[tuple[str, float | str]]] = field(default_factory=dict)

    def next(self, method: str) -> tuple[str, float | str] | None:
        queue = self.steps.get(method)
        return queue.pop(0) if queue else None


class FakeSlack:
    """The fake; see the module docstring."""

    def __init__(
        self,
        *,
        bot_user_id: str = "UBOT",
        bot_token: str = BOT_TOKEN,
        app_token: str = APP_TOKEN,
        users: Mapping[str, Mapping[str, Any]] | None = None,
        more_bot_tokens: Collection[str] = (),
    ) -> None:
        """Configure the workspace: the bot's user id, the tokens it accepts, and known users.

        ``more_bot_tokens`` are accepted as well as ``bot_token`` (several replicas, told apart
        by their token in :attr:`calls` and :attr:`arrivals`).
        """
        self.bot_user_id, self.bot_token, self.app_token = bot_user_id, bot_token, app_token
        self._bot_tokens = {bot_token, *more_bot_tokens}
        self.users = {key: dict(value) for key, value in (users or {}).items()}
        self.calls: list[ApiCall] = []
        self.arrivals: list[tuple[str, str | None]] = []  # (method, token) as each call arrives
        self.responses: list[ResponsePost] = []
        self.acks: dict[str, dict[str, Any]] = {}
        self._script = _Script()
        self._last_ts = 0.0
        self.messages: dict[str, list[dict[str, Any]]] = {}
        self._lag = 0.0
        self.holding = 0  # posts taken whose answer :meth:`lag` still holds back
        self._sockets: list[web.WebSocketResponse] = []
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    # --- lifecycle ------------------------------------------------------------------------------

    async def start(self) -> None:
        """Listen on an ephemeral port of 127.0.0.1."""
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/respond/{key}", self._respond)
        app.router.add_get("/socket", self._socket)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.base_url = f"http://{host}:{port}"

    async def close(self) -> None:
        """Close open websockets and stop listening."""
        for socket in list(self._sockets):
            await socket.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        """Start the fake."""
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        """Close the fake."""
        await self.close()

    @property
    def api_url(self) -> str:
        """The Web API base URL, with the trailing slash slack_sdk needs."""
        return f"{self.base_url}/api/"

    def response_url(self, key: str = "r1") -> str:
        """A response URL; what is posted to it is recorded under ``key``."""
        return f"{self.base_url}/respond/{key}"

    # --- scripting and reading ------------------------------------------------------------------

    def fail(self, method: str, error: str, *, times: int = 1) -> None:
        """Answer the next ``times`` calls of ``method`` with ``{"ok": false, "error": error}``."""
        self._script.steps.setdefault(method, []).extend([("error", error)] * times)

    def rate_limit(self, method: str, retry_after: float, *, times: int = 1) -> None:
        """Answer the next ``times`` calls of ``method`` with HTTP 429 and ``Retry-After``."""
        self._script.steps.setdefault(method, []).extend([("429", retry_after)] * times)

    def delay(self, method: str, seconds: float, *, times: int = 1) -> None:
        """Answer the next ``times`` calls of ``method`` only after ``seconds``."""
        self._script.steps.setdefault(method, []).extend([("delay", seconds)] * times)

    def lag(self, seconds: float) -> None:
        """Answer every later ``chat.postMessage`` ``seconds`` after the message is posted."""
        self._lag = seconds

    def say(
        self, channel: str, text: str, *, user: str = "U1", metadata: dict[str, Any] | None = None
    ) -> str:
        """Put someone else's message in ``channel`` (as if posted now); return its ``ts``."""
        message: dict[str, Any] = {"type": "message", "ts": self._next_ts(), "user": user}
        message["text"] = text
        if metadata is not None:
            message["metadata"] = metadata
        self.messages.setdefault(channel, []).append(message)
        return str(message["ts"])

    def posted(self, channel: str | None = None) -> list[dict[str, Any]]:
        """The bot's messages (``chat.postMessage``) in one channel or all, oldest first."""
        kept = (
            self.messages.get(channel, []) if channel else itertools.chain(*self.messages.values())
        )
        mine = (m for m in kept if m.get("user") == self.bot_user_id)
        return sorted(mine, key=lambda m: float(m["ts"]))

    def calls_to(self, method: str, *, ok: bool | None = True) -> list[ApiCall]:
        """The calls of one method (by default only those answered ``ok``)."""
        return [c for c in self.calls if c.method == method and ok in (None, c.ok)]

    def responses_to(self, key: str = "r1") -> list[dict[str, Any]]:
        """What was posted to one response URL, in order."""
        return [r.payload for r in self.responses if r.key == key]

    async def wait_for(self, condition: Callable[[], object], timeout: float = 5.0) -> None:
        """Wait until ``condition()`` is true, re-checking whenever a request arrives."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(condition), timeout)

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # --- Socket Mode ----------------------------------------------------------------------------

    @property
    def connected(self) -> int:
        """How many Socket Mode connections are open."""
        return sum(not socket.closed for socket in self._sockets)

    async def push(self, envelope: Mapping[str, Any]) -> None:
        """Send one envelope to the newest Socket Mode connection (waiting for one, up to 5 s)."""
        await self.wait_for(lambda: self.connected > 0)
        socket = [s for s in self._sockets if not s.closed][-1]
        await socket.send_str(json.dumps(envelope))

    async def ack(self, envelope_id: str, timeout: float = 5.0) -> dict[str, Any]:
        """Wait for the app's acknowledgement of an envelope and return it."""
        await self.wait_for(lambda: envelope_id in self.acks, timeout)
        return self.acks[envelope_id]

    # --- handlers -------------------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await _arguments(request)
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else args.get("token")
        self.arrivals.append((method, token))
        step = self._script.next(method)
        if step is not None and step[0] == "delay":
            await asyncio.sleep(float(step[1]))
        status, body, headers = self._answer(method, args, token, step)
        error = None if body.get("ok") else str(body.get("error"))
        self.calls.append(ApiCall(method, args, token, status, error))
        await self._notify()
        if method == "chat.postMessage" and body.get("ok") and self._lag:
            self.holding += 1  # posted; the answer is still on its way
            try:
                await asyncio.sleep(self._lag)
            finally:
                self.holding -= 1
        return web.json_response(body, status=status, headers=headers)

    def _next_ts(self) -> str:
        """A message ``ts``: the time now, in microseconds, unique and increasing."""
        self._last_ts = max(round(time.time(), 6), round(self._last_ts + 0.000001, 6))
        return f"{self._last_ts:.6f}"

    def _answer(
        self, method: str, args: dict[str, Any], token: str | None, step: tuple[str, Any] | None
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        if step is not None and step[0] == "429":
            return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(step[1])}
        if step is not None and step[0] == "error":
            return 200, {"ok": False, "error": step[1]}, {}
        expected = {self.app_token} if method == "apps.connections.open" else self._bot_tokens
        if token not in expected:
            return 200, {"ok": False, "error": "invalid_auth"}, {}
        return 200, self._success(method, args), {}

    def _success(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        handlers: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._post,
            "conversations.history": self._history,
        }
        if method in handlers:
            return handlers[method](args)
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": self._next_ts()}
        if method == "users.info":
            user = self.users.get(str(args.get("user")))
            return {"ok": True, "user": user} if user else {"ok": False, "error": "user_not_found"}
        if method == "apps.connections.open":
            return {"ok": True, "url": self.base_url.replace("http://", "ws://") + "/socket"}
        return {"ok": False, "error": "unknown_method"}

    def _auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://newsdesk-test.slack.com/",
            "team": "Newsdesk Test",
            "user": "newsdesk",
            "team_id": "T0001",
            "user_id": self.bot_user_id,
            "bot_id": "B0001",
            "is_enterprise_install": False,
        }

    def _post(self, args: dict[str, Any]) -> dict[str, Any]:
        channel, ts = str(args.get("channel")), self._next_ts()
        message: dict[str, Any] = {
            "type": "message",
            "ts": ts,
            "user": self.bot_user_id,
            "bot_id": "B0001",
            "app_id": "A0001",
            "text": args.get("text"),
        }
        if args.get("blocks"):
            message["blocks"] = args["blocks"]
        if isinstance(args.get("metadata"), dict):
            message["metadata"] = args["metadata"]
        self.messages.setdefault(channel, []).append(message)
        shown = {k: v for k, v in message.items() if k != "metadata"}  # as Slack answers a post
        return {"ok": True, "channel": channel, "ts": ts, "message": shown}

    def _history(self, args: dict[str, Any]) -> dict[str, Any]:
        """``conversations.history``: newest first; the cursor is the ``ts`` to continue below."""
        if not args.get("channel"):
            return {"ok": False, "error": "channel_not_found"}
        oldest = float(args.get("oldest") or 0)
        below = float(args.get("cursor") or "inf")
        limit = min(int(args.get("limit") or 100), 999)
        metadata = str(args.get("include_all_metadata")).lower() in ("1", "true")
        newest_first = sorted(
            (m for m in self.messages.get(str(args["channel"]), []) if oldest < float(m["ts"])),
            key=lambda m: float(m["ts"]),
            reverse=True,
        )
        window = [m for m in newest_first if float(m["ts"]) < below]
        page = [m if metadata else _without_metadata(m) for m in window[:limit]]
        has_more = len(window) > limit
        return {
            "ok": True,
            "messages": page,
            "has_more": has_more,
            "pin_count": 0,
            "response_metadata": {"next_cursor": page[-1]["ts"] if has_more else ""},
        }

    async def _respond(self, request: web.Request) -> web.Response:
        self.responses.append(ResponsePost(request.match_info["key"], await request.json()))
        await self._notify()
        return web.Response(text="ok")

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse(autoping=True)
        await socket.prepare(request)
        self._sockets.append(socket)
        hello = {"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A0001"}}
        await socket.send_str(json.dumps(hello))
        await self._notify()
        async for message in socket:
            if message.type == WSMsgType.TEXT:
                data = json.loads(message.data)
                if "envelope_id" in data:
                    self.acks[str(data["envelope_id"])] = data
                    await self._notify()
        await self._notify()
        return socket


async def _arguments(request: web.Request) -> dict[str, Any]:
    """A Web API call's arguments from its query, form or JSON body; ``blocks`` parsed."""
    args: dict[str, Any] = dict(request.query)
    if request.content_type == "application/json":
        args.update(await request.json())
    elif request.can_read_body:
        args.update(await request.post())
    for name in ("blocks", "metadata"):
        if isinstance(args.get(name), str):
            args[name] = json.loads(args[name])
    return args


def _without_metadata(message: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in message.items() if key != "metadata"}
