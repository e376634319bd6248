"""The Bolt app: one listener per Slack entry point, each translating in, calling the core once and
translating out.

Entry points: ``/ask`` and ``/digest`` (answered through the ``response_url``, ephemeral),
mentions and direct messages (answered in the thread with ``chat.postMessage``), and the answer
buttons (👍/👎, "post to channel"). Every listener acknowledges first and hands the rest to a
task (:class:`InFlight`), so Slack's acknowledgement never waits for an answer; the core's work
runs through :class:`bot.CoreWorkers` (questions in worker processes under ``newsdesk run``).
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Coroutine
from functools import partial
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.inbound import SlackQuestion, TtlCache, from_mrkdwn, to_question
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
from adapters.slack.responses import ResponseUrls
from bot import CoreWorkers, Destination, Reply, RequestContext

PLATFORM = "slack"

__all__ = ["InFlight", "SlackDesk", "build_app"]

log = logging.getLogger(__name__)


class InFlight:
    """The replies still being worked on, as tasks, so a shutdown can let them finish."""

    def __init__(self) -> None:
        """Start idle."""
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def count(self) -> int:
        """How many replies are being worked on."""
        return len(self._tasks)

    def spawn(self, work: Coroutine[Any, Any, None], what: str) -> None:
        """Run ``work`` as a task until it ends; a failure is logged, naming ``what``."""
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(partial(self._finished, what))

    def _finished(self, what: str, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and (error := task.exception()) is not None:
            log.error("Slack: could not finish the reply to %s", what, exc_info=error)

    async def drain(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for every reply to finish; True if they did."""
        if not self._tasks:
            return True
        _, pending = await asyncio.wait(set(self._tasks), timeout=timeout)
        return not pending


class SlackDesk:
    """The listeners, around one core; raw Slack payloads stop here."""

    def __init__(
        self,
        workers: CoreWorkers,
        managers: Managers,
        inflight: InFlight,
        responses: ResponseUrls,
    ) -> None:
        """Answer through ``workers``; ``managers`` decides who may change subscriptions."""
        self.workers = workers
        self.phrases = workers.core.phrases
        self.managers = managers
        self.inflight = inflight
        self.responses = responses
        self._seen: TtlCache[tuple[str, str], bool] = TtlCache(600.0, 10_000)
        self._answers: TtlCache[str, Reply] = TtlCache(3600.0, 1_000)

    async def ask(self, ack: AsyncAck, command: dict[str, Any], client: AsyncWebClient) -> None:
        """``/ask <question>``: the answer, for the asker only, restating the question."""
        await ack()
        self.inflight.spawn(self._ask(command, client), "/ask")

    async def _ask(self, command: dict[str, Any], client: AsyncWebClient) -> None:
        text = from_mrkdwn(str(command.get("text") or ""))
        context = await self._context(client, command["channel_id"], command["user_id"])
        reply = await self.workers.handle(text or "help", context)
        asked = Asked(reply.question or text)
        answer_id = await self._remember(reply)
        message = to_blocks(reply, self.phrases, answer_id=answer_id, asked=asked, shareable=True)
        await self.responses.send(command["response_url"], **message, response_type="ephemeral")

    async def digest(self, ack: AsyncAck, command: dict[str, Any], client: AsyncWebClient) -> None:
        """``/digest <subcommand>``: the core's digest commands for this channel."""
        await ack()
        self.inflight.spawn(self._keyword(command, client, "digest"), "/digest")

    async def feed(self, ack: AsyncAck, command: dict[str, Any], client: AsyncWebClient) -> None:
        """``/feed add <url> [every 30m] | list | remove <n>``: the core's feed commands."""
        await ack()
        self.inflight.spawn(self._keyword(command, client, "feed"), "/feed")

    async def _keyword(self, command: dict[str, Any], client: AsyncWebClient, word: str) -> None:
        text = from_mrkdwn(str(command.get("text") or ""))
        context = await self._context(client, command["channel_id"], command["user_id"])
        reply = await self.workers.handle(f"{word} {text}", context)
        asked = Asked(f"{command.get('command') or '/' + word} {text}")
        message = to_blocks(reply, self.phrases, asked=asked)
        await self.responses.send(command["response_url"], **message, response_type="ephemeral")

    async def message(
        self, event: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
    ) -> None:
        """A mention or a direct message: answered once, in its thread (Bolt acknowledges)."""
        question = to_question(event, context.bot_user_id)
        if question is None or not self._seen.add_new(question.key, True):
            return
        self.inflight.spawn(self._answer_in_thread(question, client), "a mention")

    async def _answer_in_thread(self, question: SlackQuestion, client: AsyncWebClient) -> None:
        thread = question.thread_ts or "dm"  # a DM's top level is one conversation
        request = await self._context(client, question.channel, question.user, thread=thread)
        if not question.addressed and not await self.workers.in_conversation(request):
            return  # a thread the bot has not answered in (or not lately): not for the bot
        reply = await self.workers.handle(question.text, request)
        if not question.addressed and not reply.answered:
            return  # unasked, speak only with an answer: "danke!" needs no "nothing found"
        message = to_blocks(reply, self.phrases, answer_id=await self._remember(reply))
        await client.chat_postMessage(
            channel=question.channel, thread_ts=question.thread_ts, unfurl_links=False, **message
        )

    async def vote(self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        """👍 or 👎 under an answer: recorded, and thanked for the clicker only."""
        await ack()
        self.inflight.spawn(self._vote(body, action), "a vote")

    async def _vote(self, body: dict[str, Any], action: dict[str, Any]) -> None:
        vote = "up" if action.get("action_id") == VOTE_UP else "down"
        answer_id, user = str(action.get("value") or ""), body["user"]["id"]
        reply = await self.workers.record_feedback(answer_id, user, vote)
        await self.responses.send(
            body["response_url"],
            text=to_text(reply),
            response_type="ephemeral",
            replace_original=False,
        )

    async def share(self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        """The "post to channel" button: the same answer, shown to everyone, saying who asked."""
        await ack()
        self.inflight.spawn(self._share(body, action), '"post to channel"')

    async def _share(self, body: dict[str, Any], action: dict[str, Any]) -> None:
        answer_id, question = parse_share_value(str(action.get("value") or ""))
        reply = self._answers.get(answer_id)
        if reply is None:  # forgotten (a restart): ask again
            reply = await self.workers.ask(question, (), PLATFORM)
        asked = Asked(reply.question or question, by=body["user"]["id"])
        message = to_blocks(reply, self.phrases, answer_id=answer_id, asked=asked)
        url = body["response_url"]
        await self.responses.send(
            url, **message, response_type="in_channel", replace_original=False
        )
        await self.responses.send(url, delete_original=True)

    async def _remember(self, reply: Reply) -> str | None:
        """Give an answer its id (the core keeps what it was about, for votes) and keep the
        reply a while (for "post to channel")."""
        if not wants_feedback(reply):
            return None
        answer_id = await self.workers.remember_answer(reply, PLATFORM)
        if answer_id is not None:
            self._answers.put(answer_id, reply)
        return answer_id

    async def _context(
        self, client: AsyncWebClient, channel: str, user: str, *, thread: str | None = None
    ) -> RequestContext:
        may_manage = await self.managers.may_manage(client, user)
        return RequestContext(
            Destination(PLATFORM, channel), user=user, may_manage=may_manage, thread=thread
        )


class _TokenUnusedNotice(logging.Filter):
    """Drops Bolt's "`token` will be unused" warning, which would mislead whoever configured us.

    Bolt reads ``SLACK_BOT_TOKEN`` from the environment by itself and warns that it will not use
    it when given a client; our client carries that very token (settings read the same variable).
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Keep every other record."""
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


def _quiet_token_notice() -> None:
    bolt = logging.getLogger(f"slack_bolt.{AsyncApp.__name__}")  # Bolt's own logger name
    if not any(isinstance(f, _TokenUnusedNotice) for f in bolt.filters):
        bolt.addFilter(_TokenUnusedNotice())


def build_app(desk: SlackDesk, client: AsyncWebClient, *, signing_secret: str) -> AsyncApp:
    """The Bolt app with the desk's listeners; ``client`` talks to the configured Web API.

    Request signatures are verified (HTTP mode). Each listener acknowledges and returns at once
    (its work continues in a task), so Bolt runs it inline (``process_before_response``) and
    answers Slack as soon as it returns, instead of polling for the ``ack()`` every 10 ms.
    """
    _quiet_token_notice()
    app = AsyncApp(
        name="newsdesk",
        client=client,
        signing_secret=signing_secret,
        process_before_response=True,
    )
    app.command("/ask")(desk.ask)
    app.command("/digest")(desk.digest)
    app.command("/feed")(desk.feed)
    app.event("app_mention")(desk.message)
    app.event("message")(desk.message)
    app.action(re.compile(f"^({VOTE_UP}|{VOTE_DOWN})$"))(desk.vote)
    app.action(SHARE)(desk.share)
    return app
