"""The digest commands of one channel: now, subscribe, unsubscribe, list, help.

Every command answers with a reply; a wrong schedule or time zone gets a sentence saying what was
wrong and an example that works. Changing a channel's subscriptions needs ``may_manage`` in the
request context; the adapters decide who has it (a Slack allow-list, Discord's Manage Channels).
``digest now`` shows the latest articles without recording them as sent, so a subscription still
delivers them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal
from zoneinfo import ZoneInfo

from bot.commands import DigestHelp, DigestList, DigestNow, DigestSubscribe, DigestUnsubscribe
from bot.digest import ArchiveDigests, digest_reply
from bot.phrases import Phrasebook
from bot.replies import Reply, ReplyKind, Span, paragraph
from bot.schedule import Schedule, ScheduleError, next_runs, parse_schedule
from bot.settings import Language
from bot.store import Destination, NewSubscription, Store, Subscription

__all__ = ["DigestCommand", "DigestDesk", "RequestContext"]

DigestCommand = DigestNow | DigestSubscribe | DigestUnsubscribe | DigestList | DigestHelp


@dataclass(frozen=True, slots=True)
class RequestContext:
    """Where a message came from and what its author may do.

    Attributes:
        destination: The channel (or DM) the message came from; replies and digests go there.
        user: The author's platform id, if known.
        may_manage: Whether the author may change this channel's digest subscriptions.
        thread: The conversation the message belongs to, as the adapter names it within the
            channel (a Slack thread's ts, a Discord reply chain's first message); None outside
            one. A question in a thread is read with the thread's earlier questions.
        follows: The conversation this message continues, when it is kept under a new name
            (a Discord reply to an answer: the chain goes on under the reply's own id, since
            Discord resolves only one level of a chain). Its turns are read, and kept again
            under ``thread`` with the new one.
    """

    destination: Destination
    user: str | None = None
    may_manage: bool = True
    thread: str | None = None
    follows: str | None = None


class DigestDesk:
    """Answers digest commands for a channel, against the store and the current archive."""

    def __init__(
        self,
        store: Callable[[], Store],
        digests: ArchiveDigests,
        phrases: Phrasebook,
        *,
        language: Language,
        default_timezone: str,
        clock: Callable[[], dt.datetime],
    ) -> None:
        """Wire the desk; ``store`` is called when a command first needs it (opened lazily)."""
        self._store = store
        self.digests = digests
        self.phrases = phrases
        self.language: Language = language
        self.default_timezone = default_timezone
        self.clock = clock

    @property
    def store(self) -> Store:
        """The store (opened on first use)."""
        return self._store()

    def handle(self, command: DigestCommand, context: RequestContext) -> Reply:
        """Answer one digest command from ``context``."""
        match command:
            case DigestNow(topic):
                return self.now(topic)
            case DigestSubscribe(schedule, topic):
                return self.subscribe(context, schedule, topic)
            case DigestUnsubscribe(which):
                return self.unsubscribe(context, which)
            case DigestList():
                return self.list(context.destination)
            case DigestHelp(unknown):
                return self.help(unknown, platform=context.destination.platform)

    def help(self, unknown: str | None = None, *, platform: str | None = None) -> Reply:
        """The digest commands in ``platform``'s syntax, after naming an unknown subcommand."""
        say = self.phrases.say
        lines = [say(line, platform) for line in self.phrases.digest_help]
        if unknown:
            lines.insert(0, say(self.phrases.digest_unknown, platform, word=unknown))
        return Reply.info(lines[0], *((Span("• "), *line) for line in lines[1:]))

    def now(self, topic: str | None, *, since: dt.date | None = None) -> Reply:
        """The latest articles, or those about a topic, without recording anything."""
        digest = self.digests.latest(topic, since=since)
        if digest.empty and topic:
            text = self.phrases.digest_nothing_on_topic.format(topic=topic)
            return Reply((paragraph(text),), kind=ReplyKind.NO_ANSWER)
        return digest_reply(digest, self.phrases)

    def subscribe(self, context: RequestContext, text: str, topic: str | None) -> Reply:
        """Subscribe the channel and show the parsed schedule with its next three runs."""
        if not context.may_manage:
            return self._problem(self.phrases.not_allowed, context)
        try:
            schedule = parse_schedule(text, default_timezone=self.default_timezone)
        except ScheduleError as error:
            problem = self.phrases.schedule_errors[error.kind].format(
                value=error.value, choices=", ".join(error.choices)
            )
            example = self.phrases.say(self.phrases.schedule_example, context.destination.platform)
            return Reply((paragraph(problem), example), kind=ReplyKind.PROBLEM)
        existing = next(
            (
                s
                for s in self.store.subscriptions(context.destination)
                if (s.cron, s.timezone) == (schedule.cron, schedule.timezone)
                and (s.topic or "").casefold() == (topic or "").casefold()
            ),
            None,
        )
        if existing is not None:
            exists = self.phrases.subscription_exists.format(subscription=self._name(existing))
            return Reply((paragraph(exists),), kind=ReplyKind.PROBLEM)
        now = self.clock()
        runs = next_runs(schedule, now, 3)
        self.store.add_subscription(
            NewSubscription(
                destination=context.destination,
                schedule=schedule.text,
                cron=schedule.cron,
                timezone=schedule.timezone,
                topic=topic,
                created_at=now,
                next_run=runs[0],
            )
        )
        described = schedule.describe(self.language)
        first = (
            self.phrases.subscribed_topic.format(schedule=described, topic=topic)
            if topic
            else self.phrases.subscribed.format(schedule=described)
        )
        zone = ZoneInfo(schedule.timezone)
        shown = ", ".join(self.phrases.moment(run.astimezone(zone)) for run in runs)
        return Reply.info(first, self.phrases.next_runs.format(runs=shown))

    def unsubscribe(
        self, context: RequestContext, which: int | Literal["all"] | None = None
    ) -> Reply:
        """End subscription number ``which`` of ``digest list``, or ``all``.

        Without a number, a channel's only subscription ends; with several, the reply asks
        which one (nothing ends on a guess).
        """
        phrases = self.phrases
        if not context.may_manage:
            return self._problem(phrases.not_allowed, context)
        subscriptions = self.store.subscriptions(context.destination)
        if not subscriptions:
            return Reply.info(phrases.say(phrases.no_subscriptions, context.destination.platform))
        if which is None and len(subscriptions) > 1:
            return self._problem(phrases.unsubscribe_which, context, count=len(subscriptions))
        if which == "all" and len(subscriptions) > 1:
            count = self.store.remove_subscriptions(context.destination)
            return Reply.info(phrases.unsubscribed.format(count=count))
        number = 1 if which in (None, "all") else int(which)
        if not 1 <= number <= len(subscriptions):
            return self._problem(phrases.no_such_subscription, context, number=number)
        ended = subscriptions[number - 1]
        self.store.remove_subscription(ended.id)
        return Reply.info(phrases.unsubscribed_one.format(subscription=self._name(ended)))

    def list(self, destination: Destination) -> Reply:
        """The channel's subscriptions with next run, last run and last error."""
        subscriptions = self.store.subscriptions(destination)
        if not subscriptions:
            return Reply.info(self.phrases.say(self.phrases.no_subscriptions, destination.platform))
        lines = [self.phrases.subscriptions_heading]
        lines.extend(f"{n}. {self._describe(s)}" for n, s in enumerate(subscriptions, start=1))
        return Reply.info(*lines)

    def _problem(self, template: str, context: RequestContext, **values: object) -> Reply:
        """A problem sentence, its commands in the syntax of the asker's platform."""
        said = self.phrases.say(template, context.destination.platform, **values)
        return Reply((said,), kind=ReplyKind.PROBLEM)

    def _name(self, subscription: Subscription) -> str:
        """The schedule and topic of a subscription, as the channel reads them."""
        schedule = Schedule(subscription.cron, subscription.timezone, subscription.schedule)
        topic = subscription.topic
        suffix = self.phrases.topic_suffix.format(topic=topic) if topic else ""
        return schedule.describe(self.language) + suffix

    def _describe(self, subscription: Subscription) -> str:
        schedule = Schedule(subscription.cron, subscription.timezone, subscription.schedule)
        zone = ZoneInfo(subscription.timezone)
        last = subscription.last_run
        topic = subscription.topic
        return self.phrases.subscription_line.format(
            schedule=schedule.describe(self.language),
            topic=self.phrases.topic_suffix.format(topic=topic) if topic else "",
            next=self.phrases.moment(subscription.next_run.astimezone(zone)),
            last=self.phrases.moment(last.astimezone(zone)) if last else self.phrases.never,
            status=subscription.last_error or self.phrases.healthy,
        )
