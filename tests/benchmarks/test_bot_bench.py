"""The bot benchmark runs end to end at its smallest size, so it cannot rot.

The benchmark itself is not part of the suite (``python -m benchmarks.bot``, figures in
docs/BENCHMARKS.md); this smoke test drives its real command line in-process with 20 requests at
5 concurrent (the bot in its own process, as in a real run) and reads the JSON as a caller would.
The other tests check how failures are counted and how the targets are judged, without a bot.
"""

from __future__ import annotations

import json
import time

import pytest

from adapters.slack.testing import FakeSlack
from benchmarks.bot import (
    ERROR_KINDS,
    BotResult,
    RunSpec,
    load_questions,
    main,
    summarise,
    text_report,
)
from benchmarks.load import Sample, send_load

KEYS = {
    "requests",
    "sent",
    "concurrency",
    "ack_p50_ms",
    "ack_p99_ms",
    "answer_p50_ms",
    "answer_p99_ms",
    "throughput_rps",
    "errors",
    "error_kinds",
    "wall_s",
    "bot_cpu_s",
    "load_cpu_s",
    "same_process",
    "answer_processes",
    "cores",
    "memory_gib",
    "targets_met",
}


def test_json_run_at_the_smallest_size(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["-n", "20", "-c", "5", "--warmup", "2", "--json"]) == 0
    out, err = capsys.readouterr()
    assert len(out.strip().splitlines()) == 1, "exactly one JSON object on stdout"
    assert "The bot serves /ask at http://127.0.0.1:" in err, "progress goes to stderr"
    figures = json.loads(out)
    assert set(figures) == KEYS
    assert (figures["requests"], figures["sent"], figures["concurrency"]) == (20, 20, 5)
    assert figures["errors"] == 0
    assert figures["error_kinds"] == dict.fromkeys(ERROR_KINDS, 0)
    for name in ("ack_p50_ms", "ack_p99_ms", "answer_p50_ms", "answer_p99_ms"):
        assert figures[name] > 0, name
    assert figures["ack_p99_ms"] >= figures["ack_p50_ms"]
    assert figures["answer_p99_ms"] >= figures["answer_p50_ms"]
    assert figures["throughput_rps"] > 0
    assert figures["same_process"] is False
    assert figures["answer_processes"] == 1  # served as `newsdesk run` serves it
    assert figures["bot_cpu_s"] > 0
    assert figures["targets_met"]["errors"] is True


async def test_failures_are_counted_by_kind() -> None:
    questions = ("Was ist MAI-1?",)
    async with FakeSlack() as fake:

        async def load(address: str) -> list[Sample]:
            deadline = time.perf_counter() + 10
            return await send_load(
                address,
                fake,
                questions,
                requests=3,
                concurrency=2,
                timeout=0.3,
                deadline=deadline,
                progress=lambda _line: None,
            )

        refused = await load(f"{fake.base_url}/nowhere")  # 404: an acknowledgement, not a 200
        assert {s.error for s in refused} == {"ack_status"}
        silent = await load(f"{fake.api_url}auth.test")  # 200, but nothing is ever answered
        assert {s.error for s in silent} == {"answer_timeout"}
        assert all(s.ack_ms is not None and s.answer_ms is None for s in silent)


def test_the_report_judges_each_target() -> None:
    slow_acks = (*[Sample(150.0, 300.0)] * 99, Sample(None, None, "ack_failed"))
    figures = summarise(BotResult(RunSpec(requests=100), slow_acks, 2.0, 1.5, 0.4))
    assert figures["ack_p99_ms"] == 150.0
    assert figures["answer_p99_ms"] == 300.0
    assert figures["throughput_rps"] == 49.5
    assert figures["errors"] == 1
    assert figures["error_kinds"]["ack_failed"] == 1
    assert figures["targets_met"] == {"ack_p99_ms": False, "answer_p99_ms": True, "errors": False}
    report = text_report(figures)
    assert "| ack p99 | 150.0 ms | < 100 ms | **not met** |" in report
    assert "| answer p99 | 300.0 ms | < 500 ms | met |" in report
    assert "| errors | 1 (ack_failed 1) | 0 | **not met** |" in report
    assert "1.5 s CPU (75% of a core)" in report


def test_a_run_cut_by_the_time_limit_misses_the_error_target() -> None:
    figures = summarise(BotResult(RunSpec(requests=10), (Sample(5.0, 9.0),) * 4, 1.0, None, 0.1))
    assert figures["sent"] == 4
    assert figures["targets_met"]["errors"] is False
    assert "The time limit stopped the run after 4 requests." in text_report(figures)


@pytest.mark.parametrize(
    "argv",
    [["-n", "0"], ["-n", "100001"], ["-c", "501"], ["--timeout", "0"], ["--time-limit", "7200"]],
)
def test_counts_and_times_are_bounded(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    assert "is outside" in capsys.readouterr().err


def test_the_questions_mix_answerable_and_unanswerable_in_a_fixed_order() -> None:
    questions = load_questions()
    assert questions == load_questions()
    assert "Wie viel bot Musk für OpenAI?" in questions
    assert "Wie wird das Wetter morgen in Berlin?" in questions
    assert len(set(questions)) == len(questions) > 50
