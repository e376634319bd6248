"""The core as a person meets it: questions answered from the seeds, abstention, bad input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot import (
    Destination,
    Newsdesk,
    ReplyKind,
    RequestContext,
    Store,
    build_newsdesk,
)
from bot.core import SOURCES_PAGE
from tests.conftest import SEEDS, make_settings

CALIBRATION = json.loads(
    (Path(__file__).resolve().parents[1] / "data" / "relevance_questions.json").read_text("utf-8")
)


@pytest.mark.parametrize(
    "case", CALIBRATION["answerable"], ids=[c["question"] for c in CALIBRATION["answerable"]]
)
def test_questions_about_the_seeds_are_answered_from_the_right_article(
    core: Newsdesk, case: dict[str, object]
) -> None:
    reply = core.ask(str(case["question"]))
    assert reply.answered, reply.text
    articles = case["articles"]
    assert isinstance(articles, list)
    assert reply.sources[0].article_id in articles
    assert str(case["fact"]) in reply.text


@pytest.mark.parametrize("question", CALIBRATION["unanswerable"])
def test_questions_the_archive_does_not_cover_are_not_answered(
    core: Newsdesk, question: str
) -> None:
    reply = core.ask(question)
    assert reply.kind is ReplyKind.NO_ANSWER
    assert not reply.sources
    assert "nichts Passendes" in reply.text
    assert "Stichwörtern" in reply.text  # and it suggests how to ask


def test_the_showcase_answer_has_the_fact_emphasis_and_a_citation(core: Newsdesk) -> None:
    reply = core.ask("Wie viel bot Musk für OpenAI?")
    assert "97,4 Milliarden USD" in reply.text
    spans = reply.paragraphs[0]
    assert {s.text for s in spans if s.style == "emphasis"} >= {"Musk", "OpenAI"}
    assert spans[-1].style == "citation"
    numbers = {int(s.text) for s in spans if s.style == "citation"}
    assert numbers == {source.number for source in reply.sources}
    assert reply.sources[0].number == 1


def test_at_most_three_sentences_and_one_source_per_article(core: Newsdesk) -> None:
    reply = core.ask("Wer ist Mustafa Suleyman?")
    citations = [s for s in reply.paragraphs[0] if s.style == "citation"]
    assert 1 <= len(citations) <= 3
    ids = [source.article_id for source in reply.sources]
    assert len(ids) == len(set(ids))


def test_sources_carry_title_publisher_date_and_passage(core: Newsdesk) -> None:
    source = core.ask("Wie viel Geld setzt Mozilla ein?").sources[0]
    assert source.article_id == "000_26a8121a7ae71e0a"
    assert source.title.startswith("Mozilla Bets $1.4 Billion")
    assert source.publisher == "Creati.ai"
    assert source.published is not None
    assert source.published.isoformat() == "2026-01-27"
    assert "Mozilla" in source.passage
    assert source.score > 0


def test_compound_words_match_their_parts(core: Newsdesk) -> None:
    reply = core.ask("Testet OpenAI Anzeigen?")
    assert "Werbeanzeigen" in reply.text
    emphasised = {s.text for s in reply.paragraphs[0] if s.style == "emphasis"}
    assert "Werbeanzeigen" in emphasised


@pytest.mark.parametrize("text", ["", "   ", "\n\t  "])
def test_an_empty_message_gets_a_clear_sentence(core: Newsdesk, text: str) -> None:
    reply = core.ask(text)
    assert reply.kind is ReplyKind.PROBLEM
    assert reply.text.startswith("Deine Nachricht war leer.")
    assert "zum Beispiel" in reply.text


def test_control_characters_alone_count_as_empty(core: Newsdesk) -> None:
    assert core.ask("\x00\x1b\x07\u200b").text.startswith("Deine Nachricht war leer.")


def test_control_characters_around_a_question_are_ignored(core: Newsdesk) -> None:
    reply = core.ask("\x00Was ist\x07 MAI-1?\x1b")
    assert reply.answered
    assert "MAI-1" in reply.text


@pytest.mark.parametrize("text", ["🤖🔥🚀", "?!…", "👍 👎"])
def test_emoji_or_symbols_only_get_a_clear_sentence(core: Newsdesk, text: str) -> None:
    reply = core.ask(text)
    assert reply.kind is ReplyKind.PROBLEM
    assert "keine Wörter" in reply.text


def test_only_filler_words_are_named_back(core: Newsdesk) -> None:
    reply = core.ask("Was ist das denn?")
    assert reply.kind is ReplyKind.PROBLEM
    assert "nur aus Füllwörtern" in reply.text
    assert "was, ist, das, denn" in reply.text


def test_a_20000_character_paste_is_cut_with_a_notice(core: Newsdesk) -> None:
    paste = ("Microsoft und OpenAI verhandeln über ihre Partnerschaft. " * 400)[:20_000]
    assert len(paste.strip()) == 20_000
    reply = core.ask(paste)
    assert reply.kind in (ReplyKind.ANSWER, ReplyKind.NO_ANSWER)
    assert reply.notices == (
        "Deine Nachricht war 20000 Zeichen lang; ich habe nur die ersten 500 gelesen.",
    )
    assert reply.question is not None
    assert len(reply.question) <= 500


def test_mass_mentions_in_the_question_are_defused(core: Newsdesk) -> None:
    reply = core.ask("@everyone @here Was ist MAI-1? <!channel>")
    assert reply.question is not None
    for text in (reply.question, reply.text):
        assert "@everyone" not in text
        assert "@here" not in text
        assert "<!channel>" not in text


def test_mass_mentions_in_articles_are_defused(tmp_path: Path) -> None:
    articles = tmp_path / "articles"
    shutil.copytree(SEEDS, articles)
    (articles / "ping.txt").write_text(
        "Der Konzern Zentrix kündigte am Montag @everyone und @here ein neues Sprachmodell an. "
        "Das Modell heißt Zentrix-7 und <!channel> soll im Sommer erscheinen.\n\n"
        "Die Börse reagierte gelassen auf die Nachricht aus Hamburg.\n\n"
        "Im Herbst folgt eine Konferenz für Entwickler in Wien.\n",
        encoding="utf-8",
    )
    core = build_newsdesk(make_settings(tmp_path / "data", articles_dir=articles))
    reply = core.ask("Was kündigte Zentrix an?")
    assert reply.answered
    assert "Sprachmodell" in reply.text
    everything = reply.text + "".join(s.passage + s.title for s in reply.sources)
    for ping in ("@everyone", "@here", "<!channel>"):
        assert ping not in everything


def test_english_setting_switches_the_bots_own_sentences(tmp_path: Path) -> None:
    core = build_newsdesk(make_settings(tmp_path, language="en"))
    assert core.ask("").text.startswith("Your message was empty.")
    assert "found nothing relevant" in core.ask("Wie wird das Wetter morgen?").text
    assert core.help().text.startswith("I answer questions from the news archive (5 articles).")


def test_an_empty_archive_says_where_to_put_articles(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    core = build_newsdesk(make_settings(tmp_path / "data", articles_dir=empty))
    reply = core.ask("Was ist MAI-1?")
    assert reply.kind is ReplyKind.PROBLEM
    assert str(empty) in reply.text


def test_help_lists_the_grammar(core: Newsdesk) -> None:
    text = core.handle("help").text
    assert text.startswith("Ich beantworte Fragen aus dem Nachrichtenarchiv (5 Artikel).")
    assert "ask <Frage>" in text
    assert "sources" in text


def test_sources_lists_every_article_with_metadata(core: Newsdesk) -> None:
    text = core.handle("sources").text
    assert text.startswith("Ich kenne 5 Artikel:")
    assert "• Microsoft verliert Kontrolle über OpenAI? (All-AI.de)\n" in text + "\n"
    assert "004_" not in text
    assert "ohne Datum" not in text
    assert "(Creati.ai · 27.01.2026)" in text


def test_handle_routes_plain_text_and_ask_to_the_same_answer(core: Newsdesk) -> None:
    assert core.handle("Was ist MAI-1?") == core.handle("ask Was ist MAI-1?")


def test_a_mass_mention_split_by_emphasis_is_still_defused(tmp_path: Path) -> None:
    articles = tmp_path / "articles"
    shutil.copytree(SEEDS, articles)
    (articles / "here.txt").write_text(
        "Der Zentrix-Chef schrieb @here und <!channel> in den Firmenkanal, um Q-9 anzukündigen.\n\n"
        "Die Börse reagierte gelassen auf die Nachricht aus Hamburg.\n",
        encoding="utf-8",
    )
    core = build_newsdesk(make_settings(tmp_path / "data", articles_dir=articles))
    reply = core.ask("Was schrieb der Zentrix-Chef here channel?")  # "here" gets emphasised
    assert reply.answered
    assert "Firmenkanal" in reply.text
    assert "@here" not in reply.text
    assert "<!channel>" not in reply.text
    assert any(s.style == "emphasis" for s in reply.paragraphs[0])


def test_an_unexpected_failure_is_a_sentence_not_a_traceback(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    def broken_store() -> Store:  # not a StoreError: that one has its own sentence
        raise RuntimeError("database /x/newsdesk.db is locked")

    core = build_newsdesk(make_settings(tmp_path), store=broken_store)
    for reply in (core.handle("digest list"), core.handle("digest subscribe daily 08:00")):
        assert reply.kind is ReplyKind.PROBLEM
        assert reply.text.startswith("Da ist bei mir etwas schiefgegangen;")
    assert "could not answer a message" in caplog.text
    assert "locked" in caplog.text  # the operator sees the cause
    assert core.ask("Was ist MAI-1?").answered  # and everything else still works


def test_help_in_slack_names_its_slash_commands(core: Newsdesk) -> None:
    slack = RequestContext(Destination("slack", "C1"), user="U1")
    text = core.handle("help", slack).text
    assert "/ask <Frage>" in text
    assert "/ask sources" in text
    assert "/digest help" in text
    assert "• help:" not in text  # not the console's grammar


def test_help_in_discord_names_its_slash_commands_without_backticks(core: Newsdesk) -> None:
    discord = RequestContext(Destination("discord", "42"), user="7")
    text = core.handle("hilfe", discord).text
    assert "/ask question: <Frage>" in text
    assert "/sources" in text
    assert "/help" in text
    assert "`" not in text
    assert "/ask sources" not in text  # that is Slack's


def test_feedback_thanks_promise_nothing_the_bot_does_not_do() -> None:
    from bot.phrases import ENGLISH, GERMAN  # noqa: PLC0415

    for thanks in (GERMAN.feedback_thanks_down, ENGLISH.feedback_thanks_down):
        assert "merke" not in thanks
        assert "note" not in thanks  # votes are stored; nothing changes the ranking yet


def test_an_answer_quoted_from_another_language_says_so(core: Newsdesk) -> None:
    english = core.ask("How much did Musk offer for OpenAI?")
    assert english.kind == ReplyKind.ANSWER
    assert english.notices == ("The source is in German; quoted as written.",)
    german = core.ask("Wie viel bot Musk für OpenAI?")
    assert german.kind == ReplyKind.ANSWER
    assert german.notices == ()


def test_sources_pages_newest_first_with_a_count(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    for i in range(45):
        published = f"published: 2025-{1 + i % 12:02d}-{1 + i // 12:02d}\n" if i < 43 else ""
        (folder / f"a{i:02d}.md").write_text(
            f"---\ntitle: Artikel {i}\n{published}---\n\nDer Text von Artikel {i} ist kurz.\n",
            encoding="utf-8",
        )
    pager = build_newsdesk(make_settings(tmp_path / "data", articles_dir=folder))
    first = pager.handle("sources").text
    assert first.startswith("Ich kenne 45 Artikel, die neuesten zuerst. Seite 1 von 3;")
    assert "`sources 2` zeigt die nächsten." in first
    assert first.count("• ") == SOURCES_PAGE
    listed = [line for line in first.splitlines() if line.startswith("• ")]
    assert listed[0].startswith("• Artikel 35 ")  # 2025-12-03, the newest
    seen = [
        line
        for page in (1, 2, 3)
        for line in pager.handle(f"quellen {page}").text.splitlines()
        if line.startswith("• ")
    ]
    assert len(seen) == len(set(seen)) == 45
    assert seen[-2:] == ["• Artikel 43", "• Artikel 44"]  # undated last, by id
    assert "Seite 3 von 3; `sources 1`" in pager.handle("sources 3").text
    past = pager.handle("sources 4")
    assert past.kind is ReplyKind.PROBLEM
    assert past.text == "Seite 4 gibt es nicht; die letzte ist Seite 3 (45 Artikel)."
    assert pager.handle("sources 0").kind is ReplyKind.PROBLEM
