"""The feed tables of the PostgreSQL store: its migration and the feed methods of the Store port.

The twin of :mod:`bot.sqlite_feeds` (same tables, same behaviour, the same contract suite):
:class:`PostgresFeeds` is a mixin of :class:`bot.postgres_store.PostgresStore`.
"""

from __future__ import annotations

import datetime as dt
from contextlib import AbstractContextManager
from typing import Any

import psycopg

from bot.store import Destination, Feed, FeedFetchRecord, FeedItem, NewFeed, require_utc

__all__ = ["PostgresFeeds", "migrate_feeds"]

Connection = psycopg.Connection[tuple[Any, ...]]


def migrate_feeds(db: Connection) -> None:
    """Feeds (address, interval, last fetch and error, validators, backoff) and their items."""
    for statement in (
        """CREATE TABLE feeds (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, url TEXT NOT NULL,
            interval_minutes INTEGER NOT NULL CHECK (interval_minutes >= 1),
            added_at TIMESTAMPTZ NOT NULL, added_platform TEXT, added_channel TEXT,
            title TEXT NOT NULL DEFAULT '', next_fetch TIMESTAMPTZ NOT NULL,
            last_fetch TIMESTAMPTZ, last_success TIMESTAMPTZ, last_error TEXT,
            failures INTEGER NOT NULL DEFAULT 0, etag TEXT, last_modified TEXT)""",
        "CREATE INDEX feeds_by_next_fetch ON feeds (next_fetch)",
        """CREATE TABLE feed_items (
            article_id TEXT PRIMARY KEY, feed_id BIGINT NOT NULL, guid TEXT, url TEXT,
            content_hash TEXT NOT NULL, added_at TIMESTAMPTZ NOT NULL,
            quiet BOOLEAN NOT NULL DEFAULT FALSE)""",
        "CREATE INDEX feed_items_by_guid ON feed_items (guid) WHERE guid IS NOT NULL",
        "CREATE INDEX feed_items_by_url ON feed_items (url) WHERE url IS NOT NULL",
        "CREATE INDEX feed_items_by_hash ON feed_items (content_hash)",
        "CREATE INDEX feed_items_by_feed ON feed_items (feed_id)",
    ):
        db.execute(statement)


_FEED = (
    "SELECT f.id, f.url, f.interval_minutes, f.added_at, f.added_platform, f.added_channel,"
    " f.title, f.next_fetch, f.last_fetch, f.last_error, f.failures, f.etag, f.last_modified,"
    " (SELECT count(*) FROM feed_items AS i WHERE i.feed_id = f.id), f.last_success"
    " FROM feeds AS f"
)


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    return None if value is None else value.astimezone(dt.UTC)


def _feed(row: Any) -> Feed:
    (id_, url, interval, added, platform, channel, title, next_fetch, last_fetch, error,
     failures, etag, modified, count, success) = row  # fmt: skip
    return Feed(
        id=int(id_),
        url=url,
        interval_minutes=interval,
        added_at=added.astimezone(dt.UTC),
        added_by=Destination(platform, channel) if platform and channel else None,
        title=title,
        next_fetch=next_fetch.astimezone(dt.UTC),
        last_fetch=_utc(last_fetch),
        last_error=error,
        failures=failures,
        etag=etag,
        last_modified=modified,
        article_count=int(count),
        last_success=_utc(success),
    )


class PostgresFeeds:
    """The feed methods of the Store port over the tables of :func:`migrate_feeds`."""

    def _transaction(self) -> AbstractContextManager[Connection]:
        raise NotImplementedError  # provided by PostgresStore

    def _rows(self, sql: str, *params: object) -> list[Any]:
        raise NotImplementedError  # provided by PostgresStore

    def add_feed(self, new: NewFeed) -> Feed:
        """Store a feed (due at once) and return it with its new id."""
        added = require_utc(new.added_at, "added_at")
        where = (new.added_by.platform, new.added_by.channel) if new.added_by else (None, None)
        with self._transaction() as db:
            row = db.execute(
                "INSERT INTO feeds (url, interval_minutes, added_at, added_platform,"
                " added_channel, next_fetch) VALUES (%s, %s, %s, %s, %s, %s) RETURNING id",
                (new.url, new.interval_minutes, added, *where, added),
            ).fetchone()
            assert row is not None  # noqa: S101 -- RETURNING always gives the row
            found = db.execute(f"{_FEED} WHERE f.id = %s", (row[0],)).fetchone()
        return _feed(found)

    def feeds(self) -> list[Feed]:
        """Return every feed, ordered by id, with its article count."""
        return [_feed(row) for row in self._rows(f"{_FEED} ORDER BY f.id")]

    def due_feeds(self, now: dt.datetime) -> list[Feed]:
        """Return the feeds with ``next_fetch <= now``, ordered by next fetch, then id."""
        sql = f"{_FEED} WHERE f.next_fetch <= %s ORDER BY f.next_fetch, f.id"
        return [_feed(row) for row in self._rows(sql, require_utc(now, "now"))]

    def remove_feed(self, feed_id: int) -> bool:
        """Remove a feed (its articles and their keys stay); False if there was none."""
        with self._transaction() as db:
            return db.execute("DELETE FROM feeds WHERE id = %s", (feed_id,)).rowcount > 0

    def record_fetch(self, feed_id: int, record: FeedFetchRecord) -> bool:
        """Record a fetch of a feed; False if the feed is gone."""
        with self._transaction() as db:
            cursor = db.execute(
                "UPDATE feeds SET last_fetch = %s, next_fetch = %s, last_error = %s,"
                " failures = %s, etag = coalesce(%s, etag),"
                " last_modified = coalesce(%s, last_modified), title = coalesce(%s, title),"
                " last_success = CASE WHEN %s::text IS NULL THEN %s ELSE last_success END"
                " WHERE id = %s",
                (
                    record.at,
                    record.next_fetch,
                    record.error,
                    record.failures,
                    record.etag,
                    record.last_modified,
                    record.title,
                    record.error,
                    record.at,
                    feed_id,
                ),
            )
            return cursor.rowcount > 0

    def known_item(
        self, *, guid: str | None, url: str | None, content_hash: str | None
    ) -> str | None:
        """Return the article id of an item matching any given key (None keys never match)."""
        for column, value in (("guid", guid), ("url", url), ("content_hash", content_hash)):
            if value is not None:
                sql = f"SELECT article_id FROM feed_items WHERE {column} = %s LIMIT 1"  # noqa: S608
                rows = self._rows(sql, value)
                if rows:
                    return str(rows[0][0])
        return None

    def add_feed_item(self, item: FeedItem) -> bool:
        """Record an article a feed added; False (nothing changes) if its id is known already."""
        with self._transaction() as db:
            cursor = db.execute(
                "INSERT INTO feed_items (article_id, feed_id, guid, url, content_hash, added_at,"
                " quiet) VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (article_id) DO NOTHING",
                (
                    item.article_id,
                    item.feed_id,
                    item.guid,
                    item.url,
                    item.content_hash,
                    require_utc(item.added_at, "added_at"),
                    item.quiet,
                ),
            )
            return cursor.rowcount > 0

    def quiet_articles(self) -> frozenset[str]:
        """Return the ids of the feed items that digests never offer (see :class:`FeedItem`)."""
        rows = self._rows("SELECT article_id FROM feed_items WHERE quiet")
        return frozenset(str(row[0]) for row in rows)
