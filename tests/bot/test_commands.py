"""The command grammar every adapter speaks."""

import pytest

from bot.commands import Ask, Help, ListSources, parse_command


@pytest.mark.parametrize("text", ["help", "Hilfe", " HELP ", "?", "--help"])
def test_help_keywords(text: str) -> None:
    assert parse_command(text) == Help()


@pytest.mark.parametrize("text", ["sources", "Quellen", "artikel"])
def test_sources_keywords(text: str) -> None:
    assert parse_command(text) == ListSources()
    assert parse_command(f"{text} 3") == ListSources(3)
    assert parse_command(f"{text} Microsoft") == Ask(f"{text} Microsoft")  # not a page: a question


def test_ask_keyword_takes_the_rest_as_the_question() -> None:
    assert parse_command("ask  Was ist MAI-1? ") == Ask("Was ist MAI-1?")
    assert parse_command("frage Was ist MAI-1?") == Ask("Was ist MAI-1?")


def test_anything_else_is_a_question() -> None:
    assert parse_command("Was ist MAI-1?") == Ask("Was ist MAI-1?")
    assert parse_command("Quellen von Mozilla?") == Ask("Quellen von Mozilla?")


def test_empty_text_is_an_empty_question() -> None:
    assert parse_command("   ") == Ask("")
