"""Sentence choice: which sentences may answer, and which of them answer best."""

from __future__ import annotations

import pytest

from bot import Newsdesk, build_newsdesk
from bot.answers import (
    AnswerPolicy,
    AnswerType,
    answer_sentences,
    expected_answer_type,
    fits_answer_type,
)
from knowledge import Passage
from tests.conftest import make_settings

FILLER = (
    "Der Markt für Software wächst in Europa seit Jahren stetig weiter. "
    "Viele Firmen investieren in neue Rechenzentren und in Fachkräfte."
)
ARTICLES = {
    "a_windpark.md": (
        "---\ntitle: Windpark Nordsee\nsource: Küstenblatt\nurl: https://example.org/wind\n---\n"
        "Der Windpark Nordsee wurde im Mai eröffnet. Er liefert Strom für 400.000 Haushalte.\n\n"
        "Der Betreiber stoppte den Windpark Nordsee im Juli, weil ein Sturm zwei Rotoren "
        "beschädigt hatte. Der Windpark Nordsee steht seitdem still und wartet auf Ersatzteile.\n\n"
        "Wichtige Partner des Windparks Nordsee umfassen:\n"
        "  • Tidewerk: Ein Startup, das Fundamente im Meer baut.\n"
        "  • Seekabel AG: Verlegt die Leitungen an Land.\n\n"
        "Windpark | Leistung | Betreiber\nNordsee | 300 MW | Küstenstrom\n\n" + FILLER
    ),
    "b_syndicated.md": (
        "---\ntitle: Agenturmeldung\nsource: Agentur\n---\n"
        "Der Betreiber stoppte den Windpark Nordsee im Juli, weil ein Sturm zwei Rotoren "
        "beschädigt hatte.\n\n" + FILLER
    ),
    "c_bahn.md": "Die Bahn baut eine neue Strecke nach Hamburg. Sie soll 2030 fertig sein.\n\n"
    + FILLER,
    "d_kaffee.md": "Kaffee wird in Äthiopien seit Jahrhunderten angebaut. Die Ernte beginnt "
    "im Herbst.\n\n" + FILLER,
    "e_schach.md": "Der Schachverein feiert sein hundertjähriges Bestehen mit einem Turnier "
    "im Rathaus.\n\n" + FILLER,
}


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Newsdesk:
    folder = tmp_path_factory.mktemp("articles")
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, "utf-8")
    data = tmp_path_factory.mktemp("data")
    return build_newsdesk(make_settings(data, articles_dir=folder))


def _passage(*sentences: str, heading: str | None = None) -> Passage:
    return Passage("x", 1, heading, sentences)


def test_table_rows_captions_and_questions_never_answer() -> None:
    passage = _passage(
        "Metrik | Microsoft | OpenAI",
        "Foto: NBC News zeigt beide Chefs auf der Bühne.",
        "Steht die Partnerschaft vor einem Neustart oder vor dem Bruch?",
        "Microsoft hält 27 Prozent an OpenAI.",
    )
    assert answer_sentences(passage) == ["Microsoft hält 27 Prozent an OpenAI."]


def test_site_boilerplate_never_answers() -> None:
    passage = _passage(
        "Mit einer Mitgliedschaft ab 0,99 € helft ihr uns.", heading="Unterstütze uns"
    )
    assert answer_sentences(passage) == []


def test_a_list_lead_in_brings_its_items() -> None:
    passage = _passage("Partner umfassen:", "Tidewerk: baut Fundamente.", "Seekabel AG: verlegt.")
    assert answer_sentences(passage)[0] == (
        "Partner umfassen: • Tidewerk: baut Fundamente. • Seekabel AG: verlegt."
    )
    assert answer_sentences(_passage("Strategische Empfehlungen umfassen:")) == []


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Warum steht der Windpark still?", "cause"),
        ("Why did they stop it?", "cause"),
        ("Wann wurde er eröffnet?", "time"),
        ("What year was it opened?", "time"),
        ("Wie viele Haushalte?", "amount"),
        ("How much power?", "amount"),
        ("Sam Altman birth year", "time"),
        ("Gründungsjahr Windpark", "time"),
        ("Umsatz pro Jahr?", None),
        ("Wie viel Umsatz pro Jahr?", "amount"),
        ("Wer betreibt ihn?", None),
        ("What price tag did they put on it?", "amount"),
        ("Wie lange steht der Windpark still?", "duration"),
        ("In welchem Zeitraum soll er wachsen?", "duration"),
        ("how long does the deal run?", "duration"),
    ],
)
def test_what_a_question_asks_for(question: str, kind: str | None) -> None:
    assert expected_answer_type(question) == kind


@pytest.mark.parametrize(
    ("kind", "sentence", "fits"),
    [
        ("amount", "Er liefert Strom für 400.000 Haushalte.", True),
        ("amount", "Sie kostet zwei Milliarden Euro.", True),  # a number in words
        ("amount", "Der Windpark steht still.", False),
        ("duration", "Die Summe soll innerhalb von vier Jahren steigen.", True),
        ("duration", "Nach einer monatelangen Pattsituation einigten sie sich.", True),
        ("duration", "The share runs until 2030.", True),
        ("duration", "Der Windpark liefert Strom für 400.000 Haushalte.", False),
    ],
)
def test_what_a_sentence_offers(kind: AnswerType, sentence: str, fits: bool) -> None:
    assert fits_answer_type(sentence, kind) is fits


def test_a_why_question_brings_the_cause_and_the_bonus_decides_it(desk: Newsdesk) -> None:
    question = "Warum steht der Windpark Nordsee still?"
    cause = "weil ein Sturm zwei Rotoren beschädigt hatte"
    # the cause is the second sentence; a follow ratio of 0.6 keeps it only with the bonus
    bonus = Newsdesk(desk.archive, desk.phrases, policy=AnswerPolicy(follow_ratio=0.6))
    assert cause in bonus.ask(question).text
    assert cause in desk.ask(question).text
    plain = Newsdesk(
        desk.archive, desk.phrases, policy=AnswerPolicy(follow_ratio=0.6, answer_type_bonus=1.0)
    )
    reply = plain.ask(question)
    assert reply.answered
    assert cause not in reply.text


def test_a_question_about_partners_gets_the_list(desk: Newsdesk) -> None:
    reply = desk.ask("Welche Partner hat der Windpark Nordsee?")
    assert "• Tidewerk: Ein Startup" in reply.text
    assert "• Seekabel AG" in reply.text


def test_a_syndicated_sentence_is_quoted_once(desk: Newsdesk) -> None:
    reply = desk.ask("Warum stoppte der Betreiber den Windpark Nordsee?")
    assert reply.text.count("weil ein Sturm zwei Rotoren") == 1


def test_an_unrelated_second_article_is_not_cited(desk: Newsdesk) -> None:
    reply = desk.ask("Wann wurde der Windpark Nordsee eröffnet?")
    assert reply.answered
    assert {s.title for s in reply.sources} <= {"Windpark Nordsee", "Agenturmeldung"}


def test_the_follow_ratio_cuts_weaker_sentences(desk: Newsdesk) -> None:
    strict = Newsdesk(desk.archive, desk.phrases, policy=AnswerPolicy(follow_ratio=0.99))
    loose = Newsdesk(desk.archive, desk.phrases, policy=AnswerPolicy(follow_ratio=0.01))
    question = "Was liefert der Windpark Nordsee?"
    assert strict.ask(question).text.count("[") == 1
    assert loose.ask(question).text.count("[") == 3
