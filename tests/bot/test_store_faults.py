"""Storage faults get a sentence and a way out; questions keep being answered throughout."""

from __future__ import annotations

import datetime as dt
import io
import shutil
from pathlib import Path

import pytest

from adapters.cli import main
from bot import Destination, Settings, StoreError, build_newsdesk
from bot.sqlite_store import SqliteStore
from bot.store import Store
from tests.conftest import SEEDS, make_settings

QUESTION = "Wie viel bot Musk für OpenAI?"
CHANNEL = Destination("slack", "C123")
T0 = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)


def run(argv: list[str], settings: Settings) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(argv, settings=settings, stdin=io.StringIO(), stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


def _store_with_a_delivery(settings: Settings) -> None:
    store = SqliteStore(settings.store_path)
    store.complete_delivery(store.begin_delivery(CHANNEL, ["a1"], T0), T0)
    store.close()


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _garbage(path: Path) -> None:
    path.write_bytes(b"\x13\x37 this is no database at all " * 200)


@pytest.mark.parametrize("damage", [_truncate, _garbage], ids=["truncated", "garbage"])
def test_a_damaged_store_refuses_to_start_with_one_sentence(tmp_path: Path, damage: object) -> None:
    settings = make_settings(tmp_path / "data")
    _store_with_a_delivery(settings)
    assert callable(damage)
    damage(settings.store_path)
    before = settings.store_path.read_bytes()

    status, out, err = run(["shell"], settings)
    assert status == 1
    assert out == ""
    assert err.count("\n") == 1, err
    assert err.startswith(f"newsdesk: The store is damaged: {settings.store_path}: ")
    assert "restore it from a backup" in err
    assert "move it aside to start with an empty store" in err
    assert settings.store_path.read_bytes() == before  # the evidence is never overwritten

    status, out, err = run(["-v", "shell"], settings)
    assert status == 1
    assert "Traceback" in err  # -v shows where it came from

    status, out, _ = run(["ask", QUESTION], settings)  # questions need no store
    assert status == 0
    assert "97,4 Milliarden USD" in out


class FailingStore:
    """The SQLite store, failing on every call while ``broken`` is set (a disk gone bad)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.broken = False

    def __getattr__(self, name: str) -> object:
        if self.broken:
            raise StoreError("database newsdesk.db: database disk image is malformed")
        return getattr(self.store, name)


@pytest.mark.parametrize("language", ["de", "en"])
def test_a_store_failing_while_running_says_digests_and_votes_are_unavailable(
    tmp_path: Path, language: str, caplog: pytest.LogCaptureFixture
) -> None:
    settings = make_settings(tmp_path / "data", language=language)
    _store_with_a_delivery(settings)
    failing = FailingStore(SqliteStore(settings.store_path))
    core = build_newsdesk(settings, store=lambda: failing)  # type: ignore[arg-type,return-value]
    failing.broken = True

    unavailable = core.phrases.store_unavailable
    assert core.handle("digest list").text == unavailable
    assert core.handle("digest subscribe daily 08:00").text == unavailable
    assert core.record_feedback("answer-1", "U1", "up").text == unavailable
    assert ("Digests und Bewertungen" if language == "de" else "Digests and votes") in unavailable
    assert "database disk image is malformed" in caplog.text  # operators see the cause
    assert "Traceback" not in caplog.text
    assert "97,4 Milliarden USD" in core.handle(QUESTION).text  # questions carry on

    failing.broken = False
    assert failing.store.sent_articles(CHANNEL) == frozenset({"a1"})  # nothing recorded is lost


def test_a_deleted_or_corrupted_index_cache_while_running_is_rebuilt(tmp_path: Path) -> None:
    articles = tmp_path / "articles"
    shutil.copytree(SEEDS, articles)
    settings = make_settings(tmp_path / "data", articles_dir=articles)
    core = build_newsdesk(settings)
    shutil.rmtree(settings.index_dir)  # deleted while running
    (articles / "neu.txt").write_text(
        "Neue Meldung\n\nDie Firma Zebraloft kündigte heute einen Chip für Sprachmodelle an.\n",
        encoding="utf-8",
    )
    assert core.archive.reload_if_changed()
    assert "Zebraloft" in core.handle("Was kündigte Zebraloft an?").text
    (settings.index_dir / "manifest.json").write_text("{corrupt", encoding="utf-8")
    (articles / "neu.txt").write_text(
        "Neue Meldung\n\nDie Firma Zebraloft kündigte heute zwei Chips für Sprachmodelle an.\n",
        encoding="utf-8",
    )
    assert core.archive.reload_if_changed()
    assert not core.archive.current.loaded_from_cache  # the corrupt cache was not trusted
    assert "97,4 Milliarden USD" in core.handle(QUESTION).text
    assert build_newsdesk(settings).archive.current.loaded_from_cache  # saved again


def test_backup_copies_the_store_and_refuses_to_overwrite(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data")
    _store_with_a_delivery(settings)
    target = tmp_path / "backup.db"
    status, out, err = run(["backup", str(target)], settings)
    assert (status, err) == (0, "")
    assert out == f"Backed up {settings.store_path} to {target}.\n"
    copy = SqliteStore(target)
    assert copy.sent_articles(CHANNEL) == frozenset({"a1"})
    copy.close()
    status, _, err = run(["backup", str(target)], settings)
    assert status == 1
    assert err == f"newsdesk: {target} exists already; name a new file for the backup.\n"
    _garbage(settings.store_path)
    status, _, err = run(["backup", str(tmp_path / "second.db")], settings)
    assert status == 1
    assert "The store is damaged" in err
    assert not (tmp_path / "second.db").exists()
