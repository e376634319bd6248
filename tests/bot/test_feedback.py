"""Feedback that means something: votes kept with their question, articles and platform, and
the ``newsdesk feedback`` report (per question, then the worst-rated answers)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from adapters.cli import main
from bot import Newsdesk, build_newsdesk
from bot.feedback import feedback_report, question_votes, worst_answers
from bot.sqlite_store import SqliteStore
from bot.store import AnsweredQuestion, AnswerFeedback
from tests.conftest import make_settings

NOW = dt.datetime(2026, 11, 23, 7, 0, tzinfo=dt.UTC)
MUSK = "Wie viel bot Musk für OpenAI?"


def core_over(tmp_path: Path) -> tuple[Newsdesk, SqliteStore]:
    settings = make_settings(tmp_path)
    store = SqliteStore(settings.store_path)
    return build_newsdesk(settings, store=lambda: store, clock=lambda: NOW), store


def test_an_answer_is_remembered_with_its_question_articles_and_platform(tmp_path: Path) -> None:
    core, store = core_over(tmp_path)
    reply = core.ask(MUSK)
    answer_id = core.remember_answer(reply, "discord")
    assert answer_id is not None
    core.record_feedback(answer_id, "U1", "down")
    [voted] = store.feedback()
    assert voted.answer == AnsweredQuestion(
        answer_id, "discord", MUSK, tuple(s.article_id for s in reply.sources), NOW
    )
    assert (voted.up, voted.down) == (0, 1)
    store.close()


def test_only_answers_get_an_id_to_vote_on(tmp_path: Path) -> None:
    core, store = core_over(tmp_path)
    assert core.remember_answer(core.handle("help"), "slack") is None
    assert core.remember_answer(core.handle("digest now"), "slack") is None
    no_answer = core.ask("Wie wird das Wetter morgen in Paris?")
    assert core.remember_answer(no_answer, "slack") is not None  # "nothing found" is rated too
    store.close()


def row(answer_id: str, question: str, up: int, down: int, *ids: str) -> AnswerFeedback:
    answered = AnsweredQuestion(answer_id, "slack", question, ids, NOW)
    return AnswerFeedback(answered, up, down)


def test_votes_are_counted_per_question_whatever_its_case_and_spacing() -> None:
    rows = [
        row("a", MUSK, 2, 0, "001"),
        row("b", "wie viel  bot Musk für OpenAI?", 1, 3, "001"),
        row("c", "Was ist MAI-1?", 0, 1, "004"),
    ]
    [musk, mai] = question_votes(rows)
    assert (musk.question, musk.answers, musk.up, musk.down) == (MUSK, 2, 3, 3)
    assert (mai.question, mai.answers, mai.up, mai.down) == ("Was ist MAI-1?", 1, 0, 1)


def test_the_worst_rated_answers_come_first_and_well_rated_ones_not_at_all() -> None:
    rows = [row("ok", "A?", 3, 1), row("bad", "B?", 0, 1), row("worse", "C?", 1, 4)]
    assert [r.answer.answer_id for r in worst_answers(rows)] == ["worse", "bad"]


def test_the_report_names_each_question_and_the_articles_of_the_worst_answers() -> None:
    rows = [row("a", MUSK, 0, 2, "001", "gone"), row("b", "Was ist MAI-1?", 1, 0, "004")]
    titles = {"001": "Musk will OpenAI kaufen", "004": "MAI-1"}
    lines = feedback_report(rows, titles.get)
    assert lines[0] == "3 votes on 2 answers: 1 👍, 2 👎."
    assert "    0 👍   2 👎  Wie viel bot Musk für OpenAI? (1 answer)" in lines
    assert "    1 👍   0 👎  Was ist MAI-1? (1 answer)" in lines
    worst = lines.index("Worst-rated answers:")
    assert lines[worst + 1] == "  1. 0 👍 2 👎  Wie viel bot Musk für OpenAI? (slack, 2026-11-23)"
    assert lines[worst + 2 :] == [
        "       001: Musk will OpenAI kaufen",
        "       gone: (no longer in the archive)",
    ]


def test_newsdesk_feedback_prints_the_report_from_the_store(tmp_path: Path) -> None:
    core, store = core_over(tmp_path)
    answer_id = core.remember_answer(core.ask(MUSK), "slack")
    assert answer_id is not None
    core.record_feedback(answer_id, "U1", "down")
    store.close()
    out, err = io.StringIO(), io.StringIO()
    status = main(["feedback"], settings=make_settings(tmp_path), stdout=out, stderr=err)
    assert status == 0, err.getvalue()
    text = out.getvalue()
    assert text.startswith("1 vote on 1 answer: 0 👍, 1 👎.")
    assert f"  1. 0 👍 1 👎  {MUSK} (slack, 2026-11-23)" in text
    assert "001_37de1b6d01b33ede: " in text


def test_with_no_votes_the_report_says_so(tmp_path: Path) -> None:
    out = io.StringIO()
    assert main(["feedback"], settings=make_settings(tmp_path), stdout=out) == 0
    assert out.getvalue() == "No votes yet: answers get 👍/👎 buttons in Slack and Discord.\n"
