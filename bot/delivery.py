"""The digest delivery loop: post every due digest once, through the :class:`Poster` port.

One asyncio task (:meth:`DeliveryLoop.run`) wakes at the earliest next run (or every
``poll_interval``, to see new subscriptions), posts the due digests concurrently per destination
and serially within one, and records each run. The clock and the posters are injected.

- **Catch-up.** A subscription's next run is computed from *now*, so after downtime it posts one
  digest of everything it missed, not one per missed slot.
- **A feed's backlog.** Articles a feed's first fetch recorded as quiet
  (:meth:`bot.store.Store.quiet_articles`, see :mod:`bot.ingestion`) are never offered.
- **Nothing new.** No post, unless ``post_empty``: then the poster gets the empty digest and
  renders the "nothing new" line (no delivery is recorded; there is nothing to deliver).
- **Failures.** A :class:`PostError` with ``permanent=True`` (channel gone, no permission) is not
  retried: the subscription records the reason, shown by ``digest list``. Anything else is retried
  (policy below); when retries run out the error is recorded with "(retrying at the next run)".
  The articles of a failed post stay unsent, so the next run offers them again. One channel's
  failure, or any exception at all, never stops the loop or the other channels.

Retry policy (:class:`RetryPolicy`)
-----------------------------------
After failed attempt *n* the loop waits ``min(max_delay, base_delay * 2**(n-1))``, or the
platform's ``retry_after`` if that is longer, times ``1 + jitter * U[0, 1)``. The jitter is
proportional and only ever *lengthens* the wait, so a retry-after is always honoured and no wait
exceeds ``max_delay * (1 + jitter)``. A ``retry_after`` above ``max_delay`` ends the retries at
once (the next run tries again) rather than holding the loop. Stopping the loop ends them too.

Each article reaches a channel once: the crash window
------------------------------------------------------
The store's begin/complete protocol (see :mod:`bot.store`) keeps the sent record: the loop
begins a delivery, posts, and completes the delivery *immediately* after the platform accepted
the post, before any logging or other work. A crash (or cancellation) in that window, between
the platform's acceptance and the local commit, cannot be told from a crash before the post, so
the loop re-sends each pending delivery's unsent articles before it posts anything new to that
destination, once it holds the destination's lease (and abandons it when none are left or they
left the archive), unless the platform shows it was posted
(:mod:`bot.reconcile`): a poster that can look (Slack by the message metadata, Discord by the
embed footer) is first asked for the bot's message of that delivery since it began; found, the
delivery is completed with it and nothing is re-sent. Where the platform cannot be asked (a
console, a missing scope or permission, an error), the loop re-sends and warns that the channel
may see that one digest twice: at worst one duplicate, never a gap. Posters get the delivery id,
to send with the post (Slack message metadata, Discord's ``nonce`` with ``enforce_nonce``, which
also drops a repeat within minutes, and its embed footer). A post that timed out
(``PostError(ambiguous=True)``, or a ``TimeoutError``) may have landed, so its delivery is left
pending, as the store asks; the next run offers its articles again, and recovery skips articles
a later delivery already carried.

Several replicas: one lease per destination
-------------------------------------------
Any number of loops (replicas) may share one store. Each pass reads the due subscriptions and the
pending deliveries, and works on a destination only after taking its lease
(:meth:`~bot.store.Store.acquire_lease`; another replica's live lease means "not mine, skip").
Holding it, the loop first recovers that destination's pending deliveries (a crashed replica's,
or a timed-out post another replica left), then re-reads which of its subscriptions are still due
(another replica may have run them a moment ago), and runs them. Every delivery begins and
completes under the lease's fencing token, and the lease is renewed before each post and before
each retry wait (for the wait plus ``lease_seconds``), so a retry policy that waits minutes keeps
it. A replica that loses its lease stops retrying and leaves the delivery pending for the new
holder. The lease is released when the destination's work is done (or cancelled), so a clean
stop hands over at once; after a crash the others take over once it expires
(``NEWSDESK_DIGEST_LEASE_SECONDS``). One window remains, as with a single process: a replica that
is killed (or stalls past its expiry) after the platform accepted a post and before it completed
the delivery; its successor re-sends that digest once. A single process is the same loop with
every lease granted at once.

Composing a digest (ranking the archive by a topic) runs in ``asyncio.to_thread`` too. Store calls
run in ``asyncio.to_thread``: a commit waits for an fsync, or up to the store's busy
timeout when another process writes, and the event loop also serves the chat adapters.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import random
import secrets
import socket
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, TypeVar

from bot.digest import Digest
from bot.reconcile import look_up
from bot.schedule import Schedule, next_run
from bot.store import Destination, Lease, LeaseLostError, PendingDelivery, Store, Subscription

__all__ = [
    "Clock",
    "DeliveryEvents",
    "DeliveryLoop",
    "DigestSource",
    "PostError",
    "Poster",
    "RetryPolicy",
    "RunOutcome",
    "RunStatus",
    "SystemClock",
]

log = logging.getLogger(__name__)

T = TypeVar("T")
RunStatus = Literal["posted", "nothing_new", "failed", "permanent_failure"]
_BROKEN_SCHEDULE_RETRY = dt.timedelta(days=1)  # a stored schedule that no longer parses
_MIN_IDLE = 1.0  # seconds: never spin when a subscription stays due (e.g. the store is failing)


class Clock(Protocol):
    """Time as the loop sees it; tests pass a fake they advance by hand."""

    def now(self) -> dt.datetime:
        """Return the current time, timezone-aware, in UTC."""

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds``; cancellable."""


class SystemClock:
    """The real clock: the system's UTC time and ``asyncio.sleep``."""

    def now(self) -> dt.datetime:
        """Return the current time, timezone-aware, in UTC."""
        return dt.datetime.now(dt.UTC)

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` on the event loop."""
        await asyncio.sleep(max(0.0, seconds))


class PostError(Exception):
    """A post failed; ``reason`` is short text users see in ``digest list``.

    Attributes:
        reason: E.g. ``"channel_not_found"``, ``"missing_access"``, ``"rate_limited"``.
        permanent: The channel is gone, archived or forbidden: retrying cannot help.
        retry_after: Seconds the platform asked to wait before the next attempt.
        ambiguous: The post may have landed (a timeout): its delivery stays pending.
    """

    def __init__(
        self,
        reason: str,
        *,
        permanent: bool,
        retry_after: float | None = None,
        ambiguous: bool = False,
    ) -> None:
        """Describe the failure; see the class attributes."""
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        self.retry_after = retry_after
        self.ambiguous = ambiguous and not permanent


class Poster(Protocol):
    """The port the loop posts through; one per platform, implemented by its adapter."""

    async def post(
        self, destination: Destination, digest: Digest, *, delivery_id: int | None
    ) -> str | None:
        """Post ``digest`` (an empty one as the "nothing new" line) and return a message reference.

        ``delivery_id`` (None for a "nothing new" line) is the same on every retry and re-send of
        one delivery: use it as an idempotency key where the platform has one. Raise
        :class:`PostError`; any other exception counts as a transient failure.
        """


class DigestSource(Protocol):
    """Composes digests from the *current* archive (it can change while the loop runs)."""

    def compose_for(self, topic: str | None, sent: frozenset[str], *, first_run: bool) -> Digest:
        """Return the digest of the articles not in ``sent`` (empty when nothing is new)."""

    def resend(self, article_ids: Sequence[str]) -> Digest | None:
        """Return the digest of exactly these articles; None when none of them exists any more."""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how long to retry a failed post; see the module docstring."""

    attempts: int = 5
    base_delay: float = 1.0
    max_delay: float = 60.0
    jitter: float = 0.25

    def __post_init__(self) -> None:
        if self.attempts < 1 or self.base_delay < 0 or self.max_delay < 0 or self.jitter < 0:
            raise ValueError(f"a retry policy needs attempts >= 1 and no negative value: {self}")

    def delay(self, failures: int, retry_after: float | None, rng: random.Random) -> float | None:
        """Return the seconds to wait after ``failures`` failed attempts; None: stop retrying."""
        if retry_after is not None and retry_after > self.max_delay:
            return None
        wait = max(min(self.max_delay, self.base_delay * 2.0 ** (failures - 1)), retry_after or 0.0)
        return wait * (1.0 + self.jitter * rng.random())


@dataclass(frozen=True, slots=True)
class RunOutcome:
    """What one subscription's run did; ``articles`` are the digest's (sent only if posted)."""

    subscription_id: int
    status: RunStatus
    articles: tuple[str, ...]
    error: str | None


class DeliveryLoop:
    """Posts due digests through the posters and records every run and delivery in the store."""

    def __init__(
        self,
        store: Store,
        source: DigestSource,
        poster: Poster | Mapping[str, Poster],
        clock: Clock,
        *,
        retry: RetryPolicy | None = None,
        post_empty: bool = False,
        poll_interval: float = 30.0,
        rng: random.Random | None = None,
        lookup_timeout: float = 60.0,
        owner: str | None = None,
        lease_seconds: float = 60.0,
        events: DeliveryEvents | None = None,
    ) -> None:
        """Wire the loop; ``poster`` is one for every platform or one per platform name.

        ``lookup_timeout`` bounds the seconds recovery waits to learn whether a pending
        delivery was posted (then it re-sends); ``owner`` names this replica in its leases
        (default: host, process id and a random part); ``events`` hears of every post (for
        metrics).
        """
        self.store, self.source, self.clock = store, source, clock
        self._posters = poster
        self.retry = retry or RetryPolicy()
        self.post_empty = post_empty
        self.poll_interval = poll_interval
        self.lookup_timeout = lookup_timeout
        self._rng = rng or random.Random()  # noqa: S311 -- jitter, not cryptography
        self._locks: dict[Destination, asyncio.Lock] = {}
        self._stop: asyncio.Event | None = None
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self.lease_ttl = dt.timedelta(seconds=lease_seconds)
        self.events = events or _NoEvents()
        self._left_pending: set[int] = set()  # our own timed-out posts: the next run offers them

    async def run(self, stop: asyncio.Event) -> None:
        """Post due digests (recovering pending ones per destination) until ``stop`` is set."""
        self._stop = stop
        while not stop.is_set():
            try:
                await self.run_due()
                idle = await self._idle_seconds()
            except Exception:
                log.exception("digest loop pass failed; trying again in %s s", self.poll_interval)
                idle = self.poll_interval
            await self._pause(idle)

    async def recover(self) -> int:
        """Re-send every destination's pending deliveries (under its lease); return how many."""
        pending = await asyncio.to_thread(self.store.pending_deliveries)
        destinations = list(dict.fromkeys(d.destination for d in pending))
        done = await asyncio.gather(
            *(self._with_lease(place, self._recover_all) for place in destinations)
        )
        return sum(n or 0 for n in done)

    async def run_due(self) -> list[RunOutcome]:
        """Run every due subscription, concurrently per destination; one outcome each.

        A destination whose lease another replica holds is skipped (its subscriptions get no
        outcome); one that has pending deliveries left by a crash is recovered first.
        """
        now = self.clock.now()
        due = await asyncio.to_thread(self.store.due_subscriptions, now)
        pending = await asyncio.to_thread(self.store.pending_deliveries)
        orphans = {d.destination for d in pending if d.id not in self._left_pending}
        self.events.queued(len(due), len(pending))
        destinations = list(dict.fromkeys([*(s.destination for s in due), *orphans]))

        async def work(hold: _Hold) -> list[RunOutcome]:
            if hold.lease.destination in orphans:
                await self._recover_all(hold)
            still_due = await asyncio.to_thread(self.store.due_subscriptions, now)
            mine = [s for s in still_due if s.destination == hold.lease.destination]
            return [await self._guard_run(s, now, hold) for s in mine]

        found = await asyncio.gather(*(self._with_lease(place, work) for place in destinations))
        order = {s.id: i for i, s in enumerate(due)}
        outcomes = [outcome for group in found for outcome in group or ()]
        return sorted(outcomes, key=lambda o: order.get(o.subscription_id, len(order)))

    async def _with_lease(
        self, destination: Destination, job: Callable[[_Hold], Awaitable[T]]
    ) -> T | None:
        """Run ``job`` holding the destination's lease; None if another replica holds it."""
        async with self._lock(destination):
            lease = await asyncio.to_thread(
                self.store.acquire_lease, destination, self.owner, self.clock.now(), self.lease_ttl
            )
            if lease is None:
                log.debug("%s is another replica's right now", destination.key)
                return None
            hold = _Hold(self, lease)
            try:
                return await job(hold)
            finally:
                try:
                    await asyncio.to_thread(self.store.release_lease, hold.lease)
                except Exception:  # it expires on its own
                    log.warning("cannot release the lease on %s", destination.key, exc_info=True)

    async def _recover_all(self, hold: _Hold) -> int:
        """Re-send the pending deliveries of the held destination, oldest first."""
        pending = await asyncio.to_thread(self.store.pending_deliveries, hold.lease.destination)
        posted = 0
        for delivery in pending:
            if delivery.id not in self._left_pending:
                posted += await self._guard_recover(delivery, hold)
        return posted

    def _lock(self, destination: Destination) -> asyncio.Lock:
        return self._locks.setdefault(destination, asyncio.Lock())

    async def _guard_run(
        self, subscription: Subscription, now: dt.datetime, hold: _Hold
    ) -> RunOutcome:
        """Run one subscription; log and record any unexpected error instead of raising it."""
        try:
            return await self._run(subscription, now, hold)
        except LeaseLostError as exc:
            log.warning("digest to %s stopped: %s", subscription.destination.key, exc)
            return RunOutcome(subscription.id, "failed", (), "lease_lost")
        except Exception as exc:
            log.exception(
                "digest run of subscription %d to %s failed",
                subscription.id,
                subscription.destination.key,
            )
            error = f"internal error ({type(exc).__name__})"
            try:
                await self._record(subscription, now, error)
            except Exception:
                log.exception("cannot record the error of subscription %d", subscription.id)
            return RunOutcome(subscription.id, "failed", (), error)

    async def _run(self, subscription: Subscription, now: dt.datetime, hold: _Hold) -> RunOutcome:
        _schedule(subscription)  # a broken schedule fails before anything is posted
        destination = subscription.destination
        sent = await asyncio.to_thread(self.store.sent_articles, destination)
        first_run = not sent  # nothing was ever delivered here (not: never ran)
        quiet = await asyncio.to_thread(self.store.quiet_articles)  # a feed's first-fetch backlog
        digest = await asyncio.to_thread(  # CPU work (topic ranking): off the chat event loop
            self.source.compose_for, subscription.topic, sent | quiet, first_run=first_run
        )
        articles = digest.article_ids
        if digest.empty:
            failure = None
            if self.post_empty:
                _, failure = await self._post(destination, digest, None, hold)
            if failure is None:
                await self._record(subscription, now, None)
                return RunOutcome(subscription.id, "nothing_new", (), None)
        else:
            await hold.renew(0.0)
            delivery_id = await asyncio.to_thread(
                lambda: self.store.begin_delivery(destination, articles, now, lease=hold.lease)
            )
            ref, failure = await self._post(destination, digest, delivery_id, hold)
            if failure is None:
                await self._complete(delivery_id, ref, hold)  # first: this is the crash window
                self.events.posted(destination, len(articles))
                await self._record(subscription, now, None)
                log.info("posted %d articles to %s", len(articles), destination.key)
                return RunOutcome(subscription.id, "posted", articles, None)
            self.events.failed(destination, failure.reason)
            if failure.reason == LEASE_LOST:  # the delivery is the new holder's to recover
                return RunOutcome(subscription.id, "failed", articles, LEASE_LOST)
            if failure.ambiguous:
                self._left_pending.add(delivery_id)
            else:
                await asyncio.to_thread(self.store.abandon_delivery, delivery_id)
        error = (
            failure.reason if failure.permanent else f"{failure.reason} (retrying at the next run)"
        )
        log.warning("digest to %s (subscription %d): %s", destination.key, subscription.id, error)
        await self._record(subscription, now, error)
        status: RunStatus = "permanent_failure" if failure.permanent else "failed"
        return RunOutcome(subscription.id, status, articles, error)

    async def _guard_recover(self, delivery: PendingDelivery, hold: _Hold) -> bool:
        """Re-send one pending delivery; True if posted. Errors are logged, never raised."""
        key = delivery.destination.key
        try:
            return await self._recover(delivery, hold)
        except Exception:
            log.exception("re-sending pending delivery %d to %s failed", delivery.id, key)
            return False

    async def _recover(self, delivery: PendingDelivery, hold: _Hold) -> bool:
        destination, key = delivery.destination, delivery.destination.key
        sent = await asyncio.to_thread(self.store.sent_articles, destination)
        unsent = [a for a in delivery.article_ids if a not in sent]
        digest = await asyncio.to_thread(self.source.resend, unsent) if unsent else None
        if digest is None:  # a later delivery carried them, or they left the archive
            log.info("pending delivery %d to %s has nothing left to send", delivery.id, key)
            await asyncio.to_thread(self.store.abandon_delivery, delivery.id)
            return False
        await hold.renew(self.lookup_timeout)  # the lookup may take that long
        lookup = await look_up(self._poster(destination), delivery, timeout=self.lookup_timeout)
        begun = delivery.begun_at.isoformat()
        if lookup.status == "found":
            log.info(
                "delivery %d to %s, begun %s, was posted before the bot stopped (message %s):"
                " recorded as sent, not re-sent",
                delivery.id,
                key,
                begun,
                lookup.message_ref,
            )
            await self._complete(delivery.id, lookup.message_ref, hold)
            return False
        if lookup.status == "not_found":
            log.info(
                "delivery %d to %s, begun %s, was not posted: sending it", delivery.id, key, begun
            )
        elif lookup.status == "unavailable":
            log.warning(
                "cannot look up delivery %d in %s (%s): re-sending it; if the platform took it"
                " before the bot stopped, this one digest appears twice",
                delivery.id,
                key,
                lookup.reason,
            )
        else:
            log.warning(
                "re-sending delivery %d to %s, begun %s and never confirmed: if the platform took"
                " it before the bot stopped, this one digest appears twice",
                delivery.id,
                key,
                begun,
            )
        await hold.renew(0.0)
        ref, failure = await self._post(destination, digest, delivery.id, hold)
        if failure is None:
            await self._complete(delivery.id, ref, hold)
            self.events.posted(destination, len(unsent))
            return True
        self.events.failed(destination, failure.reason)
        log.warning("pending delivery %d to %s failed again: %s", delivery.id, key, failure.reason)
        if failure.ambiguous:
            self._left_pending.add(delivery.id)
        elif failure.reason != LEASE_LOST:
            await asyncio.to_thread(self.store.abandon_delivery, delivery.id)
        return False

    async def _post(
        self, destination: Destination, digest: Digest, delivery_id: int | None, hold: _Hold
    ) -> tuple[str | None, PostError | None]:
        """Post with retries; return ``(message_ref, None)`` or ``(None, the last failure)``.

        The lease is renewed to cover each wait, and checked again before each retry.
        """
        poster = self._poster(destination)
        if poster is None:
            return None, PostError(f"no_poster_for_{destination.platform}", permanent=True)
        failures = 0
        while True:
            ref, failure = await _attempt(poster, destination, digest, delivery_id)
            if failure is None:
                return ref, None
            failures += 1
            wait = None
            if not failure.permanent and failures < self.retry.attempts:
                wait = self.retry.delay(failures, failure.retry_after, self._rng)
            if wait is None:
                return None, failure
            log.info("post to %s failed (%s); retry in %.1f s", destination.key, failure, wait)
            if not await hold.keep(wait):  # through the wait and the retry
                return None, PostError(LEASE_LOST, permanent=False)
            if await self._pause(wait):
                return None, failure
            if not await hold.keep(0.0):  # a stall past the expiry: still ours?
                return None, PostError(LEASE_LOST, permanent=False)

    def _poster(self, destination: Destination) -> Poster | None:
        """The poster of the destination's platform; None when there is none."""
        if isinstance(self._posters, Mapping):
            return self._posters.get(destination.platform)
        return self._posters

    async def _complete(self, delivery_id: int, ref: str | None, hold: _Hold) -> None:
        at, lease = self.clock.now(), hold.lease
        await asyncio.to_thread(
            lambda: self.store.complete_delivery(delivery_id, at, message_ref=ref, lease=lease)
        )

    async def _record(
        self, subscription: Subscription, now: dt.datetime, error: str | None
    ) -> None:
        """Record a run and its error; the next run is the first after ``now`` (catch-up once)."""
        try:
            following = next_run(_schedule(subscription), now)
        except ValueError:  # the stored schedule no longer parses: try again tomorrow
            following = now + _BROKEN_SCHEDULE_RETRY
        kept = await asyncio.to_thread(
            self.store.record_run, subscription.id, ran_at=now, next_run=following, error=error
        )
        if not kept:
            log.info("subscription %d was removed while it ran", subscription.id)

    async def _idle_seconds(self) -> float:
        """Return how long to sleep: until the earliest next run, at most ``poll_interval``."""
        subscriptions = await asyncio.to_thread(self.store.subscriptions)
        wait = self.poll_interval
        if subscriptions:
            earliest = min(s.next_run for s in subscriptions)
            wait = min(wait, (earliest - self.clock.now()).total_seconds())
        return max(wait, min(_MIN_IDLE, self.poll_interval))

    async def _pause(self, seconds: float) -> bool:
        """Sleep on the clock; wake early and return True when the loop is told to stop."""
        stop = self._stop
        if stop is None:
            await self.clock.sleep(seconds)
            return False
        if stop.is_set():
            return True
        sleeper = asyncio.ensure_future(self.clock.sleep(seconds))
        stopper = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait((sleeper, stopper), return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (sleeper, stopper):
                task.cancel()
            await asyncio.gather(sleeper, stopper, return_exceptions=True)
        return stop.is_set()


LEASE_LOST = "lease_lost"


class DeliveryEvents(Protocol):
    """Hears of every digest post's result (the metrics count them)."""

    def posted(self, destination: Destination, articles: int) -> None:
        """A digest of ``articles`` articles reached ``destination``."""

    def failed(self, destination: Destination, reason: str) -> None:
        """A digest post to ``destination`` failed (after its retries) with ``reason``."""

    def queued(self, due: int, pending: int) -> None:
        """A pass began with ``due`` due subscriptions and ``pending`` pending deliveries."""


class _NoEvents:
    def posted(self, destination: Destination, articles: int) -> None:
        pass

    def failed(self, destination: Destination, reason: str) -> None:
        pass

    def queued(self, due: int, pending: int) -> None:
        pass


class _Hold:
    """The lease a loop holds on one destination while it works there; renewed as it goes."""

    def __init__(self, loop: DeliveryLoop, lease: Lease) -> None:
        self.loop, self.lease = loop, lease

    async def renew(self, wait: float) -> None:
        """Extend the lease to cover ``wait`` seconds and one lease length after them.

        Raises:
            LeaseLostError: another replica took the destination over.
        """
        loop = self.loop
        ttl = loop.lease_ttl + dt.timedelta(seconds=max(0.0, wait))
        self.lease = await asyncio.to_thread(
            loop.store.renew_lease, self.lease, loop.clock.now(), ttl
        )

    async def keep(self, wait: float) -> bool:
        """Renew as :meth:`renew` does; False (and a warning) if the lease was lost."""
        try:
            await self.renew(wait)
        except LeaseLostError as exc:
            log.warning("stopped retrying the post to %s: %s", self.lease.destination.key, exc)
            return False
        return True


async def _attempt(
    poster: Poster, destination: Destination, digest: Digest, delivery_id: int | None
) -> tuple[str | None, PostError | None]:
    """One post: ``(message_ref, None)``, or ``(None, why it failed)``."""
    try:
        return await poster.post(destination, digest, delivery_id=delivery_id), None
    except PostError as exc:
        return None, exc
    except TimeoutError:
        return None, PostError("timeout", permanent=False, ambiguous=True)
    except Exception as exc:
        log.warning("poster for %s raised", destination.key, exc_info=True)
        return None, PostError(type(exc).__name__, permanent=False)


def _schedule(subscription: Subscription) -> Schedule:
    """Rebuild a subscription's schedule from its stored cron and timezone."""
    return Schedule(
        cron=subscription.cron, timezone=subscription.timezone, text=subscription.schedule
    )
