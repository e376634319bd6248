"""The store port: digest subscriptions, what each channel was sent, feedback, conversations,
feeds.

:class:`Store` is the small protocol the digest loop and the commands use; :class:`MemoryStore` is
its in-memory twin, :class:`bot.sqlite_store.SqliteStore` the embedded default and
:class:`bot.postgres_store.PostgresStore` the one several replicas share. One contract test
(``tests/bot/test_store_contract.py``) runs against all three.

Delivering each article exactly once
------------------------------------
The store records per (destination, article) what was sent. Posting a digest takes three steps:

1. ``begin_delivery(destination, article_ids, at)`` commits the intent and returns a delivery id.
   Nothing is marked sent yet.
2. The loop posts the message: the only step outside the store.
3. ``complete_delivery(delivery_id, at, message_ref=...)`` marks the articles sent to that
   destination and closes the delivery in one transaction (idempotent), or
   ``abandon_delivery(delivery_id)`` records that the platform certainly refused the post: the
   articles stay unsent and a later digest offers them again.

A delivery begun but neither completed nor abandoned is *pending* (:meth:`Store.pending_deliveries`)
and its articles are not marked sent, so a crash never skips an article. The one unavoidable window
is a crash after the platform accepted the post and before step 3 committed: the store cannot tell
it from a crash before the post, so after a restart the loop re-sends a pending delivery's articles
and logs that it does (at worst one duplicate, never a gap). The window lasts one small local
commit; keep everything else (rendering, logging, the next post) out of it. An ambiguous failure
(a timeout: the post may have landed) leaves the delivery pending rather than abandoning it. The
delivery id can travel with the post (Discord's ``nonce`` with ``enforce_nonce``, Slack message
metadata) so a restarted loop can find the message and complete the delivery instead of re-sending.

Several replicas: leases and fencing tokens
-------------------------------------------
Any number of delivery loops may share one database. A loop works on a destination only while it
holds that destination's *lease* (:meth:`Store.acquire_lease`): one owner at a time, until an
expiry the owner keeps pushing ahead (:meth:`Store.renew_lease`) while it posts and retries. Each
grant to a new owner (or after an expiry) raises the destination's *fencing token*.
``begin_delivery(..., lease=...)`` refuses with :class:`LeaseLostError` unless the lease is the
destination's current one and live at ``at``; ``complete_delivery(..., lease=...)`` refuses unless
no later owner took the destination over (a post that outlived its expiry may still be completed
by its owner while nobody else took over). So a replica that paused (a long GC, a frozen VM) past
its expiry can neither start a post nor settle one that its successor now owns. The holder of a
lease recovers that destination's pending deliveries (``pending_deliveries(destination)``) before
it begins new ones. Lease times come from the callers' clocks: replicas need synchronised clocks
(NTP), with skew far below the lease's length. A single process simply always gets its leases.

Rules every implementation keeps
--------------------------------
- Datetimes go in timezone-aware (naive ones raise :class:`ValueError`) and come back in UTC.
- Subscription and delivery ids are never reused, even after removal.
- Removing a channel's subscriptions keeps its sent record: re-subscribing never re-sends old news.
- A failure of the store itself raises :class:`StoreError`, never a database driver's exception.

The live archive's generations
------------------------------
Replicas share the articles folder and the saved index, not a search engine. When the folder
changes, the replica that holds the lease of :data:`ARCHIVE_LEASE` reopens the archive (saving the
index for the others) and :meth:`Store.publish_archive_generation` records a new *generation*
with a digest of the folder listing it loaded; every other replica polls
:meth:`Store.archive_generation` (one row) and reopens from the saved state when it sees a newer
one (:mod:`bot.archive_sync`). Generation numbers only grow and are never reused; a store keeps
the newest :data:`KEPT_ARCHIVE_GENERATIONS` of them (only the newest is ever read).

Feedback and conversations
--------------------------
- ``record_answer`` keeps what a 👍/👎 is about: the question, the answer's article ids, the
  platform (the first record of an answer id wins). ``feedback()`` joins each recorded answer that
  has votes with its counts; a vote on an answer never recorded is kept but not reported.
- ``record_turn`` keeps a conversation's questions with the gist of each answer (the key names
  the platform, channel and thread, so no conversation spans channels); ``recent_turns`` returns
  the last few asked at or after ``since``, oldest first, and ``forget_turns`` drops those asked
  before a time.

Feeds
-----
- A new feed is due at once; feed ids are never reused; removing a feed keeps
  its items (their articles stay in the archive, and their keys keep recognising them); an item is
  recognised by any one of its GUID, canonical URL and content hash; adding an article id twice
  changes nothing; a failed fetch keeps the feed's validators, title and last success.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal, Protocol, cast

from bot.errors import NewsdeskError

__all__ = [
    "ARCHIVE_LEASE",
    "KEPT_ARCHIVE_GENERATIONS",
    "AnswerFeedback",
    "AnsweredQuestion",
    "ArchiveGeneration",
    "DeliveryState",
    "Destination",
    "Feed",
    "FeedFetchRecord",
    "FeedItem",
    "Lease",
    "LeaseLostError",
    "MemoryStore",
    "NewFeed",
    "NewSubscription",
    "PendingDelivery",
    "Store",
    "StoreError",
    "Subscription",
    "Turn",
    "Vote",
    "article_tuple",
    "lease_expiry",
    "lost",
    "require_utc",
    "require_vote",
    "settle",
]

Vote = Literal["up", "down"]
DeliveryState = Literal["pending", "sent", "abandoned"]


class StoreError(NewsdeskError):
    """The store cannot be opened or used; the message names the file or the delivery and why."""


class LeaseLostError(StoreError):
    """The destination's lease is not this owner's any more: another replica took it over."""


def require_utc(value: dt.datetime, name: str = "datetime") -> dt.datetime:
    """Return an aware datetime as the same instant in UTC; reject a naive one with ValueError."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got the naive {value.isoformat()}")
    return value.astimezone(dt.UTC)


def require_vote(vote: str) -> Vote:
    """Return ``vote`` if it is ``"up"`` or ``"down"``; raise ValueError otherwise."""
    if vote in ("up", "down"):
        return cast(Vote, vote)
    raise ValueError(f"a vote is 'up' or 'down', not {vote!r}")


def article_tuple(article_ids: Sequence[str]) -> tuple[str, ...]:
    """Return the article ids of a delivery without repeats, in order; reject none or a bare str."""
    if isinstance(article_ids, str):
        raise TypeError(f"article_ids must be a sequence of ids, not the string {article_ids!r}")
    ids = tuple(dict.fromkeys(article_ids))
    if not ids:
        raise ValueError("a delivery needs at least one article id")
    return ids


def settle(delivery_id: int, state: DeliveryState | None, target: DeliveryState) -> bool:
    """Return whether a delivery in ``state`` must move to ``target``; False if it already has.

    Raises:
        StoreError: the delivery does not exist, or already ended the other way.
    """
    if state is None:
        raise StoreError(f"there is no delivery {delivery_id}")
    if state == target:
        return False
    if state == "pending":
        return True
    raise StoreError(f"delivery {delivery_id} is already {state} and cannot become {target}")


@dataclass(frozen=True, slots=True)
class Destination:
    """A channel on one platform, where digests go."""

    platform: str  # "console", "slack", "discord"
    channel: str  # the platform's channel id

    def __post_init__(self) -> None:
        if not self.platform or ":" in self.platform or not self.channel:
            raise ValueError(
                "a destination needs a platform without ':' and a channel,"
                f" not {self.platform!r} and {self.channel!r}"
            )

    @property
    def key(self) -> str:
        """The destination as one string, e.g. ``"slack:C123"``."""
        return f"{self.platform}:{self.channel}"


@dataclass(frozen=True, slots=True)
class NewSubscription:
    """What a caller passes to :meth:`Store.add_subscription`; datetimes are normalised to UTC."""

    destination: Destination
    schedule: str  # the user's text, e.g. "weekdays 09:30"
    cron: str  # normalised, e.g. "30 9 * * 1-5"
    timezone: str  # IANA name the cron is read in
    topic: str | None
    created_at: dt.datetime
    next_run: dt.datetime

    def __post_init__(self) -> None:
        for name in ("created_at", "next_run"):
            object.__setattr__(self, name, require_utc(getattr(self, name), name))


@dataclass(frozen=True, slots=True)
class Subscription:
    """A stored subscription; ``last_error`` is set while posts to it fail permanently."""

    id: int
    destination: Destination
    schedule: str
    cron: str
    timezone: str
    topic: str | None
    created_at: dt.datetime
    next_run: dt.datetime
    last_run: dt.datetime | None
    last_error: str | None  # e.g. "channel_not_found"; None when healthy


@dataclass(frozen=True, slots=True)
class AnsweredQuestion:
    """An answer people may vote on: what was asked, where, and which articles it quoted."""

    answer_id: str
    platform: str  # "slack", "discord", "console"
    question: str
    article_ids: tuple[str, ...]
    answered_at: dt.datetime

    def __post_init__(self) -> None:
        ids: object = self.article_ids
        if isinstance(ids, str):
            raise TypeError("article_ids must be a sequence of ids, not a string")
        object.__setattr__(self, "article_ids", tuple(self.article_ids))
        object.__setattr__(self, "answered_at", require_utc(self.answered_at, "answered_at"))


@dataclass(frozen=True, slots=True)
class AnswerFeedback:
    """A recorded answer and how many people found it helpful (up) or not (down)."""

    answer: AnsweredQuestion
    up: int
    down: int


@dataclass(frozen=True, slots=True)
class Turn:
    """One question of a conversation and the gist of its answer (its first sentence, or "")."""

    question: str
    answer: str = ""


@dataclass(frozen=True, slots=True)
class PendingDelivery:
    """A delivery begun but neither completed nor abandoned: in flight, or cut off by a crash."""

    id: int
    destination: Destination
    article_ids: tuple[str, ...]
    begun_at: dt.datetime


@dataclass(frozen=True, slots=True)
class NewFeed:
    """What a caller passes to :meth:`Store.add_feed`; datetimes are normalised to UTC."""

    url: str
    interval_minutes: int
    added_at: dt.datetime
    added_by: Destination | None  # where `feed add` was typed (None: the command line)

    def __post_init__(self) -> None:
        object.__setattr__(self, "added_at", require_utc(self.added_at, "added_at"))
        if self.interval_minutes < 1:
            raise ValueError(f"a feed interval is at least 1 minute, not {self.interval_minutes}")


@dataclass(frozen=True, slots=True)
class Feed:
    """A stored feed: where it is, how often it is read, and how the last fetches went.

    ``next_fetch`` is ``added_at`` for a feed never fetched (it is due at once); ``failures``
    counts the fetches that failed in a row (the backoff), ``article_count`` the articles it added,
    ``last_success`` is the last fetch without an error.
    """

    id: int
    url: str
    interval_minutes: int
    added_at: dt.datetime
    added_by: Destination | None
    title: str
    next_fetch: dt.datetime
    last_fetch: dt.datetime | None
    last_error: str | None  # a FeedProblem code, e.g. "not_found:404"; None when healthy
    failures: int
    etag: str | None
    last_modified: str | None
    article_count: int
    last_success: dt.datetime | None  # None: never fetched well (its first-run rule applies)


@dataclass(frozen=True, slots=True)
class FeedFetchRecord:
    """The outcome of one fetch, for :meth:`Store.record_fetch`.

    A failed fetch (``error`` set) keeps the feed's validators and title when they are None.
    """

    at: dt.datetime
    next_fetch: dt.datetime
    error: str | None
    failures: int
    etag: str | None = None
    last_modified: str | None = None
    title: str | None = None

    def __post_init__(self) -> None:
        for name in ("at", "next_fetch"):
            object.__setattr__(self, name, require_utc(getattr(self, name), name))


@dataclass(frozen=True, slots=True)
class FeedItem:
    """An article a feed added, with the keys that recognise it again.

    Attributes:
        article_id: The archive's id of the article (its file stem).
        feed_id: The feed that added it.
        guid: The item's GUID, if the feed gave one.
        url: The canonical address of the article.
        content_hash: A hash of the normalised text, so a re-published copy is recognised.
        added_at: When it was added.
        quiet: Added by a feed's first fetch beyond the few newest: digests never offer it.
    """

    article_id: str
    feed_id: int
    guid: str | None
    url: str | None
    content_hash: str
    added_at: dt.datetime
    quiet: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "added_at", require_utc(self.added_at, "added_at"))


@dataclass(frozen=True, slots=True)
class Lease:
    """A replica's hold on one destination's deliveries until ``expires_at``.

    Attributes:
        token: The fencing token: it grows with every grant to a new owner or after an expiry.
    """

    destination: Destination
    owner: str
    token: int
    expires_at: dt.datetime


def lease_expiry(at: dt.datetime, ttl: dt.timedelta) -> dt.datetime:
    """Return when a lease taken or renewed at ``at`` for ``ttl`` ends; ttl must be positive."""
    if ttl <= dt.timedelta(0):
        raise ValueError(f"a lease needs a positive duration, not {ttl}")
    return require_utc(at, "at") + ttl


def lost(lease: Lease) -> LeaseLostError:
    """The error for a lease another owner took over (or that expired before a post began)."""
    return LeaseLostError(
        f"the lease {lease.token} on {lease.destination.key} is no longer {lease.owner}'s"
    )


@dataclass(frozen=True, slots=True)
class ArchiveGeneration:
    """One published state of the shared archive (see "The live archive's generations").

    Attributes:
        number: Grows with every publication; a replica that loaded a lower one reloads.
        digest: Names the folder listing the publisher loaded: equal digests, same articles.
        publisher: The replica that reopened the archive and published it.
        published_at: When, in UTC.
    """

    number: int
    digest: str
    publisher: str
    published_at: dt.datetime


ARCHIVE_LEASE = Destination("newsdesk", "archive-refresh")
"""The lease (:meth:`Store.acquire_lease`) whose holder alone reopens a changed shared archive."""

KEPT_ARCHIVE_GENERATIONS = 100
"""Generations a store keeps when it publishes one; older rows are deleted."""

RELEASED = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
"""The expiry a released lease gets: free for anyone, at any time."""


class Store(Protocol):
    """Subscriptions, the per-destination sent record, and votes; see the module docstring."""

    def add_subscription(self, new: NewSubscription) -> Subscription:
        """Store a subscription and return it with its new id."""

    def subscriptions(self, destination: Destination | None = None) -> list[Subscription]:
        """Return the subscriptions of one destination (or all), ordered by id."""

    def due_subscriptions(self, now: dt.datetime) -> list[Subscription]:
        """Return the subscriptions with ``next_run <= now``, ordered by next run, then id."""

    def remove_subscriptions(self, destination: Destination) -> int:
        """Remove every subscription of one destination and return how many there were."""

    def remove_subscription(self, subscription_id: int) -> bool:
        """Remove one subscription; False if there was none with this id."""

    def record_run(
        self, subscription_id: int, *, ran_at: dt.datetime, next_run: dt.datetime, error: str | None
    ) -> bool:
        """Record a run and its error (None clears it); False if the subscription is gone."""

    def sent_articles(self, destination: Destination) -> frozenset[str]:
        """Return the ids of every article a completed delivery sent to ``destination``."""

    def begin_delivery(
        self,
        destination: Destination,
        article_ids: Sequence[str],
        at: dt.datetime,
        *,
        lease: Lease | None = None,
    ) -> int:
        """Record the intent to post these articles and return the delivery id.

        With ``lease``: raise :class:`LeaseLostError` unless it is the destination's current lease
        and live at ``at``.
        """

    def complete_delivery(
        self,
        delivery_id: int,
        at: dt.datetime,
        *,
        message_ref: str | None = None,
        lease: Lease | None = None,
    ) -> None:
        """Mark the delivery's articles sent to its destination, atomically and idempotently.

        With ``lease``: raise :class:`LeaseLostError` if another owner took the destination over.
        """

    def abandon_delivery(self, delivery_id: int) -> None:
        """Record that the post failed for certain; its articles stay unsent. Idempotent."""

    def pending_deliveries(self, destination: Destination | None = None) -> list[PendingDelivery]:
        """Return the deliveries (of one destination, or all) neither completed nor abandoned."""

    def acquire_lease(
        self, destination: Destination, owner: str, at: dt.datetime, ttl: dt.timedelta
    ) -> Lease | None:
        """Take the destination's lease until ``at + ttl``; None while another owner holds it.

        A lease that is free or expired at ``at`` goes to ``owner`` with a new fencing token; one
        that ``owner`` holds live is extended and keeps its token.
        """

    def renew_lease(self, lease: Lease, at: dt.datetime, ttl: dt.timedelta) -> Lease:
        """Extend a lease to ``at + ttl``; :class:`LeaseLostError` if another owner took it."""

    def release_lease(self, lease: Lease) -> None:
        """Give the lease up now, if it is still this one; the next grant gets a new token."""

    def record_vote(self, answer_id: str, user: str, vote: Vote, at: dt.datetime) -> None:
        """Record a user's vote on an answer; a second vote replaces the first."""

    def votes(self, answer_id: str) -> dict[str, Vote]:
        """Return each user's vote on one answer."""

    def record_answer(self, answer: AnsweredQuestion) -> None:
        """Keep what an answer was about, for its votes; a second record of an id is ignored."""

    def feedback(self) -> list[AnswerFeedback]:
        """Return every recorded answer with at least one vote, ordered by answer time, then id."""

    def record_turn(self, conversation: str, turn: Turn, at: dt.datetime) -> None:
        """Add a question and its answer's gist to a conversation (keyed by the caller)."""

    def recent_turns(self, conversation: str, *, since: dt.datetime, limit: int) -> list[Turn]:
        """Return the conversation's last ``limit`` turns asked at or after ``since``, oldest
        first."""

    def forget_turns(self, before: dt.datetime) -> int:
        """Drop every conversation's turns asked before ``before``; return how many."""

    def add_feed(self, new: NewFeed) -> Feed:
        """Store a feed (due at once) and return it with its new id."""

    def feeds(self) -> list[Feed]:
        """Return every feed, ordered by id, with its article count."""

    def due_feeds(self, now: dt.datetime) -> list[Feed]:
        """Return the feeds with ``next_fetch <= now``, ordered by next fetch, then id."""

    def remove_feed(self, feed_id: int) -> bool:
        """Remove a feed (its articles and their keys stay); False if there was none."""

    def record_fetch(self, feed_id: int, record: FeedFetchRecord) -> bool:
        """Record a fetch of a feed; False if the feed is gone."""

    def known_item(
        self, *, guid: str | None, url: str | None, content_hash: str | None
    ) -> str | None:
        """Return the article id of an item matching any given key (None keys never match)."""

    def add_feed_item(self, item: FeedItem) -> bool:
        """Record an article a feed added; False (nothing changes) if its id is known already."""

    def quiet_articles(self) -> frozenset[str]:
        """Return the ids of the feed items that digests never offer (see :class:`FeedItem`)."""

    def archive_generation(self) -> ArchiveGeneration | None:
        """Return the newest published archive generation; None if none was published."""

    def publish_archive_generation(
        self, digest: str, publisher: str, at: dt.datetime
    ) -> ArchiveGeneration:
        """Record a new archive generation, numbered above every earlier one, and return it."""

    def close(self) -> None:
        """Release the store; later calls raise StoreError. Closing twice is harmless."""


class MemoryStore:
    """The in-memory twin of the SQLite store: the same contract, nothing survives the process."""

    def __init__(self) -> None:
        """Start empty; a lock makes calls from ``asyncio.to_thread`` workers safe."""
        self._lock = threading.Lock()
        self._closed = False
        self._subscriptions: dict[int, Subscription] = {}
        self._sent: dict[Destination, set[str]] = {}
        self._deliveries: dict[int, tuple[PendingDelivery, DeliveryState]] = {}
        self._votes: dict[str, dict[str, Vote]] = {}
        self._answers: dict[str, AnsweredQuestion] = {}
        self._turns: list[tuple[str, Turn, dt.datetime, int]] = []
        self._leases: dict[Destination, Lease] = {}
        self._ids = itertools.count(1)
        self._feeds: dict[int, Feed] = {}
        self._feed_ids = itertools.count(1)
        self._items: dict[str, FeedItem] = {}
        self._generation: ArchiveGeneration | None = None

    @contextmanager
    def _open(self) -> Iterator[None]:
        with self._lock:
            if self._closed:
                raise StoreError("the in-memory store is closed")
            yield

    def add_subscription(self, new: NewSubscription) -> Subscription:
        """Store a subscription and return it with its new id."""
        with self._open():
            fields = {f.name: getattr(new, f.name) for f in dataclasses.fields(new)}
            made = Subscription(id=next(self._ids), last_run=None, last_error=None, **fields)
            self._subscriptions[made.id] = made
            return made

    def subscriptions(self, destination: Destination | None = None) -> list[Subscription]:
        """Return the subscriptions of one destination (or all), ordered by id."""
        with self._open():
            found = self._subscriptions.values()
            return sorted(
                (s for s in found if destination in (None, s.destination)), key=lambda s: s.id
            )

    def due_subscriptions(self, now: dt.datetime) -> list[Subscription]:
        """Return the subscriptions with ``next_run <= now``, ordered by next run, then id."""
        now = require_utc(now, "now")
        with self._open():
            due = (s for s in self._subscriptions.values() if s.next_run <= now)
            return sorted(due, key=lambda s: (s.next_run, s.id))

    def remove_subscriptions(self, destination: Destination) -> int:
        """Remove every subscription of one destination and return how many there were."""
        with self._open():
            gone = [i for i, s in self._subscriptions.items() if s.destination == destination]
            for subscription_id in gone:
                del self._subscriptions[subscription_id]
            return len(gone)

    def remove_subscription(self, subscription_id: int) -> bool:
        """Remove one subscription; False if there was none with this id."""
        with self._open():
            return self._subscriptions.pop(subscription_id, None) is not None

    def record_run(
        self, subscription_id: int, *, ran_at: dt.datetime, next_run: dt.datetime, error: str | None
    ) -> bool:
        """Record a run and its error (None clears it); False if the subscription is gone."""
        ran_at, next_run = require_utc(ran_at, "ran_at"), require_utc(next_run, "next_run")
        with self._open():
            old = self._subscriptions.get(subscription_id)
            if old is None:
                return False
            self._subscriptions[subscription_id] = dataclasses.replace(
                old, last_run=ran_at, next_run=next_run, last_error=error
            )
            return True

    def sent_articles(self, destination: Destination) -> frozenset[str]:
        """Return the ids of every article a completed delivery sent to ``destination``."""
        with self._open():
            return frozenset(self._sent.get(destination, ()))

    def begin_delivery(
        self,
        destination: Destination,
        article_ids: Sequence[str],
        at: dt.datetime,
        *,
        lease: Lease | None = None,
    ) -> int:
        """Record the intent to post these articles and return the delivery id."""
        delivery = PendingDelivery(
            0, destination, article_tuple(article_ids), require_utc(at, "at")
        )
        with self._open():
            if lease is not None and not self._holds(lease, destination, delivery.begun_at):
                raise lost(lease)
            delivery = dataclasses.replace(delivery, id=next(self._ids))
            self._deliveries[delivery.id] = (delivery, "pending")
            return delivery.id

    def complete_delivery(
        self,
        delivery_id: int,
        at: dt.datetime,
        *,
        message_ref: str | None = None,
        lease: Lease | None = None,
    ) -> None:
        """Mark the delivery's articles sent to its destination, atomically and idempotently."""
        require_utc(at, "at")
        with self._open():
            delivery, state = self._deliveries.get(delivery_id, (None, None))
            if delivery and lease and not self._holds(lease, delivery.destination, None):
                raise lost(lease)
            if settle(delivery_id, state, "sent") and delivery is not None:
                self._sent.setdefault(delivery.destination, set()).update(delivery.article_ids)
                self._deliveries[delivery_id] = (delivery, "sent")

    def abandon_delivery(self, delivery_id: int) -> None:
        """Record that the post failed for certain; its articles stay unsent. Idempotent."""
        with self._open():
            delivery, state = self._deliveries.get(delivery_id, (None, None))
            if settle(delivery_id, state, "abandoned") and delivery is not None:
                self._deliveries[delivery_id] = (delivery, "abandoned")

    def pending_deliveries(self, destination: Destination | None = None) -> list[PendingDelivery]:
        """Return the deliveries (of one destination, or all) neither completed nor abandoned."""
        with self._open():
            # dicts keep insertion order and ids only grow, so this is id order
            return [
                d
                for d, state in self._deliveries.values()
                if state == "pending" and destination in (None, d.destination)
            ]

    def _holds(self, lease: Lease, destination: Destination, at: dt.datetime | None) -> bool:
        """Whether ``lease`` is the destination's current one (and, given ``at``, live then)."""
        current = self._leases.get(destination)
        if current is None or lease.destination != destination:
            return False
        return current.token == lease.token and (at is None or current.expires_at > at)

    def acquire_lease(
        self, destination: Destination, owner: str, at: dt.datetime, ttl: dt.timedelta
    ) -> Lease | None:
        """Take the destination's lease until ``at + ttl``; None while another owner holds it."""
        expires, at = lease_expiry(at, ttl), require_utc(at, "at")
        with self._open():
            current = self._leases.get(destination)
            if current is None:
                token = 1
            elif current.expires_at > at:
                if current.owner != owner:
                    return None
                token = current.token
            else:
                token = current.token + 1
            self._leases[destination] = Lease(destination, owner, token, expires)
            return self._leases[destination]

    def renew_lease(self, lease: Lease, at: dt.datetime, ttl: dt.timedelta) -> Lease:
        """Extend a lease to ``at + ttl``; :class:`LeaseLostError` if another owner took it."""
        expires = lease_expiry(at, ttl)
        with self._open():
            if not self._holds(lease, lease.destination, None):
                raise lost(lease)
            renewed = dataclasses.replace(lease, expires_at=expires)
            self._leases[lease.destination] = renewed
            return renewed

    def release_lease(self, lease: Lease) -> None:
        """Give the lease up now, if it is still this one; the next grant gets a new token."""
        with self._open():
            if self._holds(lease, lease.destination, None):
                self._leases[lease.destination] = dataclasses.replace(lease, expires_at=RELEASED)

    def record_vote(self, answer_id: str, user: str, vote: Vote, at: dt.datetime) -> None:
        """Record a user's vote on an answer; a second vote replaces the first."""
        vote = require_vote(vote)
        require_utc(at, "at")
        with self._open():
            self._votes.setdefault(answer_id, {})[user] = vote

    def votes(self, answer_id: str) -> dict[str, Vote]:
        """Return each user's vote on one answer."""
        with self._open():
            return dict(self._votes.get(answer_id, {}))

    def record_answer(self, answer: AnsweredQuestion) -> None:
        """Keep what an answer was about, for its votes; a second record of an id is ignored."""
        with self._open():
            self._answers.setdefault(answer.answer_id, answer)

    def feedback(self) -> list[AnswerFeedback]:
        """Return every recorded answer with at least one vote, ordered by answer time, then id."""
        with self._open():
            found = []
            for answer_id, answer in self._answers.items():
                votes = list(self._votes.get(answer_id, {}).values())
                if votes:
                    found.append(AnswerFeedback(answer, votes.count("up"), votes.count("down")))
        return sorted(found, key=lambda f: (f.answer.answered_at, f.answer.answer_id))

    def record_turn(self, conversation: str, turn: Turn, at: dt.datetime) -> None:
        """Add a question and its answer's gist to a conversation (keyed by the caller)."""
        asked = require_utc(at, "at")
        with self._open():
            self._turns.append((conversation, turn, asked, next(self._ids)))

    def recent_turns(self, conversation: str, *, since: dt.datetime, limit: int) -> list[Turn]:
        """Return the conversation's last ``limit`` turns asked at or after ``since``, oldest
        first."""
        start = require_utc(since, "since")
        with self._open():
            found = sorted(
                (
                    (asked, order, turn)
                    for key, turn, asked, order in self._turns
                    if key == conversation and asked >= start
                ),
                key=lambda found: (found[0], found[1]),
            )
        return [turn for _, _, turn in found[-limit:]] if limit > 0 else []

    def forget_turns(self, before: dt.datetime) -> int:
        """Drop every conversation's turns asked before ``before``; return how many."""
        end = require_utc(before, "before")
        with self._open():
            kept = [t for t in self._turns if t[2] >= end]
            dropped = len(self._turns) - len(kept)
            self._turns = kept
        return dropped

    def add_feed(self, new: NewFeed) -> Feed:
        """Store a feed (due at once) and return it with its new id."""
        with self._open():
            feed = Feed(
                id=next(self._feed_ids),
                url=new.url,
                interval_minutes=new.interval_minutes,
                added_at=new.added_at,
                added_by=new.added_by,
                title="",
                next_fetch=new.added_at,
                last_fetch=None,
                last_error=None,
                failures=0,
                etag=None,
                last_modified=None,
                article_count=0,
                last_success=None,
            )
            self._feeds[feed.id] = feed
            return feed

    def _counted(self, feed: Feed) -> Feed:
        count = sum(1 for item in self._items.values() if item.feed_id == feed.id)
        return dataclasses.replace(feed, article_count=count)

    def feeds(self) -> list[Feed]:
        """Return every feed, ordered by id, with its article count."""
        with self._open():
            return [self._counted(f) for f in sorted(self._feeds.values(), key=lambda f: f.id)]

    def due_feeds(self, now: dt.datetime) -> list[Feed]:
        """Return the feeds with ``next_fetch <= now``, ordered by next fetch, then id."""
        now = require_utc(now, "now")
        with self._open():
            due = sorted(
                (f for f in self._feeds.values() if f.next_fetch <= now),
                key=lambda f: (f.next_fetch, f.id),
            )
            return [self._counted(f) for f in due]

    def remove_feed(self, feed_id: int) -> bool:
        """Remove a feed (its articles and their keys stay); False if there was none."""
        with self._open():
            return self._feeds.pop(feed_id, None) is not None

    def record_fetch(self, feed_id: int, record: FeedFetchRecord) -> bool:
        """Record a fetch of a feed; False if the feed is gone."""
        with self._open():
            old = self._feeds.get(feed_id)
            if old is None:
                return False
            self._feeds[feed_id] = dataclasses.replace(
                old,
                last_fetch=record.at,
                next_fetch=record.next_fetch,
                last_error=record.error,
                failures=record.failures,
                etag=record.etag if record.etag is not None else old.etag,
                last_modified=(
                    record.last_modified if record.last_modified is not None else old.last_modified
                ),
                title=record.title if record.title is not None else old.title,
                last_success=record.at if record.error is None else old.last_success,
            )
            return True

    def known_item(
        self, *, guid: str | None, url: str | None, content_hash: str | None
    ) -> str | None:
        """Return the article id of an item matching any given key (None keys never match)."""
        with self._open():
            for item in self._items.values():
                if (
                    (guid is not None and item.guid == guid)
                    or (url is not None and item.url == url)
                    or (content_hash is not None and item.content_hash == content_hash)
                ):
                    return item.article_id
            return None

    def add_feed_item(self, item: FeedItem) -> bool:
        """Record an article a feed added; False (nothing changes) if its id is known already."""
        with self._open():
            if item.article_id in self._items:
                return False
            self._items[item.article_id] = item
            return True

    def quiet_articles(self) -> frozenset[str]:
        """Return the ids of the feed items that digests never offer (see :class:`FeedItem`)."""
        with self._open():
            return frozenset(i.article_id for i in self._items.values() if i.quiet)

    def archive_generation(self) -> ArchiveGeneration | None:
        """Return the newest published archive generation; None if none was published."""
        with self._open():
            return self._generation

    def publish_archive_generation(
        self, digest: str, publisher: str, at: dt.datetime
    ) -> ArchiveGeneration:
        """Record a new archive generation, numbered above every earlier one, and return it."""
        published_at = require_utc(at, "at")
        with self._open():
            number = 1 if self._generation is None else self._generation.number + 1
            self._generation = ArchiveGeneration(number, digest, publisher, published_at)
            return self._generation

    def close(self) -> None:
        """Release the store; later calls raise StoreError. Closing twice is harmless."""
        with self._lock:
            self._closed = True
