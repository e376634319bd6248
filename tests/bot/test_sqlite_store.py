"""What only the SQLite store promises: WAL, versioned migrations, files it refuses, restarts.

A "restart" is a second ``SqliteStore`` (or a second process) on the same file.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from bot import sqlite_store
from bot.sqlite_store import APPLICATION_ID, MIGRATIONS, SqliteStore
from bot.store import KEPT_ARCHIVE_GENERATIONS, Destination, StoreError, Turn

ROOT = Path(__file__).resolve().parents[2]
T0 = dt.datetime(2025, 3, 3, 8, 0, tzinfo=dt.UTC)
SLACK = Destination("slack", "C123")

V1_SCHEMA = """
CREATE TABLE subscriptions (
    id INTEGER PRIMARY KEY AUTOINCREMENT, platform TEXT NOT NULL, channel TEXT NOT NULL,
    schedule TEXT NOT NULL, cron TEXT NOT NULL, timezone TEXT NOT NULL, topic TEXT,
    created_at TEXT NOT NULL, next_run TEXT NOT NULL, last_run TEXT, last_error TEXT);
CREATE INDEX subscriptions_by_destination ON subscriptions (platform, channel);
CREATE INDEX subscriptions_by_next_run ON subscriptions (next_run);
CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT, platform TEXT NOT NULL, channel TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'abandoned')),
    begun_at TEXT NOT NULL, completed_at TEXT, message_ref TEXT);
CREATE INDEX deliveries_pending ON deliveries (id) WHERE state = 'pending';
CREATE TABLE delivery_articles (
    delivery_id INTEGER NOT NULL REFERENCES deliveries (id), position INTEGER NOT NULL,
    article_id TEXT NOT NULL, PRIMARY KEY (delivery_id, position)) WITHOUT ROWID;
CREATE TABLE sent_articles (
    platform TEXT NOT NULL, channel TEXT NOT NULL, article_id TEXT NOT NULL,
    sent_at TEXT NOT NULL, delivery_id INTEGER NOT NULL REFERENCES deliveries (id),
    PRIMARY KEY (platform, channel, article_id)) WITHOUT ROWID;
INSERT INTO subscriptions (platform, channel, schedule, cron, timezone, topic, created_at, next_run)
    VALUES ('slack', 'C123', 'weekdays 09:30', '30 9 * * 1-5', 'Europe/Berlin', NULL,
            '2025-03-03T08:00:00.000000+00:00', '2025-03-04T08:30:00.000000+00:00');
INSERT INTO deliveries (platform, channel, state, begun_at, completed_at)
    VALUES ('slack', 'C123', 'sent', '2025-03-03T08:30:00.000000+00:00',
            '2025-03-03T08:30:01.000000+00:00');
INSERT INTO delivery_articles VALUES (1, 0, 'a1');
INSERT INTO sent_articles VALUES ('slack', 'C123', 'a1', '2025-03-03T08:30:01.000000+00:00', 1);
"""


def pragma(path: Path, name: str) -> object:
    """Read one pragma of the file through a connection of its own."""
    with closing(sqlite3.connect(path)) as db:
        return db.execute(f"PRAGMA {name}").fetchone()[0]


def tables(path: Path) -> set[str]:
    """Return the names of the file's tables."""
    with closing(sqlite3.connect(path)) as db:
        return {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}


@pytest.fixture
def path(tmp_path: Path) -> Path:
    """Where the database goes, in a folder that does not exist yet."""
    return tmp_path / "data" / "newsdesk.db"


@pytest.fixture
def store(path: Path) -> Iterator[SqliteStore]:
    """Yield a store on ``path`` and close it afterwards."""
    made = SqliteStore(path)
    yield made
    made.close()


def test_a_new_database_is_in_wal_mode_at_the_latest_schema(store: SqliteStore, path: Path) -> None:
    assert path.is_file()  # its folder was created
    assert pragma(path, "journal_mode") == "wal"
    assert pragma(path, "user_version") == len(MIGRATIONS) == 7
    assert pragma(path, "application_id") == APPLICATION_ID
    expected = {"subscriptions", "deliveries", "delivery_articles", "sent_articles", "votes"}
    expected |= {"answers", "conversation_turns", "leases", "feeds", "feed_items"}
    assert expected <= tables(path)


def test_a_version_1_database_is_migrated_and_keeps_its_data(path: Path) -> None:
    path.parent.mkdir()
    with closing(sqlite3.connect(path)) as db:
        db.executescript(V1_SCHEMA)
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        db.execute("PRAGMA user_version = 1")
    assert "votes" not in tables(path)
    store = SqliteStore(path)
    try:
        (sub,) = store.subscriptions(SLACK)
        assert (sub.schedule, sub.next_run) == (
            "weekdays 09:30",
            dt.datetime(2025, 3, 4, 8, 30, tzinfo=dt.UTC),
        )
        assert store.sent_articles(SLACK) == {"a1"}
        store.record_vote("answer-1", "U1", "up", T0)
        assert store.votes("answer-1") == {"U1": "up"}
        assert store.begin_delivery(SLACK, ["a2"], T0) == 2  # the v1 ids carry on
        store.record_turn("slack:C1:1.0", Turn("Was ist MAI-1?"), T0)  # the later tables exist
        assert store.recent_turns("slack:C1:1.0", since=T0, limit=1) == [Turn("Was ist MAI-1?")]
    finally:
        store.close()
    assert pragma(path, "user_version") == len(MIGRATIONS)


def test_a_failed_migration_leaves_the_database_at_its_old_version(
    store: SqliteStore, path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.close()

    def broken(db: sqlite3.Connection) -> None:
        db.execute("CREATE TABLE half_done (x)")
        db.execute("SELECT * FROM no_such_table")

    monkeypatch.setattr(sqlite_store, "MIGRATIONS", (*MIGRATIONS, broken))
    with pytest.raises(
        StoreError, match=f"cannot open the database {re.escape(str(path))}: .*no_such_table"
    ):
        SqliteStore(path)
    assert pragma(path, "user_version") == len(MIGRATIONS)
    assert "half_done" not in tables(path)


def test_a_database_from_a_newer_newsdesk_is_refused(store: SqliteStore, path: Path) -> None:
    store.close()
    with closing(sqlite3.connect(path)) as db:
        db.execute("PRAGMA user_version = 70")
    known = len(MIGRATIONS)
    message = f"database {path} was written by a newer Newsdesk (schema 70, this one knows {known})"
    with pytest.raises(StoreError, match=f"^{re.escape(message)}"):
        SqliteStore(path)


def test_a_file_that_is_not_a_database_is_refused_and_left_alone(path: Path) -> None:
    path.parent.mkdir()
    path.write_bytes(b"Breaking news, not a database.\n" * 200)
    with pytest.raises(StoreError, match=f"{re.escape(str(path))}: file is not a database"):
        SqliteStore(path)
    assert path.read_bytes() == b"Breaking news, not a database.\n" * 200


def test_another_programs_database_is_refused_and_left_alone(path: Path) -> None:
    path.parent.mkdir()
    with closing(sqlite3.connect(path)) as db:
        db.execute("CREATE TABLE notes (body TEXT)")
        db.commit()
    with pytest.raises(
        StoreError, match=f"{re.escape(str(path))} is another program's SQLite database;"
    ):
        SqliteStore(path)
    assert tables(path) == {"notes"}
    assert pragma(path, "journal_mode") == "delete"  # not switched to WAL behind its back


def test_a_database_marked_by_another_program_is_refused(path: Path) -> None:
    path.parent.mkdir()
    with closing(sqlite3.connect(path)) as db:
        db.execute("PRAGMA application_id = 1234")
    with pytest.raises(StoreError, match=r"another program's SQLite database \(id 0x4d2\)"):
        SqliteStore(path)


def test_a_folder_where_the_file_should_be_is_refused(path: Path) -> None:
    path.mkdir(parents=True)
    with pytest.raises(StoreError, match=f"cannot open the database {re.escape(str(path))}"):
        SqliteStore(path)


def test_a_second_instance_sees_what_was_sent_and_what_was_interrupted(path: Path) -> None:
    first = SqliteStore(path)
    try:
        sent = first.begin_delivery(SLACK, ["a1", "a2"], T0)
        first.complete_delivery(sent, T0, message_ref="1741000000.000100")
        second = SqliteStore(path)  # opened after, while the first is still open
        try:
            assert second.sent_articles(SLACK) == {"a1", "a2"}
            assert second.pending_deliveries() == []
            interrupted = first.begin_delivery(SLACK, ["a3"], T0)
            first.close()  # "killed" between the post and its record
            assert second.sent_articles(SLACK) == {"a1", "a2"}
            (pending,) = second.pending_deliveries()
            assert (pending.id, pending.destination, pending.article_ids) == (
                interrupted,
                SLACK,
                ("a3",),
            )
            second.abandon_delivery(interrupted)  # the loop's recovery: send it again
            second.complete_delivery(second.begin_delivery(SLACK, ["a3"], T0), T0)
        finally:
            second.close()
    finally:
        first.close()
    restarted = SqliteStore(path)
    try:
        assert restarted.sent_articles(SLACK) == {"a1", "a2", "a3"}
        assert restarted.pending_deliveries() == []
    finally:
        restarted.close()


KILLED_MID_DELIVERY = """
import datetime as dt, os, sys
from pathlib import Path
from bot.sqlite_store import SqliteStore
from bot.store import Destination

store = SqliteStore(Path(sys.argv[1]))
at = dt.datetime(2025, 3, 3, 8, 0, tzinfo=dt.UTC)
store.complete_delivery(store.begin_delivery(Destination("slack", "C123"), ["a1"], at), at)
store.begin_delivery(Destination("slack", "C123"), ["a2", "a3"], at)
os._exit(0)  # dies after the post, before its record: no complete, no close
"""


def test_a_process_killed_mid_delivery_leaves_it_pending_for_the_next_one(path: Path) -> None:
    subprocess.run(
        [sys.executable, "-c", KILLED_MID_DELIVERY, str(path)], cwd=ROOT, check=True, timeout=120
    )
    store = SqliteStore(path)
    try:
        assert store.sent_articles(SLACK) == {"a1"}
        assert [p.article_ids for p in store.pending_deliveries()] == [("a2", "a3")]
    finally:
        store.close()


def test_subscriptions_added_by_one_instance_are_listed_by_another(store: SqliteStore) -> None:
    other = SqliteStore(store.path)
    try:
        assert other.subscriptions() == []
        store.record_vote("answer-1", "U1", "up", T0)
        assert other.votes("answer-1") == {"U1": "up"}
        other.record_vote("answer-1", "U1", "down", T0)
        assert store.votes("answer-1") == {"U1": "down"}
    finally:
        other.close()


def test_publishing_keeps_only_the_newest_archive_generations(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "newsdesk.db")
    extra = 5
    for i in range(KEPT_ARCHIVE_GENERATIONS + extra):
        newest = store.publish_archive_generation(f"digest-{i}", "replica-a", T0)
    with closing(sqlite3.connect(tmp_path / "newsdesk.db")) as db:
        numbers = [row[0] for row in db.execute("SELECT number FROM archive_generations")]
    assert sorted(numbers) == list(range(extra + 1, KEPT_ARCHIVE_GENERATIONS + extra + 1))
    assert store.archive_generation() == newest
    # numbers are never reused after the old rows are gone
    assert store.publish_archive_generation("again", "replica-b", T0).number == newest.number + 1
