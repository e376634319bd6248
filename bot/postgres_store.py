"""The store on PostgreSQL (psycopg 3 and a connection pool), for several bot replicas.

``NEWSDESK_DATABASE_URL`` (``postgresql://user:password@host:5432/db``) selects it; unset, the
SQLite file stays the default. It keeps the same :class:`~bot.store.Store` contract as the SQLite
and in-memory stores (``tests/bot/test_store_contract.py`` runs against all three).

- Each call borrows a connection from a :class:`psycopg_pool.ConnectionPool` and runs as one
  transaction (``READ COMMITTED``): a write commits whole or not at all. Ids are identity columns
  (never reused), datetimes ``timestamptz`` (microseconds, read back in UTC).
- Schema: the table ``newsdesk_schema`` holds how many of :data:`MIGRATIONS` have run. Opening
  applies the missing ones, each in a transaction of its own under a transaction-level advisory
  lock, so replicas starting together migrate once; a database written by a newer Newsdesk is
  refused. Steps mirror :data:`bot.sqlite_store.MIGRATIONS` one for one: only ever append.
- Leases (see :mod:`bot.store`) are rows of ``leases``, taken by one ``INSERT ... ON CONFLICT DO
  UPDATE ... WHERE`` (the row lock makes it atomic between replicas) and checked under ``SELECT
  ... FOR UPDATE`` when a delivery begins or completes. No transaction stays open during a post.
- The URL's password never appears in a message or a log line: :func:`redact` replaces it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
import psycopg_pool

from bot.postgres_feeds import PostgresFeeds, migrate_feeds
from bot.store import (
    KEPT_ARCHIVE_GENERATIONS,
    RELEASED,
    AnsweredQuestion,
    AnswerFeedback,
    ArchiveGeneration,
    DeliveryState,
    Destination,
    Lease,
    NewSubscription,
    PendingDelivery,
    StoreError,
    Subscription,
    Turn,
    Vote,
    article_tuple,
    lease_expiry,
    lost,
    require_utc,
    require_vote,
    settle,
)

__all__ = ["MIGRATIONS", "PostgresStore", "is_postgres_url", "redact"]

Connection = psycopg.Connection[tuple[Any, ...]]
MIGRATION_LOCK = 0x4E44534B  # pg_advisory_xact_lock key while migrating ("NDSK")


def is_postgres_url(url: str) -> bool:
    """Whether ``url`` names a PostgreSQL database (``postgresql://`` or ``postgres://``)."""
    return url.startswith(("postgresql://", "postgres://"))


def redact(url: str) -> str:
    """Return ``url`` without its password (``postgresql://user:***@host/db``) for messages."""
    try:
        parts = urlsplit(url)
        if parts.password is None and "password" not in parts.query:
            return url
        host = parts.hostname or ""
        if parts.port is not None:
            host = f"{host}:{parts.port}"
    except ValueError:  # e.g. a port that is not a number
        return "the configured database URL"
    user = f"{parts.username}:***@" if parts.username else ":***@"
    query = re.sub(r"(?i)(password=)[^&]*", r"\1***", parts.query)
    return urlunsplit((parts.scheme, user + host, parts.path, query, ""))


def _v1_digests(db: Connection) -> None:
    """Subscriptions, deliveries (the intent to post) and the per-destination sent record."""
    for statement in (
        """CREATE TABLE subscriptions (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            platform TEXT NOT NULL, channel TEXT NOT NULL, schedule TEXT NOT NULL,
            cron TEXT NOT NULL, timezone TEXT NOT NULL, topic TEXT,
            created_at TIMESTAMPTZ NOT NULL, next_run TIMESTAMPTZ NOT NULL,
            last_run TIMESTAMPTZ, last_error TEXT)""",
        "CREATE INDEX subscriptions_by_destination ON subscriptions (platform, channel)",
        "CREATE INDEX subscriptions_by_next_run ON subscriptions (next_run)",
        """CREATE TABLE deliveries (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            platform TEXT NOT NULL, channel TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'abandoned')),
            begun_at TIMESTAMPTZ NOT NULL, completed_at TIMESTAMPTZ, message_ref TEXT)""",
        "CREATE INDEX deliveries_pending ON deliveries (id) WHERE state = 'pending'",
        """CREATE TABLE delivery_articles (
            delivery_id BIGINT NOT NULL REFERENCES deliveries (id), position INTEGER NOT NULL,
            article_id TEXT NOT NULL, PRIMARY KEY (delivery_id, position))""",
        """CREATE TABLE sent_articles (
            platform TEXT NOT NULL, channel TEXT NOT NULL, article_id TEXT NOT NULL,
            sent_at TIMESTAMPTZ NOT NULL, delivery_id BIGINT NOT NULL REFERENCES deliveries (id),
            PRIMARY KEY (platform, channel, article_id))""",
    ):
        db.execute(statement)


def _v2_votes(db: Connection) -> None:
    """Feedback votes on answers: one per (answer, user), the latest wins."""
    db.execute(
        """CREATE TABLE votes (
            answer_id TEXT NOT NULL, user_id TEXT NOT NULL,
            vote TEXT NOT NULL CHECK (vote IN ('up', 'down')), voted_at TIMESTAMPTZ NOT NULL,
            PRIMARY KEY (answer_id, user_id))"""
    )


def _v3_answers(db: Connection) -> None:
    """What each voted-on answer was about: the question, its article ids, the platform."""
    db.execute(
        """CREATE TABLE answers (
            answer_id TEXT PRIMARY KEY, platform TEXT NOT NULL, question TEXT NOT NULL,
            article_ids TEXT[] NOT NULL, answered_at TIMESTAMPTZ NOT NULL)"""
    )


def _v4_conversations(db: Connection) -> None:
    """The recent turns of each conversation (a thread or reply chain), for follow-ups."""
    for statement in (
        """CREATE TABLE conversation_turns (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, conversation TEXT NOT NULL,
            question TEXT NOT NULL, answer TEXT NOT NULL, asked_at TIMESTAMPTZ NOT NULL)""",
        "CREATE INDEX conversation_turns_by_key ON conversation_turns (conversation, asked_at)",
        "CREATE INDEX conversation_turns_by_time ON conversation_turns (asked_at)",
    ):
        db.execute(statement)


def _v6_feeds(db: Connection) -> None:
    """Feeds and the articles they added (issue 13): see :mod:`bot.postgres_feeds`."""
    migrate_feeds(db)


def _v5_leases(db: Connection) -> None:
    """Per-destination delivery leases with their fencing tokens (several replicas)."""
    db.execute(
        """CREATE TABLE leases (
            platform TEXT NOT NULL, channel TEXT NOT NULL, owner TEXT NOT NULL,
            token BIGINT NOT NULL, expires_at TIMESTAMPTZ NOT NULL,
            PRIMARY KEY (platform, channel))"""
    )


def _v7_archive_generations(db: Connection) -> None:
    """The shared archive's published generations (replicas reload on a newer one)."""
    db.execute(
        """CREATE TABLE archive_generations (
            number BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, digest TEXT NOT NULL,
            publisher TEXT NOT NULL, published_at TIMESTAMPTZ NOT NULL)"""
    )


MIGRATIONS: tuple[Callable[[Connection], None], ...] = (
    _v1_digests,
    _v2_votes,
    _v3_answers,
    _v4_conversations,
    _v5_leases,
    _v6_feeds,
    _v7_archive_generations,
)
"""Schema migrations in order, step for step as SQLite's (:data:`bot.sqlite_store.MIGRATIONS`);
``newsdesk_schema.version`` is how many have run. Only append."""

_SUBSCRIPTION = (
    "SELECT id, platform, channel, schedule, cron, timezone, topic, created_at, next_run,"
    " last_run, last_error FROM subscriptions"
)
_MARK_SENT = (  # (sent_at, delivery id): the delivery's articles, as sent to its destination
    "INSERT INTO sent_articles (platform, channel, article_id, sent_at, delivery_id)"
    " SELECT d.platform, d.channel, a.article_id, %s, d.id FROM deliveries AS d"
    " JOIN delivery_articles AS a ON a.delivery_id = d.id WHERE d.id = %s"
    " ON CONFLICT DO NOTHING"
)
_PENDING = (
    "SELECT d.id, d.platform, d.channel, d.begun_at, a.article_id FROM deliveries AS d"
    " JOIN delivery_articles AS a ON a.delivery_id = d.id WHERE d.state = 'pending'"
)
_ACQUIRE = (  # owner, destination, expiry: one atomic statement (the conflicting row is locked)
    "INSERT INTO leases AS l (platform, channel, owner, token, expires_at)"
    " VALUES (%(platform)s, %(channel)s, %(owner)s, 1, %(expires)s)"
    " ON CONFLICT (platform, channel) DO UPDATE SET"
    " token = CASE WHEN l.owner = excluded.owner AND l.expires_at > %(at)s"
    " THEN l.token ELSE l.token + 1 END,"
    " owner = excluded.owner, expires_at = excluded.expires_at"
    " WHERE l.expires_at <= %(at)s OR l.owner = excluded.owner RETURNING token"
)
_LEASE_ROW = "SELECT token, expires_at FROM leases WHERE platform = %s AND channel = %s FOR UPDATE"
_SET_EXPIRY = (
    "UPDATE leases SET expires_at = %s WHERE platform = %s AND channel = %s AND token = %s"
)


_GENERATION = "SELECT number, digest, publisher, published_at FROM archive_generations"


def _generation(row: Any) -> ArchiveGeneration:
    number, digest, publisher, published_at = row
    return ArchiveGeneration(int(number), digest, publisher, _utc(published_at))


def _where(destination: Destination) -> tuple[str, str]:
    return destination.platform, destination.channel


def _utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC)


def _subscription(row: Any) -> Subscription:
    id_, platform, channel, schedule, cron, zone, topic, created, next_run, last_run, error = row
    return Subscription(
        id=id_,
        destination=Destination(platform, channel),
        schedule=schedule,
        cron=cron,
        timezone=zone,
        topic=topic,
        created_at=_utc(created),
        next_run=_utc(next_run),
        last_run=None if last_run is None else _utc(last_run),
        last_error=error,
    )


def _holds(db: Connection, lease: Lease, destination: Destination, at: dt.datetime | None) -> bool:
    """Whether ``lease`` is the destination's current one (and, given ``at``, live then)."""
    row = db.execute(_LEASE_ROW, _where(destination)).fetchone()
    if row is None or lease.destination != destination or row[0] != lease.token:
        return False
    return at is None or row[1] > at


class PostgresStore(PostgresFeeds):
    """The store in a PostgreSQL database, shared by any number of replicas."""

    def __init__(self, url: str, *, pool_size: int = 4, timeout: float = 10.0) -> None:
        """Connect (``pool_size`` connections at most), check the schema and migrate it.

        Raises:
            StoreError: the server cannot be reached in ``timeout`` seconds, refuses the login, or
                holds a schema from a newer Newsdesk (the message names the URL, never the
                password).
        """
        self.name = redact(url)
        try:
            self._secret = urlsplit(url).password
        except ValueError:
            self._secret = None
        self._pool: psycopg_pool.ConnectionPool[Connection] | None = None
        connect_timeout = max(1, round(timeout))
        try:  # one direct attempt first: a refused login fails now, with libpq's reason
            psycopg.connect(url, connect_timeout=connect_timeout).close()
        except psycopg.Error as exc:
            raise StoreError(
                f"cannot connect to the PostgreSQL store {self.name}: {self._hide(str(exc))};"
                " check NEWSDESK_DATABASE_URL and that the server runs"
            ) from None
        pool: psycopg_pool.ConnectionPool[Connection] = psycopg_pool.ConnectionPool(
            url,
            min_size=1,
            max_size=max(1, pool_size),
            timeout=timeout,
            open=False,
            kwargs={"connect_timeout": connect_timeout},
            name="newsdesk",
        )
        try:
            pool.open(wait=True, timeout=timeout)
        except psycopg_pool.PoolTimeout:
            pool.close()
            raise StoreError(
                f"cannot connect to the PostgreSQL store {self.name} within {timeout:g} s;"
                " check NEWSDESK_DATABASE_URL and that the server runs"
            ) from None
        self._pool = pool
        try:
            self._migrate()
        except BaseException:
            self.close()
            raise

    def _hide(self, text: str) -> str:
        """Return ``text`` with the URL's password (should a driver message hold it) masked."""
        return text.replace(self._secret, "***") if self._secret else text

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        """Borrow a connection and run the block as one transaction: all of it, or none."""
        pool = self._pool
        if pool is None:
            raise StoreError(f"the store {self.name} is closed")
        try:
            with pool.connection() as db:
                yield db  # the pool commits on a clean exit and rolls back on an exception
        except psycopg.Error as exc:
            raise StoreError(f"database {self.name}: {self._hide(str(exc))}") from None
        except psycopg_pool.PoolTimeout as exc:
            raise StoreError(f"database {self.name}: {self._hide(str(exc))}") from None

    def _rows(self, sql: str, *params: object) -> list[Any]:
        with self._transaction() as db:
            return db.execute(sql, params).fetchall()

    def schema_version(self) -> int:
        """How many migrations the database has had."""
        return int(self._rows("SELECT version FROM newsdesk_schema")[0][0])

    def _migrate(self) -> None:
        while True:
            with self._transaction() as db:
                db.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
                db.execute("CREATE TABLE IF NOT EXISTS newsdesk_schema (version INTEGER NOT NULL)")
                row = db.execute("SELECT version FROM newsdesk_schema").fetchone()
                if row is None:
                    db.execute("INSERT INTO newsdesk_schema (version) VALUES (0)")
                version = 0 if row is None else int(row[0])
                if version > len(MIGRATIONS):
                    raise StoreError(
                        f"database {self.name} was written by a newer Newsdesk (schema {version},"
                        f" this one knows {len(MIGRATIONS)}); upgrade Newsdesk or use another"
                        " database"
                    )
                if version == len(MIGRATIONS):
                    return
                MIGRATIONS[version](db)
                db.execute("UPDATE newsdesk_schema SET version = %s", (version + 1,))

    def add_subscription(self, new: NewSubscription) -> Subscription:
        """Store a subscription and return it with its new id."""
        with self._transaction() as db:
            row = db.execute(
                "INSERT INTO subscriptions (platform, channel, schedule, cron, timezone, topic,"
                " created_at, next_run) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
                " RETURNING id, platform, channel, schedule, cron, timezone, topic, created_at,"
                " next_run, last_run, last_error",
                (
                    *_where(new.destination),
                    new.schedule,
                    new.cron,
                    new.timezone,
                    new.topic,
                    new.created_at,
                    new.next_run,
                ),
            ).fetchone()
        return _subscription(row)

    def subscriptions(self, destination: Destination | None = None) -> list[Subscription]:
        """Return the subscriptions of one destination (or all), ordered by id."""
        if destination is None:
            rows = self._rows(f"{_SUBSCRIPTION} ORDER BY id")
        else:
            where = "WHERE platform = %s AND channel = %s ORDER BY id"
            rows = self._rows(f"{_SUBSCRIPTION} {where}", *_where(destination))
        return [_subscription(row) for row in rows]

    def due_subscriptions(self, now: dt.datetime) -> list[Subscription]:
        """Return the subscriptions with ``next_run <= now``, ordered by next run, then id."""
        sql = f"{_SUBSCRIPTION} WHERE next_run <= %s ORDER BY next_run, id"
        return [_subscription(row) for row in self._rows(sql, require_utc(now, "now"))]

    def remove_subscriptions(self, destination: Destination) -> int:
        """Remove every subscription of one destination and return how many there were."""
        sql = "DELETE FROM subscriptions WHERE platform = %s AND channel = %s"
        with self._transaction() as db:
            return db.execute(sql, _where(destination)).rowcount

    def remove_subscription(self, subscription_id: int) -> bool:
        """Remove one subscription; False if there was none with this id."""
        with self._transaction() as db:
            deleted = db.execute("DELETE FROM subscriptions WHERE id = %s", (subscription_id,))
            return deleted.rowcount > 0

    def record_run(
        self, subscription_id: int, *, ran_at: dt.datetime, next_run: dt.datetime, error: str | None
    ) -> bool:
        """Record a run and its error (None clears it); False if the subscription is gone."""
        sql = "UPDATE subscriptions SET last_run = %s, next_run = %s, last_error = %s WHERE id = %s"
        values = (require_utc(ran_at, "ran_at"), require_utc(next_run, "next_run"), error)
        with self._transaction() as db:
            return db.execute(sql, (*values, subscription_id)).rowcount == 1

    def sent_articles(self, destination: Destination) -> frozenset[str]:
        """Return the ids of every article a completed delivery sent to ``destination``."""
        sql = "SELECT article_id FROM sent_articles WHERE platform = %s AND channel = %s"
        return frozenset(article_id for (article_id,) in self._rows(sql, *_where(destination)))

    def begin_delivery(
        self,
        destination: Destination,
        article_ids: Sequence[str],
        at: dt.datetime,
        *,
        lease: Lease | None = None,
    ) -> int:
        """Record the intent to post these articles and return the delivery id."""
        ids, begun = article_tuple(article_ids), require_utc(at, "at")
        sql = "INSERT INTO delivery_articles (delivery_id, position, article_id) "
        sql += " VALUES (%s, %s, %s)"
        with self._transaction() as db:
            if lease is not None and not _holds(db, lease, destination, begun):
                raise lost(lease)
            row = db.execute(
                "INSERT INTO deliveries (platform, channel, begun_at) VALUES (%s, %s, %s)"
                " RETURNING id",
                (*_where(destination), begun),
            ).fetchone()
            if row is None:  # INSERT ... RETURNING always returns the row
                raise StoreError(f"database {self.name} did not report a new delivery's id")
            delivery_id = int(row[0])
            with db.cursor() as cursor:
                cursor.executemany(sql, [(delivery_id, i, a) for i, a in enumerate(ids)])
        return delivery_id

    def _state(self, db: Connection, delivery_id: int) -> tuple[DeliveryState | None, Any]:
        row = db.execute(
            "SELECT state, platform, channel FROM deliveries WHERE id = %s FOR UPDATE",
            (delivery_id,),
        ).fetchone()
        if row is None:
            return None, None
        return row[0], Destination(row[1], row[2])

    def complete_delivery(
        self,
        delivery_id: int,
        at: dt.datetime,
        *,
        message_ref: str | None = None,
        lease: Lease | None = None,
    ) -> None:
        """Mark the delivery's articles sent to its destination, atomically and idempotently."""
        completed = require_utc(at, "at")
        with self._transaction() as db:
            state, destination = self._state(db, delivery_id)
            if lease and destination and not _holds(db, lease, destination, None):
                raise lost(lease)
            if settle(delivery_id, state, "sent"):
                db.execute(_MARK_SENT, (completed, delivery_id))
                db.execute(
                    "UPDATE deliveries SET state = 'sent', completed_at = %s, message_ref = %s"
                    " WHERE id = %s",
                    (completed, message_ref, delivery_id),
                )

    def abandon_delivery(self, delivery_id: int) -> None:
        """Record that the post failed for certain; its articles stay unsent. Idempotent."""
        with self._transaction() as db:
            if settle(delivery_id, self._state(db, delivery_id)[0], "abandoned"):
                db.execute(
                    "UPDATE deliveries SET state = 'abandoned' WHERE id = %s", (delivery_id,)
                )

    def pending_deliveries(self, destination: Destination | None = None) -> list[PendingDelivery]:
        """Return the deliveries (of one destination, or all) neither completed nor abandoned."""
        order = " ORDER BY d.id, a.position"
        if destination is None:
            rows = self._rows(_PENDING + order)
        else:
            where = " AND d.platform = %s AND d.channel = %s"
            rows = self._rows(_PENDING + where + order, *_where(destination))
        found: dict[int, PendingDelivery] = {}
        for delivery_id, platform, channel, begun, article_id in rows:
            known = found.get(delivery_id)
            articles = (*known.article_ids, article_id) if known else (article_id,)
            place = Destination(platform, channel)
            found[delivery_id] = PendingDelivery(delivery_id, place, articles, _utc(begun))
        return list(found.values())

    def acquire_lease(
        self, destination: Destination, owner: str, at: dt.datetime, ttl: dt.timedelta
    ) -> Lease | None:
        """Take the destination's lease until ``at + ttl``; None while another owner holds it."""
        expires = lease_expiry(at, ttl)
        values = {
            "platform": destination.platform,
            "channel": destination.channel,
            "owner": owner,
            "expires": expires,
            "at": require_utc(at, "at"),
        }
        with self._transaction() as db:
            row = db.execute(_ACQUIRE, values).fetchone()
        return None if row is None else Lease(destination, owner, int(row[0]), expires)

    def renew_lease(self, lease: Lease, at: dt.datetime, ttl: dt.timedelta) -> Lease:
        """Extend a lease to ``at + ttl``; :class:`LeaseLostError` if another owner took it."""
        expires = lease_expiry(at, ttl)
        values = (expires, *_where(lease.destination), lease.token)
        with self._transaction() as db:
            if db.execute(_SET_EXPIRY, values).rowcount != 1:
                raise lost(lease)
        return dataclasses.replace(lease, expires_at=expires)

    def release_lease(self, lease: Lease) -> None:
        """Give the lease up now, if it is still this one; the next grant gets a new token."""
        with self._transaction() as db:
            db.execute(_SET_EXPIRY, (RELEASED, *_where(lease.destination), lease.token))

    def record_vote(self, answer_id: str, user: str, vote: Vote, at: dt.datetime) -> None:
        """Record a user's vote on an answer; a second vote replaces the first."""
        values = (answer_id, user, require_vote(vote), require_utc(at, "at"))
        with self._transaction() as db:
            db.execute(
                "INSERT INTO votes (answer_id, user_id, vote, voted_at) VALUES (%s, %s, %s, %s)"
                " ON CONFLICT (answer_id, user_id)"
                " DO UPDATE SET vote = excluded.vote, voted_at = excluded.voted_at",
                values,
            )

    def votes(self, answer_id: str) -> dict[str, Vote]:
        """Return each user's vote on one answer."""
        rows = self._rows("SELECT user_id, vote FROM votes WHERE answer_id = %s", answer_id)
        return {user: require_vote(vote) for user, vote in rows}

    def record_answer(self, answer: AnsweredQuestion) -> None:
        """Keep what an answer was about, for its votes; a second record of an id is ignored."""
        values = (
            answer.answer_id,
            answer.platform,
            answer.question,
            list(answer.article_ids),
            require_utc(answer.answered_at, "answered_at"),
        )
        with self._transaction() as db:
            db.execute(
                "INSERT INTO answers (answer_id, platform, question, article_ids, answered_at)"
                " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (answer_id) DO NOTHING",
                values,
            )

    def feedback(self) -> list[AnswerFeedback]:
        """Return every recorded answer with at least one vote, ordered by answer time, then id."""
        rows = self._rows(
            "SELECT a.answer_id, a.platform, a.question, a.article_ids, a.answered_at,"
            " COUNT(*) FILTER (WHERE v.vote = 'up'), COUNT(*) FILTER (WHERE v.vote = 'down')"
            " FROM answers AS a JOIN votes AS v ON v.answer_id = a.answer_id"
            " GROUP BY a.answer_id ORDER BY a.answered_at, a.answer_id"
        )
        return [
            AnswerFeedback(
                AnsweredQuestion(answer_id, platform, question, tuple(ids), at), int(up), int(down)
            )
            for answer_id, platform, question, ids, at, up, down in rows
        ]

    def record_turn(self, conversation: str, turn: Turn, at: dt.datetime) -> None:
        """Add a question and its answer's gist to a conversation (keyed by the caller)."""
        values = (conversation, turn.question, turn.answer, require_utc(at, "at"))
        with self._transaction() as db:
            db.execute(
                "INSERT INTO conversation_turns (conversation, question, answer, asked_at)"
                " VALUES (%s, %s, %s, %s)",
                values,
            )

    def recent_turns(self, conversation: str, *, since: dt.datetime, limit: int) -> list[Turn]:
        """Return the conversation's last ``limit`` turns asked at or after ``since``, oldest
        first."""
        rows = self._rows(
            "SELECT question, answer FROM conversation_turns"
            " WHERE conversation = %s AND asked_at >= %s ORDER BY asked_at DESC, id DESC"
            " LIMIT %s",
            conversation,
            require_utc(since, "since"),
            max(limit, 0),
        )
        return [Turn(question, answer) for question, answer in reversed(rows)]

    def forget_turns(self, before: dt.datetime) -> int:
        """Drop every conversation's turns asked before ``before``; return how many."""
        with self._transaction() as db:
            cursor = db.execute(
                "DELETE FROM conversation_turns WHERE asked_at < %s",
                (require_utc(before, "before"),),
            )
            return cursor.rowcount

    def archive_generation(self) -> ArchiveGeneration | None:
        """Return the newest published archive generation; None if none was published."""
        rows = self._rows(f"{_GENERATION} ORDER BY number DESC LIMIT 1")
        return _generation(rows[0]) if rows else None

    def publish_archive_generation(
        self, digest: str, publisher: str, at: dt.datetime
    ) -> ArchiveGeneration:
        """Record a new archive generation, numbered above every earlier one, and return it."""
        values = (digest, publisher, require_utc(at, "at"))
        with self._transaction() as db:
            row = db.execute(
                "INSERT INTO archive_generations (digest, publisher, published_at)"
                " VALUES (%s, %s, %s) RETURNING number, digest, publisher, published_at",
                values,
            ).fetchone()
            if row is None:  # INSERT ... RETURNING always returns the row
                raise StoreError(f"database {self.name} did not report the new archive generation")
            db.execute(
                "DELETE FROM archive_generations WHERE number <= %s",
                (row[0] - KEPT_ARCHIVE_GENERATIONS,),
            )
        return _generation(row)

    def close(self) -> None:
        """Close the pool; later calls raise StoreError. Closing twice is harmless."""
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.close()
