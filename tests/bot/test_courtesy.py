"""Thanks and greetings get a friendly sentence; anything with a topic is searched as usual."""

from __future__ import annotations

import pytest

from bot.core import Newsdesk
from bot.courtesy import courtesy_of
from bot.replies import ReplyKind


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("Danke!", "thanks"),
        ("thx", "thanks"),
        ("thanks, you're awesome!", "thanks"),
        ("Vielen Dank, super Antwort!", "thanks"),
        ("danke dir, schönes Wochenende!", "thanks"),
        ("hi", "greeting"),
        ("Guten Morgen zusammen", "greeting"),
        ("good morning team", "greeting"),
        ("hey how's it going?", "greeting"),
        ("Hallo, wie geht's dir heute?", "greeting"),
        ("na, alles gut bei dir?", "greeting"),
    ],
)
def test_thanks_and_greetings_are_recognised(message: str, kind: str) -> None:
    assert courtesy_of(message) == kind


@pytest.mark.parametrize(
    "message",
    [
        "hi, was macht OpenAI?",
        "Danke, und was bot Musk?",
        "Wie geht es OpenAI?",
        "Guten Tag, wie viel bot Musk?",
        "Was machst du am Wochenende?",
        "tell me a joke",
        "gut",
        "danke für die 97 Milliarden",
        "",
    ],
)
def test_a_topic_a_number_or_no_courtesy_word_is_a_question(message: str) -> None:
    assert courtesy_of(message) is None


def test_thanks_get_a_welcome_in_their_language_and_no_search(core: Newsdesk) -> None:
    german, english = core.ask("Danke!"), core.ask("thanks, you're awesome!")
    assert german.kind == english.kind == ReplyKind.INFO
    assert german.text.startswith("Gern geschehen")
    assert english.text.startswith("You're welcome")
    assert german.sources == english.sources == ()


def test_a_greeting_says_what_the_bot_does_and_how_many_articles_it_knows(core: Newsdesk) -> None:
    reply = core.ask("Guten Morgen zusammen")
    assert reply.kind == ReplyKind.INFO
    assert f"{len(core.knowledge.articles)} Artikeln" in reply.text
    assert "Wie viel bot Musk für OpenAI?" in reply.text


def test_a_greeting_with_a_question_is_answered(core: Newsdesk) -> None:
    assert core.ask("hi, wie viel bot Musk für OpenAI?").kind == ReplyKind.ANSWER
