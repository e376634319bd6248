"""`newsdesk check`: one line per part, exit status 1 when a part is not sound."""

from __future__ import annotations

from pathlib import Path

from bot.sqlite_store import SqliteStore
from tests.adapters.test_cli_index_faults import run
from tests.conftest import make_settings


def test_a_fresh_data_folder_is_sound_and_nothing_is_created(tmp_path: Path) -> None:
    status, out, _ = run(["check"], make_settings(tmp_path))
    assert status == 0, out
    lines = {line.split()[1]: line for line in out.splitlines()}
    assert set(lines) == {"settings", "articles", "index", "store", "encoder"}
    assert "5 articles" in lines["articles"]
    assert "rebuilt at the next start" in lines["index"]
    assert "not created yet" in lines["store"]
    assert not (tmp_path / "newsdesk.db").exists()


def test_after_a_start_the_index_is_current_and_the_store_passes(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    assert run(["index"], settings)[0] == 0
    SqliteStore(settings.store_path).close()  # what the first digest command does
    status, out, _ = run(["check"], settings)
    assert status == 0, out
    assert "is current" in out
    assert "passes quick_check" in out


def test_a_damaged_store_is_a_problem_and_left_untouched(tmp_path: Path) -> None:
    garbage = b"this is not a database" * 100
    (tmp_path / "newsdesk.db").write_bytes(garbage)
    status, out, _ = run(["check"], make_settings(tmp_path))
    assert status == 1
    (store_line,) = [line for line in out.splitlines() if line.split()[1] == "store"]
    assert store_line.startswith("PROBLEM")
    assert (tmp_path / "newsdesk.db").read_bytes() == garbage


def test_an_empty_articles_folder_is_a_problem(tmp_path: Path) -> None:
    empty = tmp_path / "articles"
    empty.mkdir()
    status, out, _ = run(["check"], make_settings(tmp_path / "data", articles_dir=empty))
    assert status == 1
    assert any(line.startswith("PROBLEM") and "0 articles" in line for line in out.splitlines())
