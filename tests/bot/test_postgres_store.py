"""The PostgreSQL store beyond the shared contract: migrations, selection, check, backup, secrets.

Every test here runs against the session's throwaway server (``tests/postgres.py``), in an empty
schema of its own.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import psycopg
import pytest

from bot import build_newsdesk
from bot.postgres_store import MIGRATIONS, PostgresStore, redact
from bot.store import KEPT_ARCHIVE_GENERATIONS, Destination, StoreError
from tests.adapters.test_cli_index_faults import run
from tests.conftest import make_settings
from tests.postgres import free_port, missing_postgres

T0 = dt.datetime(2025, 3, 3, 8, 0, tzinfo=dt.UTC)
SLACK = Destination("slack", "C123")


def test_a_new_database_gets_every_migration_once(postgres_url: str) -> None:
    first = PostgresStore(postgres_url)
    second = PostgresStore(postgres_url)  # a second replica starting on the migrated schema
    try:
        assert first.schema_version() == second.schema_version() == len(MIGRATIONS) == 7
        first.complete_delivery(first.begin_delivery(SLACK, ["a1"], T0), T0)
        assert second.sent_articles(SLACK) == {"a1"}
    finally:
        first.close()
        second.close()
    with psycopg.connect(postgres_url) as db:
        tables = {row[0] for row in db.execute("SELECT tablename FROM pg_tables").fetchall()}
    assert {"subscriptions", "deliveries", "sent_articles", "votes", "leases"} <= tables
    assert {"answers", "conversation_turns", "feeds", "feed_items"} <= tables


def test_a_schema_from_a_newer_newsdesk_is_refused(postgres_url: str) -> None:
    PostgresStore(postgres_url).close()
    with psycopg.connect(postgres_url) as db:
        db.execute("UPDATE newsdesk_schema SET version = 70")
    with pytest.raises(
        StoreError, match="written by a newer Newsdesk \\(schema 70, this one knows"
    ):
        PostgresStore(postgres_url)


def test_an_unreachable_server_is_one_sentence_without_the_password() -> None:
    url = f"postgresql://newsdesk:hunter2secret@127.0.0.1:{free_port()}/newsdesk"
    with pytest.raises(StoreError) as caught:
        PostgresStore(url, timeout=1)
    message = str(caught.value)
    assert "hunter2secret" not in message
    assert "cannot connect to the PostgreSQL store postgresql://newsdesk:***@127.0.0.1:" in message


def test_redact_masks_a_password_in_the_address_or_the_query() -> None:
    assert redact("postgresql://u:pw@db:5432/nd") == "postgresql://u:***@db:5432/nd"
    assert redact("postgresql://db/nd?password=pw&sslmode=require") == (
        "postgresql://:***@db/nd?password=***&sslmode=require"
    )
    assert redact("postgresql://u@db/nd") == "postgresql://u@db/nd"
    assert redact("postgresql://u:pw@db:port/nd") == "the configured database URL"


def test_a_malformed_url_is_one_sentence_without_the_password() -> None:
    with pytest.raises(StoreError) as caught:
        PostgresStore("postgresql://newsdesk:hunter2secret@127.0.0.1:notaport/newsdesk", timeout=1)
    assert "hunter2secret" not in str(caught.value)
    assert "the configured database URL" in str(caught.value)


def test_the_database_url_selects_postgres_for_the_bot(postgres_url: str, tmp_path: Path) -> None:
    settings = make_settings(tmp_path, database_url=postgres_url)
    core = build_newsdesk(settings)
    assert core.desk is not None
    try:
        assert isinstance(core.desk.store, PostgresStore)
    finally:
        core.desk.store.close()
    assert not settings.store_path.exists()  # no SQLite file was made


def test_check_connects_and_names_the_schema_never_the_password(
    postgres_cluster: object, postgres_url: str, tmp_path: Path
) -> None:
    status, out, _ = run(["check"], make_settings(tmp_path, database_url=postgres_url))
    assert status == 0, out
    (line,) = [row for row in out.splitlines() if row.split()[1] == "store"]
    assert line.startswith("ok")
    assert f"schema {len(MIGRATIONS)}" in line
    down = f"postgresql://newsdesk:hunter2secret@127.0.0.1:{free_port()}/newsdesk"
    status, out, err = run(["check"], make_settings(tmp_path, database_url=down))
    assert status == 1
    assert "PROBLEM store" in out
    assert "hunter2secret" not in out + err


def test_backup_points_at_pg_dump(postgres_url: str, tmp_path: Path) -> None:
    status, _, err = run(
        ["backup", str(tmp_path / "copy.db")], make_settings(tmp_path, database_url=postgres_url)
    )
    assert status == 1
    assert "pg_dump" in err
    assert not (tmp_path / "copy.db").exists()


def test_a_database_url_that_is_not_postgres_names_the_variable(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="must be a postgresql:// URL"):
        make_settings(tmp_path, database_url="mysql://u:pw@db/nd")


def test_without_postgres_the_tests_skip_with_one_line_but_fail_in_ci(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"^PostgreSQL tests skipped: no initdb"):
        missing_postgres()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="cannot be skipped in CI"):
        missing_postgres()


def test_publishing_keeps_only_the_newest_archive_generations(postgres_url: str) -> None:
    store = PostgresStore(postgres_url)
    extra = 5
    try:
        for i in range(KEPT_ARCHIVE_GENERATIONS + extra):
            newest = store.publish_archive_generation(f"digest-{i}", "replica-a", T0)
        with psycopg.connect(postgres_url) as db:
            numbers = [row[0] for row in db.execute("SELECT number FROM archive_generations")]
        assert sorted(numbers) == list(range(extra + 1, KEPT_ARCHIVE_GENERATIONS + extra + 1))
        assert store.archive_generation() == newest
        again = store.publish_archive_generation("again", "replica-b", T0)
        assert again.number == newest.number + 1
    finally:
        store.close()
