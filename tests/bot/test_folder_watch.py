"""The folder watch: cheap while nothing changes, and it misses no added, removed or edited file."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from bot.archive import Archive, FolderWatch, folder_fingerprint, listing_digest
from knowledge import KnowledgeBase

OLD = time.time() - 3600


def _age(path: Path) -> None:
    os.utime(path, (OLD, OLD))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "articles"
    (root / "sub").mkdir(parents=True)
    for i in range(30):
        (root / ("sub" if i % 2 else ".") / f"a{i}.md").write_text(f"Artikel {i}.\n", "utf-8")
    for path in [*root.rglob("*"), root]:
        _age(path)
    return root


def test_an_idle_folder_is_not_listed_and_stats_only_a_slice(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    watch = FolderWatch(folder, sweep=4)
    listed: list[Path] = []

    def listing(path: Path) -> tuple[tuple[str, int, int], ...]:
        listed.append(path)
        return ()

    monkeypatch.setattr("bot.archive.folder_fingerprint", listing)
    stats: list[str] = []
    real_stat = os.stat

    def counting(path: str, *args: object, **kwargs: bool) -> os.stat_result:
        if str(path).endswith(".md"):  # the files (each look also stats the 2 folders)
            stats.append(str(path))
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", counting)
    assert not any(watch.poll() for _ in range(10))
    assert listed == []
    assert len(stats) == 40  # 4 files a look
    assert len(set(stats)) == 30  # in turn: every file within a few looks


@pytest.mark.parametrize("change", ["add", "remove", "rename", "add in sub", "new folder"])
def test_entries_added_removed_or_renamed_are_seen_at_the_next_look(
    folder: Path, change: str
) -> None:
    watch = FolderWatch(folder, sweep=0)
    before = watch.fingerprint
    if change == "add":
        (folder / "new.md").write_text("Neu.\n", "utf-8")
    elif change == "remove":
        (folder / "a0.md").unlink()
    elif change == "rename":
        (folder / "a0.md").rename(folder / "b0.md")
    elif change == "add in sub":
        (folder / "sub" / "new.md").write_text("Neu.\n", "utf-8")
    else:
        (folder / "fresh").mkdir()
        (folder / "fresh" / "new.md").write_text("Neu.\n", "utf-8")
    assert watch.poll()
    assert watch.rescan() != before
    assert watch.fingerprint == folder_fingerprint(folder)


def test_a_file_rewritten_in_place_is_seen_within_one_sweep(folder: Path) -> None:
    watch = FolderWatch(folder, sweep=7)
    target = folder / "sub" / "a29.md"
    with target.open("a", encoding="utf-8") as file:
        file.write("Mehr Text.\n")
    _age(folder)  # the folder's own time stamp does not change for an edit in place
    _age(folder / "sub")
    assert any(watch.poll() for _ in range(5))  # 5 looks of 7 cover all 30 files


def test_a_change_right_after_a_listing_is_not_trusted_to_the_time_stamp(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.md").write_text("Eins.\n", "utf-8")  # modified now: within the racy window
    watch = FolderWatch(folder)
    assert watch.poll()  # so it is looked at again rather than trusted


def test_the_archive_starts_from_what_opening_saw_and_misses_nothing_added_since(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.archive import Archive  # noqa: PLC0415
    from knowledge import KnowledgeBase  # noqa: PLC0415

    kb = KnowledgeBase.open(folder, tmp_path / "data" / "index")
    assert kb.listing == folder_fingerprint(folder)
    listed: list[Path] = []
    real = folder_fingerprint

    def counting(path: Path) -> tuple[tuple[str, int, int], ...]:
        listed.append(path)
        return real(path)

    monkeypatch.setattr("bot.archive.folder_fingerprint", counting)
    opened: list[KnowledgeBase] = []

    def reopen() -> KnowledgeBase:
        opened.append(KnowledgeBase.open(folder, tmp_path / "data" / "index"))
        return opened[-1]

    archive = Archive(kb, folder=folder, reopen=reopen)
    assert listed == []  # made from the knowledge base's own listing
    (folder / "later.md").write_text("Ein später Artikel über Quellwörter.\n", "utf-8")
    assert archive.reload_if_changed()
    assert "later" in {a.id for a in archive.current.articles}
    assert not archive.reload_if_changed()  # nothing new since: not reopened again
    assert len(opened) == 1


def _live(folder: Path, tmp_path: Path, opened: list[object]) -> Archive:
    cache = tmp_path / "data" / "index"

    def reopen() -> KnowledgeBase:
        opened.append(1)
        return KnowledgeBase.open(folder, cache)

    return Archive(KnowledgeBase.open(folder, cache), folder=folder, reopen=reopen)


def test_listeners_hear_of_a_change_before_its_reopen_and_only_of_a_change(
    folder: Path, tmp_path: Path
) -> None:
    opened: list[object] = []
    archive = _live(folder, tmp_path, opened)
    heard: list[int] = []

    def failing() -> None:
        raise RuntimeError("a listener that breaks")

    archive.on_change(lambda: heard.append(len(opened)))
    archive.on_change(failing)
    assert not archive.reload_if_changed()
    assert heard == []
    (folder / "later.md").write_text("Ein später Artikel.\n", "utf-8")
    assert archive.reload_if_changed()
    assert heard == [0]  # before the reopen; the failing listener did not stop it
    assert opened == [1]


def test_the_version_names_the_listing_in_every_process_and_moves_with_a_change(
    folder: Path, tmp_path: Path
) -> None:
    a, b = _live(folder, tmp_path, []), _live(folder, tmp_path, [])
    before = a.version
    assert before == b.version == listing_digest(a.seen)
    (folder / "later.md").write_text("Ein später Artikel.\n", "utf-8")
    assert a.reload_if_changed()
    assert a.version != before
    assert b.version == before
    assert b.reload_if_changed()
    assert a.version == b.version


def test_a_change_already_seen_is_reopened_without_listing_the_folder_again(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[object] = []
    archive = _live(folder, tmp_path, opened)
    assert not archive.changed()
    (folder / "later.md").write_text("Ein später Artikel.\n", "utf-8")
    assert archive.changed()
    rescans: list[FolderWatch] = []
    real = FolderWatch.rescan

    def counting(watch: FolderWatch) -> tuple[tuple[str, int, int], ...]:
        rescans.append(watch)
        return real(watch)

    monkeypatch.setattr(FolderWatch, "rescan", counting)
    assert archive.reload_if_changed()
    assert rescans == []
    assert opened == [1]
    assert "later" in {a.id for a in archive.current.articles}
