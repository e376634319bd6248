"""New, changed and deleted articles reach the live archive as a delta segment, not a rebuild."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from bot.archive import Archive
from knowledge import KnowledgeBase
from knowledge.delta import DeltaField
from knowledge.index import SearchIndex

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
NEW = (
    "---\ntitle: Neues Modell\nsource: Beispiel.de\npublished: 2026-03-01\n---\n"
    "Die Firma Quarkbyte stellt das Sprachmodell Q-9 vor. Quarkbyte sitzt in Leipzig.\n"
)
QUESTIONS = ("Welches Sprachmodell stellt Quarkbyte vor?", "Was ist ein Sprachmodell?")


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts full index builds (each appends its number of passages)."""
    counted: list[int] = []
    real = SearchIndex.build_streaming.__func__  # type: ignore[attr-defined]

    def counting(cls: type[SearchIndex], /, *args: object, **kwargs: object) -> SearchIndex:
        index: SearchIndex = real(cls, *args, **kwargs)
        counted.append(index.n_docs)
        return index

    monkeypatch.setattr(SearchIndex, "build_streaming", classmethod(counting))
    return counted


def _archive(tmp_path: Path) -> tuple[Archive, Path, Path]:
    articles, cache = tmp_path / "articles", tmp_path / "data" / "index"
    shutil.copytree(SEEDS, articles)
    archive = Archive(
        KnowledgeBase.open(articles, cache, delta=True),
        folder=articles,
        reopen=lambda: KnowledgeBase.open(articles, cache, delta=True),
    )
    return archive, articles, cache


def _assert_scores_of_a_full_build(kb: KnowledgeBase, articles: Path, tmp_path: Path) -> None:
    full = KnowledgeBase.open(articles, tmp_path / "full" / "index", delta=False)
    assert [p.article_id for p in full.passages] == [p.article_id for p in kb.passages]
    for question in QUESTIONS:
        query = kb.parse_query(question)
        got = kb.index.field_scores(query.groups)
        want = full.index.field_scores(query.groups)
        assert np.allclose(got.main, want.main, rtol=0, atol=1e-9)


def test_a_new_file_is_answered_without_a_full_rebuild(tmp_path: Path, builds: list[int]) -> None:
    archive, articles, cache = _archive(tmp_path)
    assert len(builds) == 1  # the first start builds the main index
    start = archive.current.index
    (articles / "900_quarkbyte.md").write_text(NEW, encoding="utf-8")
    assert archive.reload_if_changed()
    kb = archive.current
    assert len(builds) == 1  # no second build: the new passages are a delta segment
    assert kb.index.has_delta
    hits = kb.search(kb.parse_query(QUESTIONS[0]), k=3)
    assert hits
    assert hits[0].article.id == "900_quarkbyte"
    again = KnowledgeBase.open(articles, cache, delta=True)  # the next reopen, same process
    assert isinstance(again.index.main, DeltaField)
    assert isinstance(kb.index.main, DeltaField)
    assert again.index.main.main is kb.index.main.main  # the main index is not loaded again
    assert kb.index.main.main is start.main  # nor at the first delta: the one built is kept
    _assert_scores_of_a_full_build(kb, articles, tmp_path)


def test_changed_and_deleted_articles_leave_the_search_without_a_rebuild(
    tmp_path: Path, builds: list[int]
) -> None:
    archive, articles, cache = _archive(tmp_path)
    first, second = sorted(articles.iterdir())[:2]
    assert archive.current.has_article(first.stem)
    first.unlink()
    second.write_text(NEW.replace("Quarkbyte", "Zitronix"), encoding="utf-8")
    assert archive.reload_if_changed()
    kb = archive.current
    assert len(builds) == 1
    assert kb.index.has_delta
    ids = {p.article_id for p in kb.passages}
    assert first.stem not in ids
    assert not kb.has_article(first.stem)
    hits = kb.search(kb.parse_query("Welches Sprachmodell stellt Zitronix vor?"), k=3)
    assert hits
    assert hits[0].article.id == second.stem
    _assert_scores_of_a_full_build(kb, articles, tmp_path)
    # A second process (an answering worker) opening the same folder finds the same delta.
    again = KnowledgeBase.open(articles, cache, delta=True)
    assert len(builds) == 2  # the full build the scores were checked against
    assert again.index.has_delta
    merged = KnowledgeBase.open(articles, cache, delta=False)  # `newsdesk index` merges
    assert len(builds) == 3
    assert not merged.index.has_delta
    assert not KnowledgeBase.open(articles, cache, delta=True).index.has_delta
    assert len(builds) == 3
