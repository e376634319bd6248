"""Commands in the bot's sentences are shown as the asker's platform types them."""

from __future__ import annotations

import pytest

from bot import Destination, Newsdesk, RequestContext
from bot.phrases import ENGLISH, GERMAN
from bot.syntax import CommandExample, Option, command_line

SUBSCRIBE = CommandExample(
    "digest subscribe",
    (Option("schedule", "werktags 09:30"), Option("about", "OpenAI", "about", optional=True)),
)


@pytest.mark.parametrize(
    ("example", "platform", "typed"),
    [
        (SUBSCRIBE, "console", "digest subscribe werktags 09:30 [about OpenAI]"),
        (SUBSCRIBE, "slack", "/digest subscribe werktags 09:30 [about OpenAI]"),
        (SUBSCRIBE, "discord", "/digest subscribe schedule: werktags 09:30 [about: OpenAI]"),
        (CommandExample("sources"), "console", "sources"),
        (CommandExample("sources"), "slack", "/ask sources"),  # Slack has /ask and /digest
        (CommandExample("sources"), "discord", "/sources"),
        (CommandExample("digest unsubscribe", (Option("which", "1"),)), "discord",
         "/digest unsubscribe which: 1"),
    ],
)  # fmt: skip
def test_a_command_as_each_platform_types_it(
    example: CommandExample, platform: str, typed: str
) -> None:
    assert command_line(example, platform) == typed


def test_every_command_a_sentence_names_exists_in_both_languages() -> None:
    assert GERMAN.commands.keys() == ENGLISH.commands.keys()
    for book in (GERMAN, ENGLISH):
        for template in (book.no_answer, book.schedule_example, *book.digest_help):
            book.say(template, "slack", count=5, word="x")  # every placeholder is known


@pytest.mark.parametrize(
    ("platform", "shown"),
    [("slack", "/ask sources"), ("discord", "/sources"), ("console", "sources")],
)
def test_nothing_found_points_to_the_sources_command_of_the_platform(
    core: Newsdesk, platform: str, shown: str
) -> None:
    context = RequestContext(Destination(platform, "C1"), user="U1")
    reply = core.handle("Wie wird das Wetter morgen in Paris?", context)
    [command] = [span.text for span in reply.paragraphs[0] if span.style == "command"]
    assert command == shown
