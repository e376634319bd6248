"""The streaming build gives exactly the index of the word-list build, array for array."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from knowledge import GermanAnalyzer, load_articles, split_passages
from knowledge.analysis import Analyzer, Word
from knowledge.compounds import CompoundParams
from knowledge.index import SearchIndex
from knowledge.index_build import build_index

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def _texts() -> list[str]:
    articles = load_articles(SEEDS).articles
    return [p.text for a in articles for p in split_passages(a.id, a.text)]


class _Wrapped:
    """Any analyzer other than GermanAnalyzer: the build reads it through ``words``."""

    def __init__(self) -> None:
        self._inner = GermanAnalyzer()
        self.name = "wrapped"

    def fingerprint(self) -> str:
        return "wrapped"

    def words(self, text: str) -> list[Word]:
        return self._inner.words(text)

    def terms(self, text: str) -> list[str]:
        return self._inner.terms(text)

    def term(self, surface: str) -> str | None:
        return self._inner.term(surface)


@pytest.mark.parametrize(
    ("batch", "cache", "wrapped"),
    [(1, 1_000_000, False), (7, 1_000_000, False), (8192, 1_000_000, False), (7, 5, False),
     (7, 1_000_000, True)],
)  # fmt: skip
def test_streaming_build_equals_the_word_list_build(
    batch: int, cache: int, wrapped: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("knowledge.index_build._BATCH", batch)
    monkeypatch.setattr("knowledge.index_build._TOKEN_CACHE", cache)  # past it: analysed again
    monkeypatch.setattr("knowledge.index_build._CHUNK", 3 if batch == 8192 else 256)
    analyzer: Analyzer = _Wrapped() if wrapped else GermanAnalyzer()
    texts = [*_texts(), "", "und oder der", "Werbeanzeigen Anzeigen Werbe-Anzeigen"]
    reference = SearchIndex.build_from_words([analyzer.words(t) for t in texts], analyzer)
    streamed = SearchIndex.build_streaming(iter(texts), analyzer, total=len(texts))
    assert streamed.decompounder.vocabulary == reference.decompounder.vocabulary
    for field in ("main", "compound"):
        ours, theirs = getattr(streamed, field), getattr(reference, field)
        assert ours.terms == theirs.terms
        assert ours.n_docs == theirs.n_docs == len(texts)
        for name, array in theirs.to_arrays().items():
            assert np.array_equal(ours.to_arrays()[name], array), (field, name)
    for query in ("Wie viel bot Musk für OpenAI?", "Anzeigen", "Werbeanzeigen"):
        assert np.array_equal(streamed.scores(query), reference.scores(query))


def test_min_df_decides_the_vocabulary_and_empty_input_builds_an_empty_index() -> None:
    analyzer = GermanAnalyzer()
    main, compound, decompounder = build_index(
        ["Werbeanzeigen heute", "Werbeanzeigen morgen"],
        analyzer,
        SearchIndex.build([], analyzer).params,
        compound_weight=0.5,
        compounds=CompoundParams(min_df=2),
        stopword=lambda s: analyzer.term(s) is None,
    )
    assert decompounder.vocabulary == frozenset({"werbeanzeigen"})
    assert main.n_docs == compound.n_docs == 2
    empty = SearchIndex.build_streaming(iter(()), analyzer)
    assert empty.n_docs == 0
    assert empty.search("irgendwas") == []
