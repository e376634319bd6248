"""The header's word count is the count of whitespace tokens holding a letter or digit."""

from __future__ import annotations

import random
from pathlib import Path

from knowledge import load_articles
from knowledge.header import _words

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def _reference(text: str) -> int:
    return sum(1 for token in text.split() if any(char.isalnum() for char in token))


def test_word_count_matches_the_definition_on_seeds_and_odd_text() -> None:
    texts = [a.text for a in load_articles(SEEDS).articles]
    lines = [line for text in texts for line in text.split("\n")]
    alphabet = "aZ9_-–(). \u00a0\t\n\u2003ßü١²½$€_*"
    rng = random.Random(5)  # noqa: S311 -- test data, not secrets
    odd = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))) for _ in range(3000)]
    for text in [*texts, *lines, *odd, "", "   ", "__ -- _a_ (1)"]:
        assert _words(text) == _reference(text), repr(text)
