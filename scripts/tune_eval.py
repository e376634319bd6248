"""Measure retrieval quality on a SQuAD-format file step by step, and tune the parameters.

Usage:
    .venv/bin/python scripts/tune_eval.py [--file PATH] [--steps] [--grid] [--compounds]

``--steps`` prints MRR@10 / Recall@1 / Recall@5 for each analysis step (lowercase baseline,
+ Snowball stopwords and stemming, + question words, + compounds, tuned defaults).
``--grid`` sweeps k1, b and the compound weight around the defaults; ``--compounds`` sweeps the
decompounding parameters. Documents are analysed once per analyzer, so a sweep is fast.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import re
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from knowledge.analysis import Analyzer, GermanAnalyzer, Word
from knowledge.bm25 import Bm25Params
from knowledge.compounds import DEFAULT_COMPOUNDS, CompoundParams
from knowledge.evaluation import EvalSet, load_squad, reciprocal_rank
from knowledge.index import DEFAULT_COMPOUND_WEIGHT, SearchIndex, top_k
from knowledge.stopwords import SNOWBALL_GERMAN_STOPWORDS

DEFAULT_FILE = Path(__file__).resolve().parents[2] / "shared" / "eval" / "germanquad_test.json"
RANK_BM25_DEFAULT = Bm25Params(k1=1.5, b=0.75, epsilon=0.25)


class LowercaseAnalyzer:
    """The reference baseline: lower-case ``\\w+`` tokens, nothing else."""

    name = "lowercase"

    def fingerprint(self) -> str:
        """Return the name."""
        return self.name

    def words(self, text: str) -> list[Word]:
        """Return lower-cased ``\\w+`` tokens."""
        return [
            Word(m.group().lower(), m.start(), m.end(), m.group().lower())
            for m in re.finditer(r"\w+", text)
        ]

    def terms(self, text: str) -> list[str]:
        """Return the tokens."""
        return [w.surface for w in self.words(text)]

    def term(self, surface: str) -> str | None:
        """Return the word itself."""
        return surface


def figures(
    index: SearchIndex, queries: Sequence[tuple[list[Word], int]], weight: float
) -> tuple[float, float, float]:
    """Return MRR@10, R@1, R@5 of pre-analysed queries at a given compound weight."""
    rr = r1 = r5 = 0.0
    for words, relevant in queries:
        terms = index.analyze_words(words)
        scores = index.main.scores(terms.main) + weight * index.compound.scores(terms.compound)
        ranking = [hit.doc for hit in top_k(scores, 10)]
        rr += reciprocal_rank(ranking, relevant)
        r1 += relevant in ranking[:1]
        r5 += relevant in ranking[:5]
    n = len(queries)
    return rr / n, r1 / n, r5 / n


class Bench:
    """Caches the analysis of one analyzer over the set."""

    def __init__(self, eval_set: EvalSet, analyzer: Analyzer) -> None:
        self.analyzer = analyzer
        self.docs = [analyzer.words(c) for c in eval_set.contexts]
        self.queries = [(analyzer.words(q.question), q.relevant) for q in eval_set.questions]

    def run(
        self,
        params: Bm25Params,
        weights: Sequence[float],
        compounds: CompoundParams = DEFAULT_COMPOUNDS,
    ) -> list[tuple[float, float, float]]:
        """Build once and return figures per compound weight."""
        index = SearchIndex.build_from_words(
            self.docs, self.analyzer, params=params, compounds=compounds
        )
        return [figures(index, self.queries, w) for w in weights]


def show(label: str, result: tuple[float, float, float]) -> None:
    """Print one line of figures."""
    mrr, r1, r5 = result
    print(f"{label:<62} MRR@10 {mrr:.4f}  R@1 {r1:.4f}  R@5 {r5:.4f}", flush=True)


def steps(eval_set: EvalSet) -> None:
    """Print the figures of each analysis step."""
    tuned = Bm25Params()
    base = Bench(eval_set, LowercaseAnalyzer())
    show("lowercase \\w+, k1 1.5 b 0.75", base.run(RANK_BM25_DEFAULT, [0.0])[0])
    show("lowercase \\w+, k1 0.9 b 0.4", base.run(tuned, [0.0])[0])
    plain = Bench(eval_set, GermanAnalyzer(stopwords=(), stem=False))
    show("our tokens + case folding, k1 0.9 b 0.4", plain.run(tuned, [0.0])[0])
    snow = Bench(eval_set, GermanAnalyzer(stopwords=SNOWBALL_GERMAN_STOPWORDS))
    show("+ Snowball stopwords + stemming, k1 1.5 b 0.75", snow.run(RANK_BM25_DEFAULT, [0.0])[0])
    show("+ Snowball stopwords + stemming, k1 0.9 b 0.4", snow.run(tuned, [0.0])[0])
    full = Bench(eval_set, GermanAnalyzer())
    show("+ question words as stopwords", full.run(tuned, [0.0])[0])
    whole = Bench(eval_set, GermanAnalyzer(split_hyphens=False))
    show("  (hyphen compounds kept whole, parts in compound field)", whole.run(tuned, [0.0])[0])
    for w in (0.1, 0.2, 0.3, 0.5, 1.0):
        show(f"+ compound field, w {w}", full.run(tuned, [w])[0])
        show(f"  (hyphen compounds whole, w {w})", whole.run(tuned, [w])[0])
    show(f"defaults (w {DEFAULT_COMPOUND_WEIGHT})", full.run(tuned, [DEFAULT_COMPOUND_WEIGHT])[0])


def grid(eval_set: EvalSet) -> None:
    """Sweep k1, b and the compound weight."""
    bench = Bench(eval_set, GermanAnalyzer())
    weights = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.7, 1.0]
    for k1, b in itertools.product((0.6, 0.9, 1.2, 1.5), (0.3, 0.4, 0.5, 0.75)):
        results = bench.run(Bm25Params(k1=k1, b=b), weights)
        line = "  ".join(f"w{w}:{r[0]:.4f}" for w, r in zip(weights, results, strict=True))
        print(f"k1 {k1} b {b}: {line}", flush=True)


def compound_sweep(eval_set: EvalSet) -> None:
    """Sweep the decompounding parameters at the default BM25 parameters."""
    bench = Bench(eval_set, GermanAnalyzer())
    options: dict[str, tuple[Any, ...]] = {
        "min_head": (3, 4, 5),
        "min_modifier": (3, 4),
        "min_unknown": (4, 5, 6, 99),
        "min_df": (1, 2),
        "keep_inner": (True, False),
        "links": (DEFAULT_COMPOUNDS.links, ()),
    }
    for name, values in options.items():
        for value in values:
            compounds = dataclasses.replace(DEFAULT_COMPOUNDS, **{name: value})
            result = bench.run(Bm25Params(), [DEFAULT_COMPOUND_WEIGHT], compounds)[0]
            show(f"{name}={value}", result)


def main() -> None:
    """Parse arguments and run the chosen measurements."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--steps", action="store_true")
    parser.add_argument("--grid", action="store_true")
    parser.add_argument("--compounds", action="store_true")
    args = parser.parse_args()
    eval_set = load_squad(args.file)
    started = time.perf_counter()
    if args.steps or not (args.grid or args.compounds):
        steps(eval_set)
    if args.grid:
        grid(eval_set)
    if args.compounds:
        compound_sweep(eval_set)
    print(f"({time.perf_counter() - started:.1f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
