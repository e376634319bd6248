"""``newsdesk eval --answers``: answer quality per language and kind, as text or JSON."""

from __future__ import annotations

import json
from pathlib import Path

from bot import Settings
from tests.adapters.test_cli import run
from tests.conftest import make_settings

ANSWER_SET = {
    "answerable": [
        {
            "id": "t-1",
            "question": "Wie viel bot Musk für OpenAI?",
            "language": "de",
            "kind": "plain",
            "articles": ["001_37de1b6d01b33ede"],
            "facts": ["97,4 Milliarden"],
        },
        {
            "id": "t-2",
            "question": "How much did Musk offer for OpenAI?",
            "language": "en",
            "kind": "plain",
            "articles": ["001_37de1b6d01b33ede"],
            "facts": ["97,4 Milliarden"],
        },
        {
            "id": "t-3",
            "question": "Wie viel bot Musk für OpenAI?",
            "language": "de",
            "kind": "typo",
            "articles": ["000_26a8121a7ae71e0a"],
            "facts": ["a fact no answer has"],
        },
    ],
    "offtopic": [
        {"id": "o-1", "question": "Wird es morgen regnen?", "language": "de", "kind": "weather"}
    ],
}


def test_eval_answers_json_reports_per_language_and_kind(
    tmp_path: Path, seed_settings: Settings
) -> None:
    path = tmp_path / "set.json"
    path.write_text(json.dumps(ANSWER_SET), encoding="utf-8")
    status, out, _ = run(["eval", "--answers", str(path), "--json"], seed_settings)
    assert status == 0
    report = json.loads(out)
    assert report["overall"]["answerable"] == 3
    assert report["overall"]["offtopic_abstained"] == 1.0
    assert report["by_language"]["de"]["right_article_first"] == 0.5  # t-3 names the wrong one
    assert report["by_kind"]["typo"]["fact_in_answer"] == 0.0
    missed = {miss["id"] for miss in report["misses"]}
    assert "t-3" in missed
    assert "t-1" not in missed


def test_eval_answers_text_is_a_table_with_the_misses(
    tmp_path: Path, seed_settings: Settings
) -> None:
    path = tmp_path / "set.json"
    path.write_text(json.dumps(ANSWER_SET), encoding="utf-8")
    status, out, _ = run(["eval", "--answers", str(path)], seed_settings)
    assert status == 0
    assert out.splitlines()[0] == "set.json: 4 questions"
    assert any(line.startswith("all ") and "100.0%" in line for line in out.splitlines())
    assert "miss (answered) t-3: Wie viel bot Musk für OpenAI?" in out


def test_eval_answers_of_a_bad_file_is_one_clear_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"answerable": [{"question": "x"}]}', encoding="utf-8")
    status, out, err = run(["eval", "--answers", str(bad)], make_settings(tmp_path))
    assert (status, out) == (1, "")
    assert "is not an answer set" in err
    assert "answerable[0].id must be a non-empty string" in err


def test_eval_without_a_file_says_what_to_type(tmp_path: Path) -> None:
    status, _, err = run(["eval"], make_settings(tmp_path))
    assert status == 2
    assert "newsdesk eval --answers" in err
