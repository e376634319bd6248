"""A start from the saved state reads only the files that changed and splits only new bytes."""

from __future__ import annotations

import dataclasses
import json
import logging
import mmap
import os
import shutil
import time
from pathlib import Path

import pytest

import knowledge.base
import knowledge.state
from knowledge import KnowledgeBase, Passage
from knowledge.articles import FolderScan, read_article, walk_folder
from knowledge.bm25 import Bm25Params
from knowledge.state import PassageTable, PiecedBlob, refresh_articles
from knowledge.text import split_passages

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
QUESTIONS = ["Wie viel bot Musk für OpenAI?", "Was ist MAI-1?", "Mozilla Rebel Alliance"]
OLD = time.time() - 3600  # well before any save, so time stamps are trusted


def _age(folder: Path) -> None:
    for path in folder.rglob("*"):
        os.utime(path, (OLD, OLD))


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    shutil.copytree(SEEDS, folder)
    (folder / "extra.md").write_text(
        "---\ntitle: Ein Test\nsource: Testblatt\npublished: 2026-01-02\n---\n\n"
        "Ein Testartikel beginnt mit einem ganzen Satz.\n\n## Überschrift\n\n"
        "Die Quellwortmaschine rechnet schnell. Sie braucht wenig Strom.\n",
        encoding="utf-8",
    )
    _age(folder)
    return folder


def _open(archive: Path, tmp_path: Path, **options: object) -> KnowledgeBase:
    return KnowledgeBase.open(archive, tmp_path / "data" / "index", **options)  # type: ignore[arg-type]


def _answers(kb: KnowledgeBase) -> list[list[tuple[str, int, float]]]:
    return [
        [(h.article.id, h.passage.ordinal, h.score) for h in kb.search(kb.parse_query(q))]
        for q in QUESTIONS
    ]


def _no_splitting(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    split: list[str] = []

    def counting(article_id: str, text: str) -> list[Passage]:
        split.append(article_id)
        return split_passages(article_id, text)

    monkeypatch.setattr(knowledge.base, "split_passages", counting)
    return split


def test_an_unchanged_archive_starts_without_reading_or_splitting_an_article(
    archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _open(archive, tmp_path)
    split = _no_splitting(monkeypatch)
    read: list[Path] = []

    def reading(path: Path) -> None:
        read.append(path)
        pytest.fail(f"{path} was read")

    monkeypatch.setattr("knowledge.state.read_article", reading)
    again = _open(archive, tmp_path)
    assert again.loaded_from_cache
    assert split == []
    assert read == []
    assert list(again.passages) == list(first.passages)
    assert again.articles == tuple(dataclasses.replace(a, text="") for a in first.articles)
    assert _answers(again) == _answers(first)
    assert again.passages_of("extra") == first.passages_of("extra")
    assert [p.heading for p in again.passages_of("extra")] == [None, "Überschrift"]
    assert again.summary("extra") == first.summary("extra")


def test_a_touched_file_is_read_but_not_split_again(
    archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _open(archive, tmp_path)
    os.utime(archive / "extra.md", (OLD + 60, OLD + 60))
    split = _no_splitting(monkeypatch)
    again = _open(archive, tmp_path)
    assert split == []
    assert _answers(again) == _answers(first)


def test_changed_added_and_removed_files_match_a_full_rebuild(
    archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _open(archive, tmp_path)
    (archive / "extra.md").write_text(
        "Die Quellwortmaschine ist jetzt langsam.\n", encoding="utf-8"
    )
    (archive / "new.txt").write_text("Ein neuer Artikel über Quellwortmaschinen.\n", "utf-8")
    (archive / "000_26a8121a7ae71e0a.txt").unlink()
    _age(archive)
    split = _no_splitting(monkeypatch)
    again = _open(archive, tmp_path)
    assert sorted(split) == ["extra", "new"]
    fresh = _open(archive, tmp_path / "elsewhere", rebuild=True)
    assert [a.id for a in again.articles] == [a.id for a in fresh.articles]
    assert list(again.passages) == list(fresh.passages)
    assert _answers(again) == _answers(fresh)
    assert again.search(again.parse_query("Quellwortmaschine langsam"))[0].article.id == "extra"


def test_a_damaged_state_means_reading_everything(
    archive: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    first = _open(archive, tmp_path)
    state = tmp_path / "data" / "index-state"
    (state / "articles.json").write_text("[]", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        again = _open(archive, tmp_path)
    assert "archive state" in caplog.text
    assert "not used" in caplog.text
    assert _answers(again) == _answers(first)


def test_a_file_changed_right_after_the_save_is_hashed_again(archive: Path, tmp_path: Path) -> None:
    _open(archive, tmp_path)
    (archive / "extra.md").write_text("Ganz neu.\n", encoding="utf-8")  # mtime now: racy
    from knowledge.state import load_state  # noqa: PLC0415

    state = load_state(tmp_path / "data" / "index-state", archive, knowledge.base.CHUNKING_VERSION)
    assert state is not None
    refreshed = refresh_articles(archive, state)
    assert refreshed.read == 1
    assert "extra" not in refreshed.unchanged


def test_other_parameters_still_rebuild_the_index(archive: Path, tmp_path: Path) -> None:
    _open(archive, tmp_path)
    again = _open(archive, tmp_path, params=Bm25Params(k1=1.5))
    assert not again.loaded_from_cache


def test_the_passage_table_keeps_every_passage_as_it_was() -> None:
    passages = {
        "a": [
            Passage("a", 0, "Kopf – Zeile", ("Erster Satz.", "Zweiter „Satz“ mit Ümlaut.")),
            Passage("a", 1, None, ("Dritter.",)),
        ],
        "b": [],
        "c": [Passage("c", 0, None, ("",))],
    }
    table = PassageTable.from_passages(["a", "b", "c"], passages)
    assert list(table) == [*passages["a"], *passages["c"]]
    assert table.of_article("a") == tuple(passages["a"])
    assert table.of_article("b") == ()
    assert table.of_article("zzz") == ()
    assert table[-1] == passages["c"][0]
    assert len(table) == 3


def test_a_reopen_packs_the_same_passage_table_as_splitting_every_article(
    archive: Path, tmp_path: Path
) -> None:
    _open(archive, tmp_path)
    (archive / "extra.md").write_text("Die Quellwortmaschine ist jetzt langsam.\n", "utf-8")
    (archive / "aaa_new.txt").write_text(
        "# Neu\n\nEin neuer Artikel.\n\nZweiter Absatz.\n", "utf-8"
    )
    (archive / "000_26a8121a7ae71e0a.txt").unlink()
    _age(archive)
    again = _open(archive, tmp_path)
    fresh = _open(archive, tmp_path / "elsewhere", rebuild=True)
    assert isinstance(again.passages, PassageTable)
    assert again.passages.article_ids == tuple(a.id for a in fresh.articles)
    assert list(again.passages) == list(fresh.passages)
    for article in fresh.articles:
        assert again.passages_of(article.id) == fresh.passages_of(article.id)


def _state_manifest(tmp_path: Path) -> Path:
    return tmp_path / "data" / "index-state" / "manifest.json"


def _count_reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    read: list[Path] = []

    def reading(path: Path) -> object:
        read.append(path)
        return read_article(path)

    monkeypatch.setattr("knowledge.state.read_article", reading)
    return read


def test_a_state_of_the_older_format_is_read_once_then_replaced(
    archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    first = _open(archive, tmp_path)
    manifest = json.loads(_state_manifest(tmp_path).read_text(encoding="utf-8"))
    assert manifest["format_version"] == 2
    manifest["format_version"] = 1  # as a state written before the records became columns
    _state_manifest(tmp_path).write_text(json.dumps(manifest), encoding="utf-8")
    read = _count_reads(monkeypatch)
    with caplog.at_level(logging.INFO, logger="knowledge.state"):
        again = _open(archive, tmp_path)
    assert "older format" in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]  # a routine upgrade
    assert len(read) == len(first.articles)
    assert again.loaded_from_cache  # the index itself still holds
    assert _answers(again) == _answers(first)
    assert json.loads(_state_manifest(tmp_path).read_text(encoding="utf-8"))["format_version"] == 2
    read.clear()
    third = _open(archive, tmp_path)
    assert read == []
    assert third.articles == again.articles


def _walks(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    walked: list[Path] = []

    def walking(directory: Path) -> FolderScan:
        walked.append(directory)
        return walk_folder(directory)

    monkeypatch.setattr("knowledge.state.walk_folder", walking)
    return walked


def test_the_folder_is_not_listed_while_no_folder_changed_but_a_rewrite_in_place_is_seen(
    archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("knowledge.state.RACY_NS", 0)  # the folders were made just now
    first = _open(archive, tmp_path)
    walked = _walks(monkeypatch)
    read = _count_reads(monkeypatch)
    again = _open(archive, tmp_path)
    assert walked == []
    assert read == []
    assert again.articles == first.articles
    assert again.listing == first.listing
    extra = archive / "extra.md"
    inode = extra.stat().st_ino
    text = extra.read_text(encoding="utf-8").replace("schnell", "flink.")  # the same size
    extra.write_text(text, encoding="utf-8")
    os.utime(extra, (OLD + 60, OLD + 60))
    assert extra.stat().st_ino == inode  # rewritten in place: no folder changed
    changed = _open(archive, tmp_path)
    assert walked == []
    assert read == [extra]
    assert changed.search(changed.parse_query("Quellwortmaschine flink"))[0].article.id == "extra"
    assert ("extra.md", len(text.encode()), extra.stat().st_mtime_ns) in changed.listing


def test_files_added_or_removed_in_a_subfolder_are_seen_even_with_old_time_stamps(
    archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("knowledge.state.RACY_NS", 0)
    sub = archive / "sub"
    sub.mkdir()
    (sub / "eins.md").write_text("Der erste Artikel im Unterordner.\n", encoding="utf-8")
    _age(archive)
    _open(archive, tmp_path)
    (sub / "zwei.md").write_text("Der Quellzweiartikel steht im Unterordner.\n", "utf-8")
    (sub / "eins.md").unlink()
    _age(archive)  # modification times set back, as tar or rsync do: change times still move
    walked = _walks(monkeypatch)
    again = _open(archive, tmp_path)
    assert walked == [archive]
    ids = [a.id for a in again.articles]
    assert "zwei" in ids
    assert "eins" not in ids
    fresh = _open(archive, tmp_path / "elsewhere", rebuild=True)
    assert ids == [a.id for a in fresh.articles]
    assert again.listing == fresh.listing


def test_a_folder_with_a_link_is_listed_at_every_start(
    archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("knowledge.state.RACY_NS", 0)
    target = archive / "extra.md"
    (archive / "verweis.md").symlink_to(target)  # its target may change with no folder changing
    _age(archive)
    _open(archive, tmp_path)
    walked = _walks(monkeypatch)
    _open(archive, tmp_path)
    assert walked == [archive]


def _count_state_loads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    loads: list[Path] = []
    real = knowledge.state.load_state

    def counting(directory: Path, articles_dir: Path, chunking: str) -> object:
        loads.append(directory)
        return real(directory, articles_dir, chunking)

    monkeypatch.setattr(knowledge.state, "load_state", counting)
    return loads


def test_reopening_over_the_same_saved_state_reads_it_once(
    archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _open(archive, tmp_path)
    loads = _count_state_loads(monkeypatch)
    (archive / "later.md").write_text("Ein später Artikel über Quellwörter.\n", encoding="utf-8")
    again = _open(archive, tmp_path, delta=True)  # a delta segment: the state is not saved
    later = _open(archive, tmp_path, delta=True)
    assert len(loads) == 1
    assert "later" in {a.id for a in later.articles}
    assert _answers(later) == _answers(again)
    (archive / "later.md").unlink()
    assert _answers(_open(archive, tmp_path, delta=True)) == _answers(first)
    assert len(loads) == 1


def test_a_state_file_changed_after_it_was_read_is_read_and_checked_again(
    archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    first = _open(archive, tmp_path)
    loads = _count_state_loads(monkeypatch)
    _open(archive, tmp_path)
    (tmp_path / "data" / "index-state" / "articles.json").write_text("[]", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        again = _open(archive, tmp_path)
    assert len(loads) == 2
    assert "not used" in caplog.text
    assert _answers(again) == _answers(first)


def test_a_pieced_blob_reads_like_its_pieces_end_to_end() -> None:
    buffers: list[bytes | bytearray] = [b"abcdef", bytearray("äöü".encode()), b"", b"xyz"]
    blob = PiecedBlob(
        [(buffers[0], 1, 5), (buffers[1], 0, 6), (buffers[2], 0, 0), (buffers[3], 0, 3)]
    )
    whole = b"bcde" + "äöü".encode() + b"xyz"
    assert len(blob) == len(whole)
    for start in range(len(whole) + 1):
        for end in range(start, len(whole) + 1):
            assert blob[start:end] == whole[start:end]
            assert (
                b"".join(memoryview(b)[i:j] for b, i, j in blob.pieces(start, end))
                == (whole[start:end])
            )


def test_a_reopened_table_shares_the_saved_text_and_saves_it_whole(
    archive: Path, tmp_path: Path
) -> None:
    _open(archive, tmp_path)
    (archive / "aaa_new.txt").write_text("# Neu\n\nEin neuer Artikel.\n", "utf-8")
    _age(archive)
    again = _open(archive, tmp_path, delta=True)  # a delta: the state is not saved
    assert isinstance(again.passages, PassageTable)
    pieces = again.passages.blob_pieces()
    assert len(pieces) == 3  # the saved rows before the new article, its bytes, the rest
    assert [isinstance(b, mmap.mmap) for b, _start, _end in pieces] == [True, False, True]
    merged = _open(archive, tmp_path)  # merges: the state is saved from the pieced table
    fresh = _open(archive, tmp_path / "elsewhere", rebuild=True)
    assert list(merged.passages) == list(fresh.passages)
    assert list(_open(archive, tmp_path).passages) == list(fresh.passages)  # read back
