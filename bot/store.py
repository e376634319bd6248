"""The store port: digest subscriptions, what each channel was sent, feedback votes, and feeds.

:class:`Store` is the small protocol the digest loop and the commands use; :class:`MemoryStore` is
its in-memory twin and :class:`bot.sqlite_store.SqliteStore` the embedded default. One contract
test (``tests/bot/test_store_contract.py``) runs against both.

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
The loop reads pending deliveries at startup, before it begins new ones; one loop per database.

Rules every implementation keeps
--------------------------------
- Datetimes go in timezone-aware (naive ones raise :class:`ValueError`) and come back in UTC.
- Subscription and delivery ids are never reused, even after removal.
- Removing a channel's subscriptions keeps its sent record: re-subscribing never re-sends old news.
- A failure of the store itself raises :class:`StoreError`, never a database driver's exception.
- Feeds (issue 13): a new feed is due at once; feed ids are never reused; removing a feed keeps
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
    "DeliveryState",
    "Destination",
    "Feed",
    "FeedFetchRecord",
    "FeedItem",
    "MemoryStore",
    "NewFeed",
    "NewSubscription",
    "PendingDelivery",
    "Store",
    "StoreError",
    "Subscription",
    "Vote",
    "article_tuple",
    "require_utc",
    "require_vote",
    "settle",
]

Vote = Literal["up", "down"]
DeliveryState = Literal["pending", "sent", "abandoned"]


class StoreError(NewsdeskError):
    """The store cannot be opened or used; the message names the file or the delivery and why."""


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
        self, destination: Destination, article_ids: Sequence[str], at: dt.datetime
    ) -> int:
        """Record the intent to post these articles and return the delivery id."""

    def complete_delivery(
        self, delivery_id: int, at: dt.datetime, *, message_ref: str | None = None
    ) -> None:
        """Mark the delivery's articles sent to its destination, atomically and idempotently."""

    def abandon_delivery(self, delivery_id: int) -> None:
        """Record that the post failed for certain; its articles stay unsent. Idempotent."""

    def pending_deliveries(self) -> list[PendingDelivery]:
        """Return the deliveries begun but neither completed nor abandoned, ordered by id."""

    def record_vote(self, answer_id: str, user: str, vote: Vote, at: dt.datetime) -> None:
        """Record a user's vote on an answer; a second vote replaces the first."""

    def votes(self, answer_id: str) -> dict[str, Vote]:
        """Return each user's vote on one answer."""

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
        self._ids = itertools.count(1)
        self._feeds: dict[int, Feed] = {}
        self._feed_ids = itertools.count(1)
        self._items: dict[str, FeedItem] = {}

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
        self, destination: Destination, article_ids: Sequence[str], at: dt.datetime
    ) -> int:
        """Record the intent to post these articles and return the delivery id."""
        delivery = PendingDelivery(
            0, destination, article_tuple(article_ids), require_utc(at, "at")
        )
        with self._open():
            delivery = dataclasses.replace(delivery, id=next(self._ids))
            self._deliveries[delivery.id] = (delivery, "pending")
            return delivery.id

    def complete_delivery(
        self, delivery_id: int, at: dt.datetime, *, message_ref: str | None = None
    ) -> None:
        """Mark the delivery's articles sent to its destination, atomically and idempotently."""
        require_utc(at, "at")
        with self._open():
            delivery, state = self._deliveries.get(delivery_id, (None, None))
            if settle(delivery_id, state, "sent") and delivery is not None:
                self._sent.setdefault(delivery.destination, set()).update(delivery.article_ids)
                self._deliveries[delivery_id] = (delivery, "sent")

    def abandon_delivery(self, delivery_id: int) -> None:
        """Record that the post failed for certain; its articles stay unsent. Idempotent."""
        with self._open():
            delivery, state = self._deliveries.get(delivery_id, (None, None))
            if settle(delivery_id, state, "abandoned") and delivery is not None:
                self._deliveries[delivery_id] = (delivery, "abandoned")

    def pending_deliveries(self) -> list[PendingDelivery]:
        """Return the deliveries begun but neither completed nor abandoned, ordered by id."""
        with self._open():
            # dicts keep insertion order and ids only grow, so this is id order
            return [d for d, state in self._deliveries.values() if state == "pending"]

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

    def close(self) -> None:
        """Release the store; later calls raise StoreError. Closing twice is harmless."""
        with self._lock:
            self._closed = True
