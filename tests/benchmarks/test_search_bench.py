"""The search benchmark runs end to end at its smallest size, so it cannot rot.

The benchmark itself is not part of the suite (``python -m benchmarks.search``, figures in
docs/BENCHMARKS.md); this smoke test drives its real command line in-process at 1,000 passages
with a few queries, each system in its own child process, and reads the JSON as a caller would.
"""

from __future__ import annotations

import importlib.util
import json

import numpy as np
import pytest

from benchmarks.corpus import (
    CorpusSpec,
    QuerySpec,
    draw_ranks,
    generate_passages,
    generate_queries,
    guide_table,
    zipf_cdf,
)
from benchmarks.report import FIGURES, SizeResult, as_json, text_report
from benchmarks.runs import compare
from benchmarks.search import main, reference_queries

SYSTEMS = {"newsdesk", "rank_bm25", "bm25s"}
VOCABULARY = tuple(f"t{i}" for i in range(6000))


def test_json_run_at_the_smallest_size(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--sizes", "1000", "--json", "--queries", "30", "--warmup", "1"]) == 0
    out, err = capsys.readouterr()
    assert len(out.strip().splitlines()) == 1, "exactly one JSON object on stdout"
    assert "[1,000] newsdesk" in err, "progress goes to stderr"
    result = json.loads(out)
    assert set(result) == {"sizes"}
    assert set(result["sizes"]) == {"1000"}
    systems = result["sizes"]["1000"]
    assert set(systems) == SYSTEMS
    for figures in systems.values():
        assert list(figures) == list(FIGURES)

    newsdesk, reference, bm25s = systems["newsdesk"], systems["rank_bm25"], systems["bm25s"]
    assert newsdesk["identical_to_reference"] is True
    for name in ("build_s", "peak_mb", "disk_mb", "load_s", "p50_ms", "p99_ms"):
        assert newsdesk[name] > 0, name
    assert reference["disk_mb"] is None
    assert reference["load_s"] is None
    assert reference["identical_to_reference"] is None
    for name in ("build_s", "peak_mb", "p50_ms", "p99_ms"):
        assert reference[name] > 0, name
    assert newsdesk["p99_ms"] >= newsdesk["p50_ms"]
    if importlib.util.find_spec("bm25s") is None:  # the `bench` extra is not installed
        assert set(bm25s.values()) == {None}
    else:
        assert isinstance(bm25s["identical_to_reference"], bool)
        assert all(bm25s[name] > 0 for name in FIGURES[:-1])


def test_the_generator_is_seeded_and_bounded() -> None:
    spec = CorpusSpec(300, seed=5)
    first, again = generate_passages(spec, VOCABULARY), generate_passages(spec, VOCABULARY)
    assert first.docs == again.docs
    assert first.digest == again.digest
    assert first.digest != generate_passages(CorpusSpec(300, seed=6), VOCABULARY).digest
    assert all(60 <= len(doc) <= 120 for doc in first.docs)
    assert first.n_tokens == sum(map(len, first.docs))
    counts: dict[str, int] = {}
    for doc in first.docs:
        for term in doc:
            counts[term] = counts.get(term, 0) + 1
    assert counts["t0"] > 10 * counts.get("t100", 0) > 0, "Zipf: rank 1 far above rank 101"
    queries = generate_queries(QuerySpec(n_queries=50), VOCABULARY)
    assert queries == generate_queries(QuerySpec(n_queries=50), VOCABULARY)
    assert all(2 <= len(query) <= 6 for query in queries)


def test_drawing_ranks_equals_searchsorted() -> None:
    cdf = zipf_cdf(5000, 1.0)
    uniform = np.random.default_rng(1).random(100_000)
    uniform[:4] = [0.0, cdf[0], cdf[-2], np.nextafter(1.0, 0.0)]
    expected = np.searchsorted(cdf, uniform, side="right")
    assert np.array_equal(draw_ranks(cdf, guide_table(cdf), uniform), expected)


def test_reference_queries_shrink_with_the_size_but_not_below_twenty() -> None:
    assert reference_queries(1_000, 1000) == 1000
    assert reference_queries(100_000, 1000) == 50
    assert reference_queries(1_000_000, 1000) == 20
    assert reference_queries(1_000_000, 1000, requested=5) == 5


def test_ties_may_swap_nothing_else() -> None:
    scores = np.array([1.0, 3.0, 3.0, 0.5, 0.0])
    reference = ((1, 3.0), (2, 3.0), (0, 1.0), (3, 0.5))
    assert compare(reference, reference, scores, 1e-9) == (True, 0.0)
    swapped = ((2, 3.0), (1, 3.0), (0, 1.0), (3, 0.5))
    assert compare(swapped, reference, scores, 1e-9)[0]
    wrong = ((1, 3.0), (2, 3.0), (3, 1.0), (0, 0.5))
    assert not compare(wrong, reference, scores, 1e-9)[0]
    assert not compare(reference[:3], reference, scores, 1e-9)[0]


def test_a_system_not_run_has_null_figures() -> None:
    result = SizeResult(1000, dict.fromkeys(SYSTEMS), 0)
    figures = as_json([result])["sizes"]
    assert figures == {"1000": {system: dict.fromkeys(FIGURES) for system in SYSTEMS}}
    assert text_report([result], 10, 10) == "### 1,000 passages: no system was run\n"
