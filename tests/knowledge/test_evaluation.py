"""Evaluation on a hand-made SQuAD file whose figures are known in advance."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from knowledge.analysis import GermanAnalyzer
from knowledge.evaluation import (
    EvalQuestion,
    SquadFormatError,
    evaluate,
    load_squad,
    parse_squad,
    reciprocal_rank,
)

RHEIN = "Der Rhein fließt durch Köln und Düsseldorf."
DONAU = "Die Donau fließt durch Wien und Budapest."
DOM = "Köln hat einen berühmten Dom. Der Dom von Köln ist der größte Dom."

TOY = {
    "version": "toy",
    "data": [
        {
            "paragraphs": [
                {
                    "context": RHEIN,
                    "qas": [
                        {"question": "Durch welche Städte fließt der Rhein?"},  # rank 1
                        {"question": "Welcher Dom steht in Köln?"},  # DOM outranks it: rank 2
                    ],
                },
                {"context": DONAU, "qas": [{"question": "Fließt die Donau durch Wien?"}]},
            ]
        },
        {
            "paragraphs": [
                {"context": DOM, "qas": [{"question": "Wer baute die Pyramiden?"}]},  # no hit
                {"context": RHEIN, "qas": [{"question": "Wo fließt der Rhein?"}]},  # duplicate
            ]
        },
    ],
}


def write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "squad.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_identical_contexts_become_one_document(tmp_path: Path) -> None:
    eval_set = load_squad(write(tmp_path, TOY))
    assert eval_set.contexts == (RHEIN, DONAU, DOM)
    assert [q.relevant for q in eval_set.questions] == [0, 0, 1, 2, 0]
    assert eval_set.questions[0] == EvalQuestion("Durch welche Städte fließt der Rhein?", 0)


def test_known_figures_on_the_toy_set(tmp_path: Path) -> None:
    result = evaluate(load_squad(write(tmp_path, TOY)), GermanAnalyzer())
    # reciprocal ranks 1, 1/2, 1, 0, 1
    assert result.mrr_at_10 == pytest.approx((1 + 0.5 + 1 + 0 + 1) / 5)
    assert result.recall_at_1 == pytest.approx(3 / 5)
    assert result.recall_at_5 == pytest.approx(4 / 5)
    assert result.queries == 5
    assert result.documents == 3
    assert result.qps > 0
    report = result.as_json()
    assert list(report) == ["mrr@10", "recall@1", "recall@5", "queries", "qps"]
    assert report["mrr@10"] == result.mrr_at_10
    assert isinstance(report["queries"], int)


def test_progress_is_reported(tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    evaluate(
        load_squad(write(tmp_path, TOY)),
        GermanAnalyzer(),
        progress=lambda d, t: calls.append((d, t)),
    )
    assert calls[-1] == (5, 5)


def test_reciprocal_rank() -> None:
    assert reciprocal_rank([4, 2, 9], 4) == 1.0
    assert reciprocal_rank([4, 2, 9], 9) == pytest.approx(1 / 3)
    assert reciprocal_rank([4, 2, 9], 7) == 0.0
    assert reciprocal_rank(list(range(20)), 10) == 0.0  # beyond the cutoff of 10
    assert reciprocal_rank(list(range(20)), 9) == pytest.approx(0.1)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], r"squad.json must be a JSON object"),
        ({"version": 1}, r"squad.json.data must be a list"),
        ({"data": [{"title": "x"}]}, r"data\[0\].paragraphs must be a list"),
        ({"data": [{"paragraphs": [{"qas": []}]}]}, r"paragraphs\[0\].context must be a string"),
        (
            {"data": [{"paragraphs": [{"context": "c", "qas": [{"question": 3}]}]}]},
            r"paragraphs\[0\].qas\[0\].question must be a string",
        ),
        (
            {"data": [{"paragraphs": [{"context": "c", "qas": [{"question": "  "}]}]}]},
            r"qas\[0\].question is blank",
        ),
        ({"data": [{"paragraphs": [{"context": "c", "qas": []}]}]}, "contains no questions"),
    ],
)
def test_malformed_file_names_what_is_wrong(tmp_path: Path, data: object, message: str) -> None:
    with pytest.raises(SquadFormatError, match=message):
        load_squad(write(tmp_path, data))


def test_file_that_is_not_json(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"data": [', encoding="utf-8")
    with pytest.raises(SquadFormatError, match=r"broken\.json: not UTF-8 JSON"):
        load_squad(path)
    path.write_bytes(b'{"data": "\xff"}')
    with pytest.raises(SquadFormatError, match="not UTF-8 JSON"):
        load_squad(path)


def test_missing_file_is_an_os_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_squad(tmp_path / "missing.json")


def test_parse_squad_is_a_value_error_with_a_source_name() -> None:
    with pytest.raises(ValueError, match="<memory>"):
        parse_squad({"data": 1}, "<memory>")
