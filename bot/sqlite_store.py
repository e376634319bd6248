"""The embedded default store: one SQLite file in WAL mode, its schema versioned by migrations.

Durability
----------
- ``journal_mode=WAL``: readers never block the writer, and another process on the same file (a
  restarted bot, the CLI) sees every committed write.
- ``synchronous=FULL``: each commit is fsynced to the WAL before it returns. ``NORMAL`` is safe
  against a crash of the process but can lose the last commits on power loss; a lost "sent" record
  means a duplicate post, and digests write a few rows an hour, so the fsync costs nothing that
  matters.
- ``busy_timeout=5000``: a second process waits up to 5 s for the write lock. Every write starts
  with ``BEGIN IMMEDIATE``, so the wait happens up front, never as a failed upgrade mid-transaction.
- ``foreign_keys=ON``. Datetimes are stored as fixed-width ISO-8601 UTC text, which sorts as time.

Threads: one connection opened with ``check_same_thread=False`` and guarded by a lock, so calls
may run in ``asyncio.to_thread`` workers; they run one at a time, which a store doing a few small
writes per digest never notices. (A connection per call would redo the pragmas for no gain.)

Schema: ``PRAGMA user_version`` counts the applied :data:`MIGRATIONS`, ``PRAGMA application_id``
marks the file as Newsdesk's. Opening applies the missing migrations, one transaction each, and
refuses with :class:`~bot.store.StoreError` naming the file a file that is not SQLite, another
program's database, or one written by a newer Newsdesk.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

from bot.sqlite_feeds import SqliteFeeds, migrate_feeds
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

__all__ = ["APPLICATION_ID", "MIGRATIONS", "SqliteStore"]

APPLICATION_ID = 0x4E44534B  # "NDSK" in the file header: this is a Newsdesk database


def _v1_digests(db: sqlite3.Connection) -> None:
    """Subscriptions, deliveries (the intent to post) and the per-destination sent record."""
    for statement in (
        """CREATE TABLE subscriptions (
            id INTEGER PRIMARY KEY AUTOINCREMENT, platform TEXT NOT NULL, channel TEXT NOT NULL,
            schedule TEXT NOT NULL, cron TEXT NOT NULL, timezone TEXT NOT NULL, topic TEXT,
            created_at TEXT NOT NULL, next_run TEXT NOT NULL, last_run TEXT, last_error TEXT)""",
        "CREATE INDEX subscriptions_by_destination ON subscriptions (platform, channel)",
        "CREATE INDEX subscriptions_by_next_run ON subscriptions (next_run)",
        """CREATE TABLE deliveries (
            id INTEGER PRIMARY KEY AUTOINCREMENT, platform TEXT NOT NULL, channel TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'abandoned')),
            begun_at TEXT NOT NULL, completed_at TEXT, message_ref TEXT)""",
        "CREATE INDEX deliveries_pending ON deliveries (id) WHERE state = 'pending'",
        """CREATE TABLE delivery_articles (
            delivery_id INTEGER NOT NULL REFERENCES deliveries (id), position INTEGER NOT NULL,
            article_id TEXT NOT NULL, PRIMARY KEY (delivery_id, position)) WITHOUT ROWID""",
        """CREATE TABLE sent_articles (
            platform TEXT NOT NULL, channel TEXT NOT NULL, article_id TEXT NOT NULL,
            sent_at TEXT NOT NULL, delivery_id INTEGER NOT NULL REFERENCES deliveries (id),
            PRIMARY KEY (platform, channel, article_id)) WITHOUT ROWID""",
    ):
        db.execute(statement)


def _v2_votes(db: sqlite3.Connection) -> None:
    """Feedback votes on answers: one per (answer, user), the latest wins."""
    db.execute(
        """CREATE TABLE votes (
            answer_id TEXT NOT NULL, user_id TEXT NOT NULL,
            vote TEXT NOT NULL CHECK (vote IN ('up', 'down')), voted_at TEXT NOT NULL,
            PRIMARY KEY (answer_id, user_id)) WITHOUT ROWID"""
    )


def _v3_answers(db: sqlite3.Connection) -> None:
    """What each voted-on answer was about: the question, its article ids, the platform."""
    db.execute(
        """CREATE TABLE answers (
            answer_id TEXT PRIMARY KEY, platform TEXT NOT NULL, question TEXT NOT NULL,
            article_ids TEXT NOT NULL, answered_at TEXT NOT NULL) WITHOUT ROWID"""
    )


def _v4_conversations(db: sqlite3.Connection) -> None:
    """The recent turns of each conversation (a thread or reply chain), for follow-ups."""
    for statement in (
        """CREATE TABLE conversation_turns (
            id INTEGER PRIMARY KEY AUTOINCREMENT, conversation TEXT NOT NULL,
            question TEXT NOT NULL, answer TEXT NOT NULL, asked_at TEXT NOT NULL)""",
        "CREATE INDEX conversation_turns_by_key ON conversation_turns (conversation, asked_at)",
        "CREATE INDEX conversation_turns_by_time ON conversation_turns (asked_at)",
    ):
        db.execute(statement)


def _v5_leases(db: sqlite3.Connection) -> None:
    """Per-destination delivery leases with their fencing tokens (several replicas)."""
    db.execute(
        """CREATE TABLE leases (
            platform TEXT NOT NULL, channel TEXT NOT NULL, owner TEXT NOT NULL,
            token INTEGER NOT NULL, expires_at TEXT NOT NULL,
            PRIMARY KEY (platform, channel)) WITHOUT ROWID"""
    )


def _v6_feeds(db: sqlite3.Connection) -> None:
    """Feeds and the articles they added (issue 13): see :mod:`bot.sqlite_feeds`."""
    migrate_feeds(db)


def _v7_archive_generations(db: sqlite3.Connection) -> None:
    """The shared archive's published generations (replicas reload on a newer one)."""
    db.execute(
        """CREATE TABLE archive_generations (
            number INTEGER PRIMARY KEY AUTOINCREMENT, digest TEXT NOT NULL,
            publisher TEXT NOT NULL, published_at TEXT NOT NULL)"""
    )


MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (
    _v1_digests,
    _v2_votes,
    _v3_answers,
    _v4_conversations,
    _v5_leases,
    _v6_feeds,
    _v7_archive_generations,
)
"""Schema migrations in order; ``user_version`` is how many have run. Only ever append."""

_SUBSCRIPTION = (
    "SELECT id, platform, channel, schedule, cron, timezone, topic, created_at, next_run,"
    " last_run, last_error FROM subscriptions"
)

_MARK_SENT = (  # (sent_at, delivery id): the delivery's articles, as sent to its destination
    "INSERT OR IGNORE INTO sent_articles (platform, channel, article_id, sent_at, delivery_id)"
    " SELECT d.platform, d.channel, a.article_id, ?, d.id FROM deliveries AS d"
    " JOIN delivery_articles AS a ON a.delivery_id = d.id WHERE d.id = ?"
)
_PENDING = (
    "SELECT d.id, d.platform, d.channel, d.begun_at, a.article_id FROM deliveries AS d"
    " JOIN delivery_articles AS a ON a.delivery_id = d.id WHERE d.state = 'pending'"
)
_ACQUIRE = (  # (platform, channel, owner, expires_at, at): one statement, atomic
    "INSERT INTO leases (platform, channel, owner, token, expires_at) VALUES (?1, ?2, ?3, 1, ?4)"
    " ON CONFLICT (platform, channel) DO UPDATE SET"
    " token = CASE WHEN owner = excluded.owner AND expires_at > ?5 THEN token ELSE token + 1 END,"
    " owner = excluded.owner, expires_at = excluded.expires_at"
    " WHERE expires_at <= ?5 OR owner = excluded.owner RETURNING token"
)


_GENERATION = "SELECT number, digest, publisher, published_at FROM archive_generations"


def _generation(row: Any) -> ArchiveGeneration:
    number, digest, publisher, published_at = row
    return ArchiveGeneration(int(number), digest, publisher, _time(published_at))


def _where(destination: Destination) -> tuple[str, str]:
    return destination.platform, destination.channel


def _text(value: dt.datetime, name: str) -> str:
    return require_utc(value, name).isoformat(timespec="microseconds")


def _time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).astimezone(dt.UTC)


def _subscription(row: Any) -> Subscription:
    id_, platform, channel, schedule, cron, zone, topic, created, next_run, last_run, error = row
    return Subscription(
        id=id_,
        destination=Destination(platform, channel),
        schedule=schedule,
        cron=cron,
        timezone=zone,
        topic=topic,
        created_at=_time(created),
        next_run=_time(next_run),
        last_run=None if last_run is None else _time(last_run),
        last_error=error,
    )


def _schema_version(db: sqlite3.Connection, path: Path) -> int:
    """Return the file's schema version, or raise StoreError if it is not ours to use."""
    version: int = db.execute("PRAGMA user_version").fetchone()[0]
    application: int = db.execute("PRAGMA application_id").fetchone()[0]
    if version == 0 and application == 0:
        if db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            raise StoreError(f"{path} is another program's SQLite database; refusing to change it")
        return 0
    if application != APPLICATION_ID:
        raise StoreError(f"{path} is another program's SQLite database (id {application:#x})")
    if version > len(MIGRATIONS):
        raise StoreError(
            f"database {path} was written by a newer Newsdesk (schema {version}, this one knows "
            f"{len(MIGRATIONS)}); upgrade Newsdesk or use another database file"
        )
    return version


def _quick_check(db: sqlite3.Connection, path: Path) -> None:
    """Refuse a damaged file (``PRAGMA quick_check``) with a sentence saying what to do."""
    try:
        problems = [str(row[0]) for row in db.execute("PRAGMA quick_check").fetchall()]
    except sqlite3.DatabaseError as error:
        problems = [str(error)]
    if problems != ["ok"]:
        raise StoreError(damaged(path, problems[0]))


def damaged(path: Path, cause: object) -> str:
    """The sentence for a store file that cannot be trusted: the file, the cause, what to do."""
    return (
        f"The store is damaged: {path}: {cause}; restore it from a backup "
        f"(`newsdesk backup FILE` makes one), or move it aside to start with an empty store."
    )


def _migrate_one(db: sqlite3.Connection, path: Path) -> bool:
    """Apply the next missing migration in a transaction of its own; False if none was missing."""
    db.execute("BEGIN IMMEDIATE")  # another process may be migrating the same file right now
    try:
        version = _schema_version(db, path)
        if version < len(MIGRATIONS):
            MIGRATIONS[version](db)
            db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            db.execute(f"PRAGMA user_version = {version + 1}")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    return version < len(MIGRATIONS)


def _new_id(cursor: sqlite3.Cursor) -> int:
    if cursor.lastrowid is None:  # sqlite3 always sets it after an INSERT
        raise StoreError("the database did not report the id of a new row")
    return cursor.lastrowid


def _delivery_state(db: sqlite3.Connection, delivery_id: int) -> DeliveryState | None:
    row = db.execute("SELECT state FROM deliveries WHERE id = ?", (delivery_id,)).fetchone()
    state: DeliveryState | None = None if row is None else row[0]
    return state


def _holds(db: sqlite3.Connection, lease: Lease, destination: Destination, at: str | None) -> bool:
    """Whether ``lease`` is the destination's current one (and, given ``at``, live then)."""
    row = db.execute(
        "SELECT token, expires_at FROM leases WHERE platform = ? AND channel = ?",
        _where(destination),
    ).fetchone()
    if row is None or lease.destination != destination or row[0] != lease.token:
        return False
    return at is None or row[1] > at


def _open(path: Path) -> sqlite3.Connection:
    """Connect, check the file is ours, set the pragmas and apply missing migrations."""
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    try:
        db.execute("PRAGMA busy_timeout = 5000")
        db.execute("PRAGMA foreign_keys = ON")
        _schema_version(db, path)  # before WAL: never rewrite another program's file header
        _quick_check(db, path)
        mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise StoreError(f"database {path} cannot use WAL mode (it stays in {mode} mode)")
        db.execute("PRAGMA synchronous = FULL")
        while _migrate_one(db, path):
            pass
        return db
    except BaseException:
        db.close()
        raise


class SqliteStore(SqliteFeeds):
    """The store in one SQLite file; safe to share between threads and processes."""

    def __init__(self, path: Path) -> None:
        """Open (creating folders and schema as needed) the database at ``path``.

        Raises:
            StoreError: the file cannot be opened, is not a Newsdesk database, or is too new.
        """
        self.path = Path(path)
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db: sqlite3.Connection | None = _open(self.path)
        except (OSError, sqlite3.Error) as exc:
            if type(exc) is sqlite3.DatabaseError:  # not a database, or a malformed one
                raise StoreError(damaged(self.path, exc)) from exc
            raise StoreError(f"cannot open the database {self.path}: {exc}") from exc

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            if self._db is None:
                raise StoreError(f"the store {self.path} is closed")
            try:
                yield self._db
            except sqlite3.Error as exc:
                raise StoreError(f"database {self.path}: {exc}") from exc

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """Run the block as one ``BEGIN IMMEDIATE`` transaction: all of it commits, or none."""
        with self._connection() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise

    def _rows(self, sql: str, *params: object) -> list[Any]:
        """Run one query (a consistent snapshot on its own) and return all its rows."""
        with self._connection() as db:
            return db.execute(sql, params).fetchall()

    def add_subscription(self, new: NewSubscription) -> Subscription:
        """Store a subscription and return it with its new id."""
        times = (_text(new.created_at, "created_at"), _text(new.next_run, "next_run"))
        with self._write() as db:
            cursor = db.execute(
                "INSERT INTO subscriptions (platform, channel, schedule, cron, timezone, topic,"
                " created_at, next_run) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (*_where(new.destination), new.schedule, new.cron, new.timezone, new.topic, *times),
            )
            row = db.execute(f"{_SUBSCRIPTION} WHERE id = ?", (_new_id(cursor),)).fetchone()
        return _subscription(row)

    def subscriptions(self, destination: Destination | None = None) -> list[Subscription]:
        """Return the subscriptions of one destination (or all), ordered by id."""
        if destination is None:
            rows = self._rows(f"{_SUBSCRIPTION} ORDER BY id")
        else:
            where = "WHERE platform = ? AND channel = ? ORDER BY id"
            rows = self._rows(f"{_SUBSCRIPTION} {where}", *_where(destination))
        return [_subscription(row) for row in rows]

    def due_subscriptions(self, now: dt.datetime) -> list[Subscription]:
        """Return the subscriptions with ``next_run <= now``, ordered by next run, then id."""
        sql = f"{_SUBSCRIPTION} WHERE next_run <= ? ORDER BY next_run, id"
        return [_subscription(row) for row in self._rows(sql, _text(now, "now"))]

    def remove_subscriptions(self, destination: Destination) -> int:
        """Remove every subscription of one destination and return how many there were."""
        sql = "DELETE FROM subscriptions WHERE platform = ? AND channel = ?"
        with self._write() as db:
            return db.execute(sql, _where(destination)).rowcount

    def remove_subscription(self, subscription_id: int) -> bool:
        """Remove one subscription; False if there was none with this id."""
        with self._write() as db:
            return (
                db.execute("DELETE FROM subscriptions WHERE id = ?", (subscription_id,)).rowcount
                > 0
            )

    def record_run(
        self, subscription_id: int, *, ran_at: dt.datetime, next_run: dt.datetime, error: str | None
    ) -> bool:
        """Record a run and its error (None clears it); False if the subscription is gone."""
        sql = "UPDATE subscriptions SET last_run = ?, next_run = ?, last_error = ? WHERE id = ?"
        values = (_text(ran_at, "ran_at"), _text(next_run, "next_run"), error, subscription_id)
        with self._write() as db:
            return db.execute(sql, values).rowcount == 1

    def sent_articles(self, destination: Destination) -> frozenset[str]:
        """Return the ids of every article a completed delivery sent to ``destination``."""
        sql = "SELECT article_id FROM sent_articles WHERE platform = ? AND channel = ?"
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
        ids, begun = article_tuple(article_ids), _text(at, "at")
        sql = "INSERT INTO delivery_articles (delivery_id, position, article_id) VALUES (?, ?, ?)"
        with self._write() as db:
            if lease is not None and not _holds(db, lease, destination, begun):
                raise lost(lease)
            cursor = db.execute(
                "INSERT INTO deliveries (platform, channel, begun_at) VALUES (?, ?, ?)",
                (*_where(destination), begun),
            )
            delivery_id = _new_id(cursor)
            db.executemany(sql, [(delivery_id, i, article) for i, article in enumerate(ids)])
        return delivery_id

    def complete_delivery(
        self,
        delivery_id: int,
        at: dt.datetime,
        *,
        message_ref: str | None = None,
        lease: Lease | None = None,
    ) -> None:
        """Mark the delivery's articles sent to its destination, atomically and idempotently."""
        completed = _text(at, "at")
        with self._write() as db:
            if lease is not None:
                where = db.execute(
                    "SELECT platform, channel FROM deliveries WHERE id = ?", (delivery_id,)
                ).fetchone()
                if where is not None and not _holds(db, lease, Destination(*where), None):
                    raise lost(lease)
            if settle(delivery_id, _delivery_state(db, delivery_id), "sent"):
                db.execute(_MARK_SENT, (completed, delivery_id))
                db.execute(
                    "UPDATE deliveries SET state = 'sent', completed_at = ?, message_ref = ?"
                    " WHERE id = ?",
                    (completed, message_ref, delivery_id),
                )

    def abandon_delivery(self, delivery_id: int) -> None:
        """Record that the post failed for certain; its articles stay unsent. Idempotent."""
        with self._write() as db:
            if settle(delivery_id, _delivery_state(db, delivery_id), "abandoned"):
                db.execute("UPDATE deliveries SET state = 'abandoned' WHERE id = ?", (delivery_id,))

    def pending_deliveries(self, destination: Destination | None = None) -> list[PendingDelivery]:
        """Return the deliveries (of one destination, or all) neither completed nor abandoned."""
        found: dict[int, PendingDelivery] = {}
        order = " ORDER BY d.id, a.position"
        if destination is None:
            rows = self._rows(_PENDING + order)
        else:
            where = " AND d.platform = ? AND d.channel = ?"
            rows = self._rows(_PENDING + where + order, *_where(destination))
        for delivery_id, platform, channel, begun, article_id in rows:
            known = found.get(delivery_id)
            articles = (*known.article_ids, article_id) if known else (article_id,)
            destination = Destination(platform, channel)
            found[delivery_id] = PendingDelivery(delivery_id, destination, articles, _time(begun))
        return list(found.values())

    def acquire_lease(
        self, destination: Destination, owner: str, at: dt.datetime, ttl: dt.timedelta
    ) -> Lease | None:
        """Take the destination's lease until ``at + ttl``; None while another owner holds it."""
        expires = lease_expiry(at, ttl)
        values = (*_where(destination), owner, _text(expires, "expires"), _text(at, "at"))
        with self._write() as db:
            row = db.execute(_ACQUIRE, values).fetchone()
        return None if row is None else Lease(destination, owner, row[0], expires)

    def renew_lease(self, lease: Lease, at: dt.datetime, ttl: dt.timedelta) -> Lease:
        """Extend a lease to ``at + ttl``; :class:`LeaseLostError` if another owner took it."""
        expires = lease_expiry(at, ttl)
        sql = "UPDATE leases SET expires_at = ? WHERE platform = ? AND channel = ? AND token = ?"
        values = (_text(expires, "expires"), *_where(lease.destination), lease.token)
        with self._write() as db:
            if db.execute(sql, values).rowcount != 1:
                raise lost(lease)
        return dataclasses.replace(lease, expires_at=expires)

    def release_lease(self, lease: Lease) -> None:
        """Give the lease up now, if it is still this one; the next grant gets a new token."""
        sql = "UPDATE leases SET expires_at = ? WHERE platform = ? AND channel = ? AND token = ?"
        with self._write() as db:
            db.execute(sql, (_text(RELEASED, "at"), *_where(lease.destination), lease.token))

    def record_vote(self, answer_id: str, user: str, vote: Vote, at: dt.datetime) -> None:
        """Record a user's vote on an answer; a second vote replaces the first."""
        values = (answer_id, user, require_vote(vote), _text(at, "at"))
        with self._write() as db:
            db.execute(
                "INSERT INTO votes (answer_id, user_id, vote, voted_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (answer_id, user_id)"
                " DO UPDATE SET vote = excluded.vote, voted_at = excluded.voted_at",
                values,
            )

    def votes(self, answer_id: str) -> dict[str, Vote]:
        """Return each user's vote on one answer."""
        rows = self._rows("SELECT user_id, vote FROM votes WHERE answer_id = ?", answer_id)
        return {user: require_vote(vote) for user, vote in rows}

    def record_answer(self, answer: AnsweredQuestion) -> None:
        """Keep what an answer was about, for its votes; a second record of an id is ignored."""
        values = (
            answer.answer_id,
            answer.platform,
            answer.question,
            json.dumps(list(answer.article_ids)),
            _text(answer.answered_at, "answered_at"),
        )
        with self._write() as db:
            db.execute(
                "INSERT OR IGNORE INTO answers (answer_id, platform, question, article_ids,"
                " answered_at) VALUES (?, ?, ?, ?, ?)",
                values,
            )

    def feedback(self) -> list[AnswerFeedback]:
        """Return every recorded answer with at least one vote, ordered by answer time, then id."""
        rows = self._rows(
            "SELECT a.answer_id, a.platform, a.question, a.article_ids, a.answered_at,"
            " SUM(v.vote = 'up'), SUM(v.vote = 'down') FROM answers AS a"
            " JOIN votes AS v ON v.answer_id = a.answer_id"
            " GROUP BY a.answer_id ORDER BY a.answered_at, a.answer_id"
        )
        return [
            AnswerFeedback(
                AnsweredQuestion(answer_id, platform, question, tuple(json.loads(ids)), _time(at)),
                up,
                down,
            )
            for answer_id, platform, question, ids, at, up, down in rows
        ]

    def record_turn(self, conversation: str, turn: Turn, at: dt.datetime) -> None:
        """Add a question and its answer's gist to a conversation (keyed by the caller)."""
        values = (conversation, turn.question, turn.answer, _text(at, "at"))
        with self._write() as db:
            db.execute(
                "INSERT INTO conversation_turns (conversation, question, answer, asked_at)"
                " VALUES (?, ?, ?, ?)",
                values,
            )

    def recent_turns(self, conversation: str, *, since: dt.datetime, limit: int) -> list[Turn]:
        """Return the conversation's last ``limit`` turns asked at or after ``since``, oldest
        first."""
        rows = self._rows(
            "SELECT question, answer FROM conversation_turns"
            " WHERE conversation = ? AND asked_at >= ? ORDER BY asked_at DESC, id DESC LIMIT ?",
            conversation,
            _text(since, "since"),
            max(limit, 0),
        )
        return [Turn(question, answer) for question, answer in reversed(rows)]

    def forget_turns(self, before: dt.datetime) -> int:
        """Drop every conversation's turns asked before ``before``; return how many."""
        end = _text(before, "before")
        with self._write() as db:
            cursor = db.execute("DELETE FROM conversation_turns WHERE asked_at < ?", (end,))
            return cursor.rowcount

    def archive_generation(self) -> ArchiveGeneration | None:
        """Return the newest published archive generation; None if none was published."""
        rows = self._rows(f"{_GENERATION} ORDER BY number DESC LIMIT 1")
        return _generation(rows[0]) if rows else None

    def publish_archive_generation(
        self, digest: str, publisher: str, at: dt.datetime
    ) -> ArchiveGeneration:
        """Record a new archive generation, numbered above every earlier one, and return it."""
        values = (digest, publisher, _text(at, "at"))
        with self._write() as db:
            cursor = db.execute(
                "INSERT INTO archive_generations (digest, publisher, published_at)"
                " VALUES (?, ?, ?)",
                values,
            )
            number = _new_id(cursor)
            row = db.execute(f"{_GENERATION} WHERE number = ?", (number,)).fetchone()
            db.execute(
                "DELETE FROM archive_generations WHERE number <= ?",
                (number - KEPT_ARCHIVE_GENERATIONS,),
            )
        return _generation(row)

    def backup(self, target: Path) -> None:
        """Copy the database to ``target`` with SQLite's online backup API (safe while in use).

        Raises:
            StoreError: the copy cannot be written (the message names the file and why).
        """
        with self._connection() as db:
            try:
                with closing(sqlite3.connect(target)) as copy:
                    db.backup(copy)
            except (OSError, sqlite3.Error) as exc:
                raise StoreError(f"cannot write the backup {target}: {exc}") from exc

    def close(self) -> None:
        """Close the connection; later calls raise StoreError. Closing twice is harmless."""
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None
