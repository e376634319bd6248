"""The Bolt app: one listener per Slack entry point, each translating in, calling the core once and
translating out.

Entry points: ``/ask`` and ``/digest`` (acknowledged at once, answered through the
``response_url``, ephemeral), mentions and direct messages (answered in the thread with
``chat.postMessage``), and the answer buttons (👍/👎, "post to channel"). The core's work runs in
``asyncio.to_thread``, so no acknowledgement waits for another request's search.
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
from types import TracebackType
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.inbound import TtlCache, from_mrkdwn, to_question
from adapters.slack.permissions import Managers
from adapters.slack.render import (
    SHARE,
    VOTE_DOWN,
    VOTE_UP,
    Asked,
    parse_share_value,
    to_blocks,
    to_text,
    wants_feedback,
)
from bot import Destination, Newsdesk, Reply, RequestContext

__all__ = ["InFlight", "SlackDesk", "build_app"]

log = logging.getLogger(__name__)


class InFlight:
    """Counts the listeners still at work, so a shutdown can let them finish their replies."""

    def __init__(self) -> None:
        """Start idle."""
        self.count = 0
        self._idle = asyncio.Event()
        self._idle.set()

    def __enter__(self) -> None:
        """One more listener at work."""
        self.count += 1
        self._idle.clear()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """One listener done."""
        self.count -= 1
        if not self.count:
            self._idle.set()

    async def drain(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for every listener to finish; True if they did."""
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except TimeoutError:
            return False
        return True


class SlackDesk:
    """The listeners, around one core; raw Slack payloads stop here."""

    def __init__(self, core: Newsdesk, managers: Managers, inflight: InFlight) -> None:
        """Answer from ``core``; ``managers`` decides who may change subscriptions."""
        self.core = core
        self.phrases = core.phrases
        self.managers = managers
        self.inflight = inflight
        self._seen: TtlCache[tuple[str, str], bool] = TtlCache(600.0, 10_000)
        self._answers: TtlCache[str, Reply] = TtlCache(3600.0, 1_000)

    async def ask(
        self, ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        """``/ask <question>``: the answer, for the asker only, restating the question."""
        await ack()
        with self.inflight:
            text = from_mrkdwn(str(command.get("text") or ""))
            context = await self._context(client, command["channel_id"], command["user_id"])
            reply = await asyncio.to_thread(self.core.handle, text or "help", context)
            asked = Asked(reply.question or text)
            message = to_blocks(
                reply, self.phrases, answer_id=self._remember(reply), asked=asked, shareable=True
            )
            await respond(**message, response_type="ephemeral")

    async def digest(
        self, ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        """``/digest <subcommand>``: the core's digest commands for this channel."""
        await ack()
        with self.inflight:
            text = from_mrkdwn(str(command.get("text") or ""))
            context = await self._context(client, command["channel_id"], command["user_id"])
            reply = await asyncio.to_thread(self.core.handle, f"digest {text}", context)
            asked = Asked(f"{command.get('command') or '/digest'} {text}")
            await respond(**to_blocks(reply, self.phrases, asked=asked), response_type="ephemeral")

    async def message(
        self, event: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
    ) -> None:
        """A mention or a direct message: answered once, in its thread."""
        question = to_question(event, context.bot_user_id)
        if question is None or not self._seen.add_new(question.key, True):
            return
        with self.inflight:
            request = await self._context(client, question.channel, question.user)
            reply = await asyncio.to_thread(self.core.handle, question.text, request)
            message = to_blocks(reply, self.phrases, answer_id=self._remember(reply))
            await client.chat_postMessage(
                channel=question.channel,
                thread_ts=question.thread_ts,
                unfurl_links=False,
                **message,
            )

    async def vote(
        self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], respond: AsyncRespond
    ) -> None:
        """👍 or 👎 under an answer: recorded, and thanked for the clicker only."""
        await ack()
        with self.inflight:
            vote = "up" if action.get("action_id") == VOTE_UP else "down"
            answer_id, user = str(action.get("value") or ""), body["user"]["id"]
            reply = await asyncio.to_thread(self.core.record_feedback, answer_id, user, vote)
            await respond(text=to_text(reply), response_type="ephemeral", replace_original=False)

    async def share(
        self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], respond: AsyncRespond
    ) -> None:
        """The "post to channel" button: the same answer, shown to everyone, saying who asked."""
        await ack()
        with self.inflight:
            answer_id, question = parse_share_value(str(action.get("value") or ""))
            reply = self._answers.get(answer_id)
            if reply is None:  # forgotten (a restart): ask again
                reply = await asyncio.to_thread(self.core.ask, question)
            asked = Asked(reply.question or question, by=body["user"]["id"])
            message = to_blocks(reply, self.phrases, answer_id=answer_id, asked=asked)
            await respond(**message, response_type="in_channel", replace_original=False)
            await respond(delete_original=True)

    def _remember(self, reply: Reply) -> str | None:
        """Give an answer its id (for votes) and keep it a while (for "post to channel")."""
        if not wants_feedback(reply):
            return None
        answer_id = secrets.token_hex(8)
        self._answers.put(answer_id, reply)
        return answer_id

    async def _context(self, client: AsyncWebClient, channel: str, user: str) -> RequestContext:
        may_manage = await self.managers.may_manage(client, user)
        return RequestContext(Destination("slack", channel), user=user, may_manage=may_manage)


def build_app(desk: SlackDesk, client: AsyncWebClient, *, signing_secret: str) -> AsyncApp:
    """The Bolt app with the desk's listeners; ``client`` talks to the configured Web API.

    Request signatures are verified (HTTP mode); acknowledgements are sent before any work
    (``process_before_response`` stays off).
    """
    app = AsyncApp(name="newsdesk", client=client, signing_secret=signing_secret)
    app.command("/ask")(desk.ask)
    app.command("/digest")(desk.digest)
    app.event("app_mention")(desk.message)
    app.event("message")(desk.message)
    app.action(re.compile(f"^({VOTE_UP}|{VOTE_DOWN})$"))(desk.vote)
    app.action(SHARE)(desk.share)
    return app
