"""A start from the saved state reads only the files that changed and splits only new bytes."""

from __future__ import annotations

import dataclasses
import logging
import os
import shutil
import time
from pathlib import Path

import pytest

import knowledge.base
from knowledge import KnowledgeBase, Passage
from knowledge.bm25 import Bm25Params
from knowledge.state import PassageTable, refresh_articles
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
