"""Print the relevance of every calibration question and the margin around the threshold.

Usage: .venv/bin/python scripts/calibrate_relevance.py [--data-dir DIR]

Reads tests/data/relevance_questions.json (answerable questions with the article and fact they
need, and questions the seeds do not cover) and prints, for each, the relevance the bot computes
and whether the answer is right; then the lowest answerable and highest unanswerable relevance.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from bot import build_newsdesk, load_settings
from bot.answers import relevance

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    """Run the calibration set against the seed archive and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path(tempfile.mkdtemp()))
    args = parser.parse_args()
    core = build_newsdesk(load_settings(articles_dir=ROOT / "seeds", data_dir=args.data_dir))
    kb = core.knowledge
    data = json.loads((ROOT / "tests/data/relevance_questions.json").read_text("utf-8"))
    lowest, highest, right = 1.0, 0.0, 0
    for case in data["answerable"]:
        query = kb.parse_query(case["question"])
        value = relevance(query, kb.search(query), kb.matches)
        reply = core.ask(case["question"])
        ok = bool(reply.answered and reply.sources[0].article_id in case["articles"])
        ok = ok and case["fact"] in reply.text
        right += ok
        lowest = min(lowest, value)
        print(f"answerable   {value:.3f} {'right' if ok else 'WRONG'}  {case['question']}")
    for question in data["unanswerable"]:
        query = kb.parse_query(question)
        value = relevance(query, kb.search(query), kb.matches)
        highest = max(highest, value)
        verdict = "abstains" if value < core.policy.min_relevance else "ANSWERS"
        print(f"unanswerable {value:.3f} {verdict}  {question}")
    held = 0
    for case in data["heldout"]:
        reply = core.ask(case["question"])
        ok = reply.answered and case["fact"] in reply.text
        held += ok
        print(f"held out     {'right' if ok else 'WRONG'}  {case['question']}")
    print(f"\nheld out (not tuned on): {held}/{len(data['heldout'])} answered with the fact")
    print(
        f"\nright answers {right}/{len(data['answerable'])}; lowest answerable {lowest:.3f}, "
        f"highest unanswerable {highest:.3f}, threshold {core.policy.min_relevance}"
    )


if __name__ == "__main__":
    main()
