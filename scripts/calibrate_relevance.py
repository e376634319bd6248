"""Calibrate ``NEWSDESK_MIN_RELEVANCE`` on answer sets: relevance per question and a sweep.

Usage: .venv/bin/python scripts/calibrate_relevance.py [SET.json ...] [--verbose]

Each set (default: the tuning set tests/data/answers_dev.json; never tune on
tests/data/answers_heldout.json) holds answerable questions with the accepted articles and fact
strings, and off-topic ones. For each question the script computes the relevance the bot sees
and whether the answer at that relevance would be right; then, for thresholds around the
configured one, it prints right-article-first and fact-in-answer over the answerable questions
and the share of off-topic questions declined, per language. ``--verbose`` lists every question.
"""

from __future__ import annotations

import argparse
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bot import build_newsdesk, load_answer_set, load_settings
from bot.answer_eval import judge
from bot.answers import relevance

ROOT = Path(__file__).resolve().parents[1]
DEV_SET = "tests/data/answers_dev.json"
THRESHOLDS = (0.20, 0.25, 0.28, 0.30, 0.32, 0.35, 0.38, 0.40, 0.45)


@dataclass(frozen=True)
class Seen:
    """One question: its language, relevance, and how its answer fares when given."""

    language: str
    question: str
    relevance: float
    answerable: bool
    right: bool  # right article first (answerable only)
    fact: bool  # fact in the answer (answerable only)


def main() -> None:
    """Measure every question of the sets against the seed archive and print the sweep."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="*", type=Path, default=[ROOT / DEV_SET])
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    settings = load_settings(
        articles_dir=ROOT / "seeds", data_dir=Path(tempfile.mkdtemp()), min_relevance=0.0
    )
    core = build_newsdesk(settings)
    kb = core.knowledge
    seen: list[Seen] = []
    for path in args.sets:
        answer_set = load_answer_set(path)
        for case in (*answer_set.answerable, *answer_set.offtopic):
            query = kb.parse_query(case.question)
            value = relevance(query, kb.search(query), kb.matches)
            outcome = judge(case, core.ask(case.question))
            right, fact = outcome.right_article, outcome.fact
            seen.append(Seen(case.language, case.question, value, bool(case.articles), right, fact))
    if args.verbose:
        for s in sorted(seen, key=lambda s: (s.answerable, s.relevance)):
            verdict = ("right" if s.right and s.fact else "WRONG") if s.answerable else "offtopic"
            print(f"{s.relevance:.3f} {verdict:8} {s.language} {s.question}")
    languages = sorted({s.language for s in seen})
    configured = load_settings().min_relevance
    print("threshold " + " ".join(f"{lang}: article/fact/declined".ljust(30) for lang in languages))
    for threshold in THRESHOLDS:
        cells = []
        for lang in languages:
            mine = [s for s in seen if s.language == lang]
            on = [s for s in mine if s.answerable]
            off = [s for s in mine if not s.answerable]
            passed = [s for s in on if s.relevance >= threshold]
            right = sum(s.right for s in passed) / max(len(on), 1)
            fact = sum(s.fact for s in passed) / max(len(on), 1)
            declined = sum(s.relevance < threshold for s in off) / max(len(off), 1)
            cells.append(f"{right:6.1%} {fact:6.1%} {declined:6.1%}".ljust(30))
        mark = " <- configured" if abs(threshold - configured) < 1e-9 else ""
        print(f"{threshold:9.2f} " + " ".join(cells) + mark)
    on = [s.relevance for s in seen if s.answerable and s.right and s.fact]
    off = [s.relevance for s in seen if not s.answerable]
    if on and off:
        print(f"\nlowest right answer {min(on):.3f}; highest off-topic {max(off):.3f}")


if __name__ == "__main__":
    main()
