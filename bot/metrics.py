"""What a running bot counts for operators, and whether it is ready: Prometheus metrics, health.

:class:`Metrics` holds one registry of its own (so tests, and two bots in one process, never share
counts): questions, answers, abstentions and their latency, digests posted and failed, and the
digest queue's depth (due subscriptions and pending deliveries at the last pass). It is the
delivery loop's :class:`~bot.delivery.DeliveryEvents` too. :func:`readiness` says whether the
index is loaded and the store answers. ``adapters/ops.py`` serves both over HTTP.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from prometheus_client import CONTENT_TYPE_LATEST as PROMETHEUS_CONTENT_TYPE
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from bot.core import Newsdesk
from bot.replies import Reply, ReplyKind
from bot.store import Destination, StoreError

__all__ = ["PROMETHEUS_CONTENT_TYPE", "Metrics", "Readiness", "readiness"]

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_LONG_AGO = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


class Metrics:
    """The bot's counters, in a registry of their own."""

    content_type: str = PROMETHEUS_CONTENT_TYPE  # of :meth:`render`'s output

    def __init__(self) -> None:
        """Create every metric at zero."""
        self.registry = CollectorRegistry()
        registry = self.registry
        self.questions = Counter("newsdesk_questions", "Questions asked.", registry=registry)
        self.answers = Counter("newsdesk_answers", "Questions answered.", registry=registry)
        self.abstentions = Counter(
            "newsdesk_abstentions",
            "Questions the archive had nothing relevant for (the bot said so).",
            registry=registry,
        )
        self.latency = Histogram(
            "newsdesk_question_seconds",
            "Time from a question to its reply.",
            buckets=_LATENCY_BUCKETS,
            registry=registry,
        )
        self.digests_posted = Counter(
            "newsdesk_digests_posted",
            "Digests the platform accepted.",
            ["platform"],
            registry=registry,
        )
        self.digests_failed = Counter(
            "newsdesk_digests_failed",
            "Digest posts that failed after their retries.",
            ["platform", "reason"],
            registry=registry,
        )
        self.queue_depth = Gauge(
            "newsdesk_digest_queue_depth",
            "Due subscriptions and pending deliveries at the last delivery pass.",
            ["kind"],
            registry=registry,
        )

    def question(self, reply: Reply, seconds: float) -> None:
        """Count one question, its reply's kind and how long it took."""
        self.questions.inc()
        if reply.kind is ReplyKind.ANSWER:
            self.answers.inc()
        elif reply.kind is ReplyKind.NO_ANSWER:
            self.abstentions.inc()
        self.latency.observe(seconds)

    def posted(self, destination: Destination, articles: int) -> None:
        """A digest reached ``destination``."""
        self.digests_posted.labels(destination.platform).inc()

    def failed(self, destination: Destination, reason: str) -> None:
        """A digest post to ``destination`` failed with ``reason``."""
        self.digests_failed.labels(destination.platform, reason).inc()

    def queued(self, due: int, pending: int) -> None:
        """The queue at the start of a delivery pass."""
        self.queue_depth.labels("due").set(due)
        self.queue_depth.labels("pending").set(pending)

    def render(self) -> bytes:
        """The metrics in Prometheus' text format."""
        return generate_latest(self.registry)


@dataclass(frozen=True, slots=True)
class Readiness:
    """Whether the bot can serve: the index is loaded and the store answers."""

    ready: bool
    index: str
    store: str

    def as_json(self) -> dict[str, object]:
        """The JSON body of ``GET /healthz``."""
        status = "ready" if self.ready else "unavailable"
        return {"status": status, "index": self.index, "store": self.store}


def readiness(core: Newsdesk) -> Readiness:
    """Check the loaded index and read from the store (blocking: call it in a thread)."""
    passages = len(core.knowledge.passages)
    index_ok = passages > 0
    index = f"{passages} passages" if index_ok else "no passages loaded"
    if core.desk is None:
        return Readiness(index_ok, index, "none configured")
    try:
        core.desk.store.due_subscriptions(_LONG_AGO)  # a read the store answers from an index
    except StoreError as error:  # its message names the store, never a password
        return Readiness(False, index, str(error))
    return Readiness(index_ok, index, "ok")
