"""A delta segment scores exactly as a full rebuild over the final archive (rank-bm25's BM25)."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from knowledge.analysis import GermanAnalyzer
from knowledge.bm25 import Bm25Params, ImpactMatrix
from knowledge.delta import DeltaField
from knowledge.index import IndexCacheError, SearchIndex

PARAMS = Bm25Params()


def _corpus(seed: int, n: int) -> list[list[str]]:
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    common = ["a", "b", "c"]  # in most documents: negative idf, so the epsilon floor applies
    rare = [f"t{i}" for i in range(40)]
    return [
        [t for t in common if rng.random() < 0.8] + rng.choices(rare, k=rng.randint(0, 9))
        for _ in range(n)
    ]


def _combine(
    old: list[list[str]], removed: set[int], added: list[list[str]]
) -> tuple[list[list[str]], np.ndarray, np.ndarray]:
    """The final corpus (survivors in order, then the added) and each segment's slots."""
    main_slots = np.full(len(old), -1, dtype=np.int64)
    final: list[list[str]] = []
    for i, doc in enumerate(old):
        if i not in removed:
            main_slots[i] = len(final)
            final.append(doc)
    delta_slots = np.arange(len(final), len(final) + len(added), dtype=np.int64)
    return final + added, main_slots, delta_slots


CASES = {
    "add": (set(), [["t1", "new", "a"], ["neu", "b", "b", "t3"]]),
    "change": ({3, 7}, [["t7", "anders", "c"], ["a", "b", "t9", "t9"]]),
    "delete": ({0, 1, 2, 5, 11}, []),
    "delete a term's last document": ({4}, [["t2"]]),
}


@pytest.mark.parametrize("case", CASES)
def test_delta_field_scores_are_rank_bm25_over_the_final_corpus(case: str) -> None:
    removed, added = CASES[case]
    old = _corpus(7, 30)
    old[4] = ["only4", *old[4]]
    final, main_slots, delta_slots = _combine(old, removed, added)
    field = DeltaField(
        ImpactMatrix.build(old, PARAMS),
        ImpactMatrix.build(added, PARAMS),
        main_slots=main_slots,
        delta_slots=delta_slots,
    )
    rebuilt = ImpactMatrix.build(final, PARAMS)
    reference = BM25Okapi(final, k1=PARAMS.k1, b=PARAMS.b, epsilon=PARAMS.epsilon)
    assert field.n_docs == len(final)
    for query in (["a"], ["b", "t3", "new"], ["t9", "t9", "c"], ["only4", "t2"], ["neu", "zz"]):
        scores = field.scores(query)
        assert np.allclose(scores, reference.get_scores(query), rtol=0, atol=1e-9)
        assert np.allclose(scores, rebuilt.scores(query), rtol=0, atol=1e-12)
    groups = [("a", "t1"), ("t3",), ("new", "neu", "t9")]
    assert np.allclose(field.scores_any(groups), rebuilt.scores_any(groups), rtol=0, atol=1e-12)
    for term in ("a", "t9", "only4", "new", "zz"):
        assert field.document_frequency(term) == rebuilt.document_frequency(term)
        assert (field.idf(term) is None) == (rebuilt.idf(term) is None)
        assert (term in field) == (term in rebuilt)
    assert field.row_idf.max() == pytest.approx(rebuilt.row_idf.max(), abs=1e-12)


ARTICLES = [
    "Die Stadtverwaltung plant neue Radwege entlang der Hauptstraße im Zentrum.",
    "Der Stadtrat diskutiert die Verkehrswende und mehr Radwege für Pendler.",
    "Im Hafen legen wieder Containerschiffe an, die Hafenarbeiter streiken nicht mehr.",
    "Die Bundesregierung beschließt ein Gesetz zur Energieversorgung der Haushalte.",
    "Energiepreise steigen, die Haushalte sparen Strom und Gas im Winter.",
    "Der Fußballverein gewinnt das Derby gegen den Nachbarn mit zwei Toren.",
    "Die Schulen bekommen neue Computer, die Lehrer werden fortgebildet.",
    "Ein Unwetter überflutet Keller in der Altstadt, die Feuerwehr pumpt Wasser ab.",
]
QUERIES = [
    "Radwege in der Stadt",
    "Energie für Haushalte",
    "Hafen Streik Containerschiffe",
    "Feuerwehr Altstadt Unwetter",
    "Quellbace Fußball",
]


@pytest.mark.parametrize(
    ("removed", "added"),
    [
        (set(), ["Quellbace: eine neue Fußballarena für den Verein in der Stadt."]),
        ({1, 4}, ["Der Stadtrat lehnt neue Radwege ab.", "Energiepreise sinken wieder."]),
        ({0, 2, 6}, []),
    ],
    ids=["add", "change", "delete"],
)
def test_search_index_with_delta_equals_a_full_rebuild(removed: set[int], added: list[str]) -> None:
    analyzer = GermanAnalyzer()
    main = SearchIndex.build(ARTICLES, analyzer, PARAMS)
    survivors = [t for i, t in enumerate(ARTICLES) if i not in removed]
    main_slots = np.full(len(ARTICLES), -1, dtype=np.int64)
    main_slots[[i for i in range(len(ARTICLES)) if i not in removed]] = np.arange(len(survivors))
    delta_slots = np.arange(len(survivors), len(survivors) + len(added), dtype=np.int64)
    combined = main.with_delta(added, main_slots=main_slots, delta_slots=delta_slots)
    rebuilt = SearchIndex.build(survivors + added, analyzer, PARAMS)
    assert combined.has_delta
    assert not rebuilt.has_delta
    # The compound field decompounds against the main build's vocabulary until the merge, so it
    # is rank-bm25 over the compound terms the main index gives each final passage.
    compound_docs = [main.compound_terms(text) for text in survivors + added]
    compound_reference = BM25Okapi(compound_docs, k1=PARAMS.k1, b=PARAMS.b, epsilon=PARAMS.epsilon)
    for query in QUERIES:
        got, want = combined.field_scores(query), rebuilt.field_scores(query)
        assert np.allclose(got.main, want.main, rtol=0, atol=1e-9)
        terms = combined.analyze_query(query)
        assert np.allclose(
            got.compound, compound_reference.get_scores(list(terms.compound)), rtol=0, atol=1e-9
        )
        main_groups = [(t,) for t in terms.main]
        assert np.allclose(combined.main.scores_any(main_groups), want.main, rtol=0, atol=1e-9)


def test_a_delta_index_is_not_saved_and_takes_no_second_delta(tmp_path: Path) -> None:
    analyzer = GermanAnalyzer()
    main = SearchIndex.build(ARTICLES[:2], analyzer, PARAMS)
    slots = {"main_slots": np.arange(2), "delta_slots": np.array([2])}
    combined = main.with_delta(["Neue Radwege."], **slots)
    with pytest.raises(ValueError, match="delta"):
        combined.with_delta(["x"], **slots)
    with pytest.raises(IndexCacheError, match="delta"):
        combined.save(tmp_path / "index", "key")
