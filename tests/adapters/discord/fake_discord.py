"""A fake Discord on 127.0.0.1: the REST routes and the gateway a real ``discord.Client`` uses.

The fake serves ``/api/v10/...`` (login, application info, command sync, channel messages,
interaction callbacks and follow-ups) and a gateway websocket that does the handshake (HELLO,
IDENTIFY, READY, GUILD_CREATE) and then carries the frames a test pushes. It records every REST
call, so tests assert on the real wire payload. Like Discord, it rejects a message over any size
limit with HTTP 400 (code 50035), and a test can script failures (:meth:`FakeDiscord.fail`).

Messages posted to a channel are kept (:attr:`FakeDiscord.messages`, with snowflakes of the time
they were posted) and ``GET /channels/{id}/messages`` answers from them as Discord does: at most
``limit`` (50 by default, 100 at most), ``after`` or ``before`` a snowflake, newest first, and
without the ``nonce`` (Discord keeps none; only the answer to the post carries it). A post with
``enforce_nonce`` whose nonce the channel has seen is answered with the first message, not posted
again (unless :attr:`FakeDiscord.remember_nonces` is off: a restart later than Discord's few
minutes). :meth:`FakeDiscord.say` puts someone else's message in a channel, and
:meth:`FakeDiscord.lag` makes Discord take a channel post but answer it late.

JSON goes out with a ``Content-Type`` of exactly ``application/json`` (discord.py parses nothing
else) and gateway frames as text (so nothing is compressed). The payloads are in
:mod:`tests.adapters.discord.fake_payloads`.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from tests.adapters.discord import fake_payloads as payloads

__all__ = ["Call", "FakeDiscord", "embed_problems"]


@dataclass(frozen=True, slots=True)
class Call:
    """One REST request the client made."""

    method: str
    path: str  # after /api/v10
    query: dict[str, str]
    json: Any


@dataclass
class _Failure:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


class FakeDiscord:
    """Serves Discord's REST API and gateway for one bot on an ephemeral loopback port."""

    def __init__(self) -> None:
        self.token = payloads.token_for(payloads.APP_ID)
        self.calls: list[Call] = []
        self.identify: dict[str, Any] | None = None
        self.sockets: set[web.WebSocketResponse] = set()
        self.port = 0
        self._failures: dict[tuple[str, str], deque[_Failure]] = {}
        self._changed = asyncio.Condition()
        self._seq = itertools.count(1)
        self.messages: dict[str, list[dict[str, Any]]] = {}
        self._nonces: dict[tuple[str, str], dict[str, Any]] = {}
        self._last_id = 0
        self.remember_nonces = True
        self.holding = 0  # channel posts taken whose answer :meth:`lag` still holds back
        self._lag = 0.0
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        """Listen on 127.0.0.1, on an ephemeral port."""
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{path:.*}", self._rest)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def close(self) -> None:
        """Close every gateway connection and stop listening."""
        for socket in list(self.sockets):
            await socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        """The REST base URL (what ``Route.BASE`` becomes)."""
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        """The gateway URL."""
        return f"ws://127.0.0.1:{self.port}/gateway"

    # --- what tests do ----------------------------------------------------------------------

    def fail(
        self,
        method: str,
        path: str,
        status: int,
        code: int,
        message: str,
        *,
        times: int = 1,
        **extra: Any,
    ) -> None:
        """Answer the next ``times`` ``method path`` with an error (``extra`` goes in the body)."""
        headers = {"Via": "1.1 google"} if status == 429 else {}  # a 429 from Discord itself
        body = {"code": code, "message": message, **extra}
        queue = self._failures.setdefault((method, path), deque())
        queue.extend(_Failure(status, body, headers) for _ in range(times))

    async def push(self, event: str, data: dict[str, Any]) -> None:
        """Send a dispatch frame (MESSAGE_CREATE, INTERACTION_CREATE, ...) to the client."""
        frame = {"op": 0, "t": event, "s": next(self._seq), "d": data}
        for socket in list(self.sockets):
            await socket.send_str(json.dumps(frame))

    def say(
        self, channel_id: int, content: str, *, author: dict[str, Any] | None = None, **extra: Any
    ) -> dict[str, Any]:
        """Put a message (by default Alice's) in a channel, as if posted now; return it."""
        message = payloads.message(content, author=author, channel_id=channel_id)
        message.update(id=str(self._next_id()), **extra)
        self.messages.setdefault(str(channel_id), []).append(message)
        return message

    def lag(self, seconds: float) -> None:
        """Answer every later post to a channel ``seconds`` after the message is posted."""
        self._lag = seconds

    def posted(self, channel_id: int) -> list[dict[str, Any]]:
        """The bot's messages in a channel, oldest first."""
        kept = self.messages.get(str(channel_id), [])
        return [m for m in kept if m["author"]["id"] == payloads.BOT_USER["id"]]

    def _posts(self) -> set[str]:
        return {f"/channels/{channel}/messages" for channel in self.messages}

    def _next_id(self) -> int:
        """A snowflake of the time now (Discord's epoch is 2015), unique and increasing."""
        stamp = (int(time.time() * 1000) - 1420070400000) << 22
        self._last_id = max(stamp, self._last_id + 1)
        return self._last_id

    def requests(self, method: str, path: str | Callable[[str], bool]) -> list[Call]:
        """The recorded calls to ``method path`` (or paths matching a predicate), in order."""
        match = path if callable(path) else (lambda p: p == path)
        return [c for c in self.calls if c.method == method and match(c.path)]

    async def wait_for(
        self, method: str, path: str | Callable[[str], bool], *, count: int = 1, timeout: float = 10
    ) -> list[Call]:
        """Wait until ``count`` calls to ``method path`` were made; return them all."""
        await self.wait_until(lambda: len(self.requests(method, path)) >= count, timeout)
        return self.requests(method, path)

    async def wait_until(self, condition: Callable[[], bool], timeout: float = 10) -> None:
        """Wait until ``condition`` holds, checking after each request."""
        async with asyncio.timeout(timeout), self._changed:
            await self._changed.wait_for(condition)

    async def quiet(self, seconds: float = 0.5) -> None:
        """Wait until no request has arrived for ``seconds`` (the bot has nothing more to say)."""
        while True:
            seen = len(self.calls)
            await asyncio.sleep(seconds)
            if len(self.calls) == seen:
                return

    # --- the gateway --------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self.sockets.add(socket)
        hello = {"op": 10, "d": {"heartbeat_interval": 45000}, "s": None, "t": None}
        await socket.send_str(json.dumps(hello))
        try:
            async for frame in socket:
                if frame.type is not WSMsgType.TEXT:
                    continue
                sent = json.loads(frame.data)
                if sent["op"] == 1:  # heartbeat
                    await socket.send_str(json.dumps({"op": 11, "d": None, "s": None, "t": None}))
                elif sent["op"] == 2:  # identify
                    self.identify = sent["d"]
                    await self.push("READY", payloads.ready(self.gateway_url))
                    await self.push("GUILD_CREATE", payloads.guild())
        finally:
            self.sockets.discard(socket)
        return socket

    # --- REST -----------------------------------------------------------------------------------

    async def _rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["path"]
        body = await request.read()
        call = Call(request.method, path, dict(request.query), json.loads(body) if body else None)
        self.calls.append(call)
        try:
            failures = self._failures.get((call.method, path))
            if failures:
                failure = failures.popleft()
                return _json(failure.body, failure.status, failure.headers)
            answer, status = self._answer(call)
            if self._lag and status == 200 and call.method == "POST" and path in self._posts():
                self.holding += 1  # posted; the answer is still on its way
                try:
                    await asyncio.sleep(self._lag)
                finally:
                    self.holding -= 1
            return web.Response(status=204) if status == 204 else _json(answer, status)
        finally:
            async with self._changed:
                self._changed.notify_all()

    def _answer(self, call: Call) -> tuple[Any, int]:
        method, path, parts = call.method, call.path, call.path.strip("/").split("/")
        answer: Any = {"code": 0, "message": f"404: Not Found ({method} {path})"}
        status = 404
        if (method, path) == ("GET", "/users/@me"):
            answer, status = payloads.BOT_USER, 200
        elif (method, path) == ("GET", "/oauth2/applications/@me"):
            answer, status = payloads.application(), 200
        elif method == "PUT" and parts[0] == "applications" and parts[-1] == "commands":
            answer, status = [_registered(command) for command in call.json], 200
        elif method == "POST" and parts[0] == "interactions":
            flags = ((call.json or {}).get("data") or {}).get("flags", 0)
            loading = {"id": parts[1], "type": 2, "response_message_loading": True}
            answer = {"interaction": {**loading, "response_message_ephemeral": flags == 64}}
            status = 200
        elif method == "DELETE" and parts[0] == "webhooks":
            answer, status = None, 204
        elif method == "GET" and parts[0] == "channels" and path.endswith("/messages"):
            answer, status = self._history(parts[1], call.query), 200
        elif method == "POST" and (parts[0] == "webhooks" or path.endswith("/messages")):
            problems = embed_problems(call.json or {})
            channel = parts[1] if parts[0] == "channels" else str(payloads.CHANNEL_ID)
            answer, status = (
                ({"code": 50035, "message": "Invalid Form Body", "errors": problems}, 400)
                if problems
                else (self._post(channel, call.json or {}, kept=parts[0] == "channels"), 200)
            )
        return answer, status

    def _post(self, channel: str, payload: dict[str, Any], *, kept: bool) -> dict[str, Any]:
        """The message made of a post; a channel's messages are kept, a nonce enforced."""
        nonce = payload.get("nonce")
        if kept and nonce and payload.get("enforce_nonce") and self.remember_nonces:
            first = self._nonces.get((channel, str(nonce)))
            if first is not None:
                return {**first, "nonce": nonce}
        message = payloads.sent_message(channel, payload)
        if kept:
            message["id"] = str(self._next_id())
            self.messages.setdefault(channel, []).append(message)
            if nonce:
                self._nonces[(channel, str(nonce))] = message
        return {**message, "nonce": nonce} if nonce else message

    def _history(self, channel: str, query: dict[str, str]) -> list[dict[str, Any]]:
        """``GET /channels/{id}/messages``: newest first, after or before a snowflake."""
        limit = max(1, min(int(query.get("limit", "50")), 100))
        kept = sorted(self.messages.get(channel, []), key=lambda m: int(m["id"]))
        if "after" in query:
            after = int(query["after"])
            window = [m for m in kept if int(m["id"]) > after][:limit]  # the oldest after it
        else:
            before = int(query.get("before", str(2**63)))
            window = [m for m in kept if int(m["id"]) < before][-limit:]
        return list(reversed(window))


def embed_problems(payload: dict[str, Any]) -> list[str]:
    """Every Discord size limit a message payload breaks (empty when Discord takes it)."""
    problems: list[str] = []
    content, embeds = payload.get("content") or "", payload.get("embeds") or []
    if len(content) > 2000:
        problems.append(f"content has {len(content)} characters (max 2000)")
    if not content and not embeds:
        problems.append("cannot send an empty message")
    if len(embeds) > 10:
        problems.append("more than 10 embeds")
    total = 0
    for embed in embeds:
        title, description = embed.get("title") or "", embed.get("description") or ""
        footer = (embed.get("footer") or {}).get("text") or ""
        fields = embed.get("fields") or []
        total += len(title) + len(description) + len(footer)
        for part, text, limit in (("title", title, 256), ("description", description, 4096)):
            if len(text) > limit:
                problems.append(f"embed {part} has {len(text)} characters (max {limit})")
        if len(footer) > 2048:
            problems.append(f"embed footer has {len(footer)} characters (max 2048)")
        if len(fields) > 25:
            problems.append(f"{len(fields)} fields (max 25)")
        for item in fields:
            name, value = item.get("name") or "", item.get("value") or ""
            total += len(name) + len(value)
            if not name or not value or len(name) > 256 or len(value) > 1024:
                problems.append(f"a field of {len(name)}/{len(value)} characters")
    if total > 6000:
        problems.append(f"embeds have {total} characters (max 6000)")
    return problems


def _registered(command: dict[str, Any]) -> dict[str, Any]:
    """An uploaded application command, as Discord returns it."""
    return {
        **command,
        "id": str(payloads.new_id()),
        "application_id": str(payloads.APP_ID),
        "version": "1",
    }


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """A JSON response whose Content-Type is exactly ``application/json``."""
    return web.Response(
        body=json.dumps(data).encode(),
        status=status,
        headers={"Content-Type": "application/json", **(headers or {})},
    )
