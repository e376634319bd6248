"""The impact matrix scores exactly like rank-bm25's BM25Okapi.get_scores, only faster."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from numpy.testing import assert_allclose
from rank_bm25 import BM25Okapi

from knowledge.analysis import GermanAnalyzer
from knowledge.bm25 import Bm25Params, ImpactMatrix
from knowledge.index import top_k

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
PARAMS = [Bm25Params(), Bm25Params(k1=1.5, b=0.75, epsilon=0.25), Bm25Params(1.2, 0.3, 0.5)]


def assert_same_scores(docs: list[list[str]], params: Bm25Params, queries: list[list[str]]) -> None:
    matrix = ImpactMatrix.build(docs, params)
    reference = BM25Okapi(docs, k1=params.k1, b=params.b, epsilon=params.epsilon)
    for query in queries:
        assert_allclose(matrix.scores(query), reference.get_scores(query), rtol=1e-9, atol=1e-12)
    for term, idf in reference.idf.items():
        assert matrix.idf(term) == pytest.approx(idf, rel=1e-12)


def seed_passages() -> list[str]:
    passages: list[str] = []
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        passages.extend(line.strip() for line in text.splitlines() if line.strip())
    return passages


@pytest.mark.parametrize("params", PARAMS)
def test_equals_bm25okapi_on_seed_passages(params: Bm25Params) -> None:
    analyzer = GermanAnalyzer()
    docs = [analyzer.terms(passage) for passage in seed_passages()]
    assert len(docs) > 100
    questions = [
        "Wie viel bot Musk für OpenAI?",
        "Microsoft MAI-1 Modell H100",
        "Mozilla $1.4 Rebel Alliance Open-Source",
        "OpenAI OpenAI Microsoft",  # repeated token counts twice
        "Quantencomputer Zahnbürste",  # unknown tokens add nothing
        "",
    ]
    assert_same_scores(docs, params, [analyzer.terms(q) for q in questions])


def zipf_corpus(n_docs: int, seed: int) -> list[list[str]]:
    rng = np.random.default_rng(seed)
    vocabulary = np.array([f"w{i}" for i in range(4000)])
    weights = 1.0 / np.arange(1, len(vocabulary) + 1) ** 1.1
    weights /= weights.sum()
    docs = []
    for _ in range(n_docs):
        length = int(rng.integers(0, 80))
        docs.append([*vocabulary[rng.choice(len(vocabulary), size=length, p=weights)], "überall"])
    docs[7] = []  # an empty document
    return docs


@pytest.mark.parametrize("params", PARAMS)
def test_equals_bm25okapi_on_a_generated_corpus(params: Bm25Params) -> None:
    docs = zipf_corpus(3000, seed=20240501)
    reference = BM25Okapi(docs, k1=params.k1, b=params.b, epsilon=params.epsilon)
    # "überall" is in all but one document: its raw idf is negative and gets the floor.
    assert reference.idf["überall"] == pytest.approx(params.epsilon * reference.average_idf)
    assert ImpactMatrix.build(docs, params).idf("überall") == pytest.approx(
        params.epsilon * reference.average_idf, rel=1e-12
    )
    rng = np.random.default_rng(7)
    queries = [
        ["überall"],
        ["w0", "w0", "w1"],
        ["w3", "nirgends", "w3999", "w3999", "w3999", "überall"],
        ["nirgends"],
        *([f"w{i}" for i in rng.integers(0, 4000, size=5)] for _ in range(20)),
    ]
    assert_same_scores(docs, params, queries)


def test_blocks_do_not_change_the_result() -> None:
    docs = zipf_corpus(500, seed=3)
    whole, blocked = ImpactMatrix.build(docs), ImpactMatrix.build(docs, block_size=37)
    assert whole.terms == blocked.terms
    for name, array in whole.to_arrays().items():
        assert np.array_equal(array, blocked.to_arrays()[name]), name


def test_arrays_round_trip() -> None:
    matrix = ImpactMatrix.build([["a", "b", "a"], ["b", "c"], []])
    again = ImpactMatrix.from_arrays(
        matrix.terms, matrix.to_arrays(), n_docs=matrix.n_docs, params=matrix.params
    )
    assert np.array_equal(again.scores(["a", "c", "c"]), matrix.scores(["a", "c", "c"]))
    assert again.idf("zzz") is None
    assert "b" in again
    assert "zzz" not in again


def test_empty_corpus_scores_nothing() -> None:
    matrix = ImpactMatrix.build([])
    assert matrix.scores(["a"]).shape == (0,)
    assert matrix.idf("a") is None


@pytest.mark.parametrize(
    ("name", "bad", "message"),
    [
        ("idf", np.zeros(3, dtype=np.float32), "idf"),
        ("indptr", np.array([0, 2, 1, 4], dtype=np.int64), "indptr"),
        ("indices", np.array([0, 5, 1, 2], dtype=np.int32), "document indices must lie"),
        ("indices", np.array([0, 1, 0, 1], dtype=np.int32), "ascend"),
        ("data", np.array([1.0, np.nan, 1.0, 1.0]), "finite"),
    ],
)
def test_from_arrays_rejects_inconsistent_arrays(name: str, bad: np.ndarray, message: str) -> None:
    matrix = ImpactMatrix.build([["a", "b"], ["b", "c"]])
    arrays = {**matrix.to_arrays(), name: bad}
    with pytest.raises(ValueError, match=message):
        ImpactMatrix.from_arrays(matrix.terms, arrays, n_docs=2, params=matrix.params)


def test_top_k_orders_by_score_then_document() -> None:
    scores = np.array([0.5, 2.0, 0.0, 2.0, -1.0, 0.5, 0.5])
    assert [(h.doc, h.score) for h in top_k(scores, 3)] == [(1, 2.0), (3, 2.0), (0, 0.5)]
    assert [h.doc for h in top_k(scores, 10)] == [1, 3, 0, 5, 6]  # only positive scores
    assert top_k(scores, 0) == []
    assert top_k(np.zeros(4), 3) == []


def test_rows_list_documents_in_ascending_order_across_blocks() -> None:
    docs = [["b", "a"], ["a"], ["c", "a", "a"], ["b"], ["a", "c"]]
    matrix = ImpactMatrix.build(docs, block_size=2)
    assert matrix.terms == ("b", "a", "c")  # rows in order of first appearance
    assert matrix.indptr.tolist() == [0, 2, 6, 8]
    assert matrix.indices.tolist() == [0, 3, 0, 1, 2, 4, 2, 4]
    assert matrix.indices.dtype == np.int32
    assert matrix.indptr.dtype == np.int64
    assert matrix.data.dtype == np.float64


def test_term_frequencies_beyond_uint16_are_counted() -> None:
    docs = [["x"] * 70_000 + ["y"], ["y"], []]
    matrix = ImpactMatrix.build(docs)
    reference = BM25Okapi(docs, k1=0.9, b=0.4, epsilon=0.25)
    assert_allclose(matrix.scores(["x", "y"]), reference.get_scores(["x", "y"]), rtol=1e-9)


def test_from_arrays_checks_order_only_within_rows() -> None:
    arrays: dict[str, npt.NDArray[Any]] = {
        "idf": np.ones(3),
        "indptr": np.array([0, 2, 2, 4], dtype=np.int64),  # an empty middle row
        "indices": np.array([1, 3, 0, 2], dtype=np.int32),  # falls across the row boundary
        "data": np.ones(4),
        "tf": np.ones(4, dtype=np.uint16),
        "lengths": np.ones(4, dtype=np.int64),
    }
    matrix = ImpactMatrix.from_arrays(["a", "b", "c"], arrays, n_docs=4, params=Bm25Params())
    assert matrix.scores(["c"]).tolist() == [1.0, 0.0, 1.0, 0.0]
    for bad in ([1, 1, 0, 2], [3, 1, 0, 2], [1, 3, 2, 2]):
        broken = {**arrays, "indices": np.array(bad, dtype=np.int32)}
        with pytest.raises(ValueError, match="ascend"):
            ImpactMatrix.from_arrays(["a", "b", "c"], broken, n_docs=4, params=Bm25Params())


def test_scores_any_counts_a_group_of_alternatives_once_per_document() -> None:
    docs = [["a", "b", "x"], ["a", "y"], ["b", "z"], ["w"], ["v"], ["u"]]
    matrix = ImpactMatrix.build(docs, Bm25Params())
    single = matrix.scores(["a"])
    both = matrix.scores_any([("a", "b")])
    assert both[0] == pytest.approx(max(single[0], matrix.scores(["b"])[0]))
    assert both[1] == pytest.approx(single[1])
    assert both[2] == pytest.approx(matrix.scores(["b"])[2])
    assert both[3] == 0.0
    assert np.array_equal(matrix.scores_any([("a",), ("a",)]), matrix.scores(["a", "a"]))
    assert np.array_equal(matrix.scores_any([("a", "q")]), single)  # unknown alternatives add 0
