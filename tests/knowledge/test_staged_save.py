"""A save begun before the build: the main field parked in its files is the same index."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

import knowledge.index_store
from knowledge import KnowledgeBase
from knowledge.analysis import GermanAnalyzer
from knowledge.bm25 import ImpactMatrix
from knowledge.index import SearchIndex
from knowledge.index_store import StagedSave

KEY = "articles:staged"
SEEDS = Path(__file__).resolve().parents[2] / "seeds"
DOCUMENTS = [
    "Microsoft investierte 13 Milliarden Dollar in OpenAI.",
    "Meta verdient mit Werbeanzeigen, Zeitungen mit Anzeigen.",
    "Das MAI-1-Modell lief auf 15.000 Nvidia H100-GPUs.",
    "Elon Musk bot 97,4 Milliarden Dollar für OpenAI und Anzeigen.",
]
QUERIES = ["Wie viel bot Musk für OpenAI?", "Anzeigen", "H100 Modell"]


def _same_arrays(left: ImpactMatrix, right: ImpactMatrix) -> None:
    assert left.terms == right.terms
    for name, array in left.to_arrays().items():
        other = right.to_arrays()[name]
        assert array.dtype == other.dtype
        assert np.array_equal(array, other), name


def test_a_parked_main_field_is_mapped_and_saved_as_save_index_saves_it(tmp_path: Path) -> None:
    plain = SearchIndex.build_streaming(DOCUMENTS, GermanAnalyzer())
    plain.save(tmp_path / "plain" / "index", KEY)
    stage = StagedSave(tmp_path / "staged" / "index")
    parked: list[str] = []

    def park(field: str, matrix: ImpactMatrix) -> ImpactMatrix:
        parked.append(field)
        return stage.park(field, matrix)

    index = SearchIndex.build_streaming(DOCUMENTS, GermanAnalyzer(), park=park)
    assert parked == ["main"]
    assert isinstance(index.main, ImpactMatrix)
    assert isinstance(index.main.data, np.memmap)  # over its files, not in memory
    _same_arrays(index.main, plain.main)  # type: ignore[arg-type]
    stage.finish(index, KEY)
    saved = {p.name: p.read_bytes() for p in (tmp_path / "staged" / "index").iterdir()}
    expected = {p.name: p.read_bytes() for p in (tmp_path / "plain" / "index").iterdir()}
    assert set(saved) == set(expected)
    for name, content in saved.items():
        if name != "manifest.json":  # stamps and file order differ
            assert content == expected[name], name
    assert [p.name for p in (tmp_path / "staged").iterdir()] == ["index"]  # no temp dirs
    loaded = SearchIndex.load(tmp_path / "staged" / "index", KEY, GermanAnalyzer())
    assert loaded is not None
    for query in QUERIES:
        assert np.array_equal(loaded.scores(query), plain.scores(query))
        assert np.array_equal(index.scores(query), plain.scores(query))


def test_a_park_that_cannot_write_keeps_the_matrix_and_the_save_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stage = StagedSave(tmp_path / "cache" / "index")

    def full(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(knowledge.index_store, "_write_matrix", full)
    plain = SearchIndex.build_streaming(DOCUMENTS, GermanAnalyzer())
    index = SearchIndex.build_streaming(DOCUMENTS, GermanAnalyzer(), park=stage.park)
    assert not isinstance(index.main.data, np.memmap)  # type: ignore[union-attr]
    _same_arrays(index.main, plain.main)  # type: ignore[arg-type]
    with pytest.raises(OSError, match="No space"):
        stage.finish(index, KEY)
    assert list((tmp_path / "cache").iterdir()) == []  # the temporary folder is gone


def test_a_build_from_the_articles_parks_the_main_field_in_the_saved_index(
    tmp_path: Path,
) -> None:
    articles = tmp_path / "articles"
    shutil.copytree(SEEDS, articles)
    cache = tmp_path / "data" / "index"
    built = KnowledgeBase.open(articles, cache)
    main = built.index.main
    assert isinstance(main, ImpactMatrix)
    assert isinstance(main.data, np.memmap)
    loaded = KnowledgeBase.open(articles, cache)
    assert loaded.loaded_from_cache
    texts = [built.passages[i].text for i in range(len(built.passages))]
    in_memory = SearchIndex.build(texts, GermanAnalyzer())
    _same_arrays(main, in_memory.main)  # type: ignore[arg-type]
    for query in QUERIES:
        scores = built.index.scores(query)
        assert np.array_equal(scores, loaded.index.scores(query))
        assert np.array_equal(scores, in_memory.scores(query))
    assert sorted(p.name for p in cache.parent.iterdir()) == ["index", "index-state"]
