"""Replies are neutral values and can never carry a mass mention."""

import pytest

from bot.replies import Reply, ReplyKind, Span, defuse_mass_mentions, paragraph, plain


@pytest.mark.parametrize(
    "text", ["@everyone", "@here", "@channel", "@Everyone look", "＠here", "<!channel>", "<!here>"]
)
def test_mass_mentions_are_defused(text: str) -> None:
    defused = defuse_mass_mentions(text)
    for ping in ("@everyone", "@here", "@channel", "＠here", "<!channel>", "<!here>"):
        assert ping not in defused.lower()


def test_defused_text_stays_readable() -> None:
    assert defuse_mass_mentions("Hallo @here!").replace("\u200b", "") == "Hallo @here!"
    assert defuse_mass_mentions("mail me@hereford.com") == "mail me@hereford.com"


def test_spans_defuse_on_construction() -> None:
    assert "@everyone" not in Span("ping @everyone now", "emphasis").text


def test_plain_text_renders_citations_and_paragraphs() -> None:
    reply = Reply(
        (
            paragraph("Musk bot ", Span("97,4 Milliarden", "emphasis"), Span("1", "citation")),
            paragraph("Zweiter Absatz."),
        ),
        kind=ReplyKind.ANSWER,
    )
    assert reply.text == "Musk bot 97,4 Milliarden [1]\n\nZweiter Absatz."
    assert reply.answered
    assert plain(reply.paragraphs[0]) == "Musk bot 97,4 Milliarden [1]"


def test_info_replies_are_not_answers() -> None:
    assert not Reply.info("Hilfe").answered
