"""The saved index is an optimisation: when it cannot be saved, questions are still answered."""

from __future__ import annotations

import errno
import io
import os
from pathlib import Path

import pytest

from adapters.cli import main
from bot import Settings
from knowledge import index_store
from tests.conftest import make_settings

QUESTION = "Wie viel bot Musk für OpenAI?"


def run(argv: list[str], settings: Settings) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(argv, settings=settings, stdin=io.StringIO(), stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


def _leftovers(data_dir: Path) -> list[str]:
    """Everything a save left in the data folder (no index, no temporary folders)."""
    return (
        sorted(str(p.relative_to(data_dir)) for p in data_dir.rglob("*"))
        if data_dir.exists()
        else []
    )


def test_a_full_disk_while_saving_answers_from_memory_and_leaves_no_partial_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    written = 0
    real_write = index_store._write

    def full_disk(directory: Path, name: str, value: object, digests: dict[str, str]) -> None:
        nonlocal written
        written += 1
        if written > 3:  # some files are on disk already: a partial save
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_write(directory, name, value, digests)

    monkeypatch.setattr(index_store, "_write", full_disk)
    settings = make_settings(tmp_path / "data")
    status, out, err = run(["ask", QUESTION], settings)
    assert status == 0
    assert "97,4 Milliarden USD" in out
    warnings = [line for line in err.splitlines() if "WARNING" in line]
    assert len(warnings) == 1, err
    assert f"cannot save the index to {settings.index_dir}: No space left on device" in warnings[0]
    assert "Traceback" not in err
    assert _leftovers(tmp_path / "data") == []  # the partial files are gone

    status, _, err = run(["index"], settings)
    assert status == 1
    assert err.strip().endswith(
        f"newsdesk: cannot save the index to {settings.index_dir}: No space left on device; "
        "questions are still answered."
    )
    monkeypatch.setattr(index_store, "_write", real_write)  # space again: the next start saves
    assert run(["index"], settings)[0] == 0
    assert (settings.index_dir / "manifest.json").is_file()


def test_a_read_only_data_folder_answers_from_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    data.chmod(0o500)
    if os.geteuid() == 0:  # root ignores the mode: inject what the kernel would say

        def denied(*_args: object, **_kwargs: object) -> str:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(data))

        monkeypatch.setattr("knowledge.index_store.tempfile.mkdtemp", denied)
    try:
        status, out, err = run(["ask", QUESTION], make_settings(data))
    finally:
        data.chmod(0o700)
    assert status == 0
    assert "97,4 Milliarden USD" in out
    assert f"cannot save the index to {data / 'index'}: Permission denied" in err
    assert "Traceback" not in err
    assert list(data.iterdir()) == []


def test_a_file_named_index_in_the_data_folder_gives_a_sentence(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "index").write_text("not a folder", encoding="utf-8")
    status, out, err = run(["ask", QUESTION], make_settings(data))
    assert status == 0
    assert "97,4 Milliarden USD" in out
    assert f"cannot save the index to {data / 'index'}: it is not a directory" in err
    assert "Traceback" not in err
    status, _, err = run(["index"], make_settings(data))
    assert status == 1
    assert "Traceback" not in err
    assert (data / "index").read_text(encoding="utf-8") == "not a folder"  # never replaced


def test_an_articles_path_that_is_a_file_gives_a_sentence(tmp_path: Path) -> None:
    article = tmp_path / "one.txt"
    article.write_text("Ein Artikel.\n", encoding="utf-8")
    status, out, err = run(
        ["ask", QUESTION], make_settings(tmp_path / "data", articles_dir=article)
    )
    assert status == 1
    assert out == ""
    assert err == (
        f"newsdesk: Article folder {article} is not a folder. "
        "Set NEWSDESK_ARTICLES_DIR to a folder of articles.\n"
    )


def test_a_deleted_or_corrupted_cache_is_rebuilt(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data")
    assert run(["index"], settings)[0] == 0
    manifest = settings.index_dir / "manifest.json"
    manifest.write_text("{garbage", encoding="utf-8")
    status, out, _ = run(["index"], settings)
    assert status == 0
    assert "index built in" in out  # not trusted: rebuilt
    assert run(["index"], settings)[1].endswith("index reused from cache.\n")
