"""Rendering replies for Slack, without any server: what a person sees, within Slack's limits."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest

from adapters.slack.blocks import BODY_CHARS, HEADER_CHARS, MAX_BLOCKS, SECTION_CHARS, escape
from adapters.slack.render import (
    SHARE,
    VOTE_DOWN,
    VOTE_UP,
    Asked,
    parse_share_value,
    to_blocks,
    to_text,
)
from adapters.slack.render_digest import digest_blocks
from bot import GERMAN, Digest, DigestItem, Reply, ReplyKind, Source, Span, digest_reply
from bot.replies import paragraph

MOZILLA = Source(1, "000_a", "Mozilla wettet auf KI", "Creati.ai", dt.date(2026, 1, 27), "…", 7.3)
OPENAI = Source(2, "001_b", "OpenAI & Microsoft", None, None, "…", 5.1)
ANSWER = Reply(
    (
        paragraph(
            "Mozilla setzt ",
            Span("1,4 Milliarden", "emphasis"),
            " ein.",
            Span("1", "citation"),
            " Microsoft verhandelt mit ",
            Span("OpenAI", "emphasis"),
            ".",
            Span("2", "citation"),
        ),
    ),
    kind=ReplyKind.ANSWER,
    sources=(MOZILLA, OPENAI),
    question="Wie viel setzt Mozilla ein?",
)
MASS_PINGS = re.compile(
    r"<!(channel|here|everyone|subteam)|(?<![\w\u200b])@(channel|here|everyone)\b"
)


def section_texts(message: Any) -> list[str]:
    return [b["text"]["text"] for b in message["blocks"] if b["type"] == "section"]


def context_texts(message: Any) -> list[str]:
    return [e["text"] for b in message["blocks"] if b["type"] == "context" for e in b["elements"]]


def buttons(message: Any) -> list[dict[str, Any]]:
    return [e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]


def assert_within_limits(message: Any) -> None:
    assert message["text"].strip()
    assert len(message["blocks"]) <= MAX_BLOCKS
    for block in message["blocks"]:
        if block["type"] == "section":
            assert 0 < len(block["text"]["text"]) <= SECTION_CHARS
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= HEADER_CHARS
        if block["type"] == "context":
            assert 1 <= len(block["elements"]) <= 10
            assert all(len(e["text"]) <= SECTION_CHARS for e in block["elements"])
    assert "link_names" not in message
    assert "parse" not in message


def test_an_answer_shows_bold_terms_citations_and_numbered_sources() -> None:
    message = to_blocks(ANSWER, GERMAN)
    assert section_texts(message) == [
        "Mozilla setzt *1,4 Milliarden* ein. [1] Microsoft verhandelt mit *OpenAI*. [2]"
    ]
    assert context_texts(message) == [
        "*[1]* Mozilla wettet auf KI · Creati.ai · 27.01.2026",
        "*[2]* OpenAI &amp; Microsoft",  # nothing for what is unknown, no article id
    ]
    assert (
        message["text"]
        == "Mozilla setzt 1,4 Milliarden ein. [1] Microsoft verhandelt mit OpenAI. [2]"
    )
    assert all(b["text"]["verbatim"] for b in message["blocks"] if b["type"] == "section")


def test_the_asker_sees_their_question_restated_and_the_channel_sees_who_asked() -> None:
    private = to_blocks(ANSWER, GERMAN, asked=Asked("Wie viel setzt Mozilla ein?"))
    assert section_texts(private)[0] == "> Wie viel setzt Mozilla ein?"
    public = to_blocks(ANSWER, GERMAN, asked=Asked("Wie viel setzt Mozilla ein?", by="U123"))
    assert section_texts(public)[0] == "<@U123> fragte: Wie viel setzt Mozilla ein?"


def test_answers_have_vote_buttons_and_the_ephemeral_one_a_post_to_channel_button() -> None:
    message = to_blocks(ANSWER, GERMAN, answer_id="a1b2", shareable=True)
    up, down, share = buttons(message)
    assert (up["action_id"], up["text"]["text"], up["value"]) == (VOTE_UP, "👍", "a1b2")
    assert (down["action_id"], down["text"]["text"], down["value"]) == (VOTE_DOWN, "👎", "a1b2")
    assert (share["action_id"], share["text"]["text"]) == (SHARE, "Im Kanal zeigen")
    assert parse_share_value(share["value"]) == ("a1b2", "Wie viel setzt Mozilla ein?")
    assert [b["action_id"] for b in buttons(to_blocks(ANSWER, GERMAN, answer_id="a1b2"))] == [
        VOTE_UP,
        VOTE_DOWN,
    ]


def test_help_and_problems_get_no_buttons() -> None:
    help_reply = Reply.info("Ich beantworte Fragen.", "• help: diese Hilfe")
    message = to_blocks(help_reply, GERMAN, answer_id="a1", shareable=True)
    assert buttons(message) == []
    assert section_texts(message) == ["Ich beantworte Fragen.\n• help: diese Hilfe"]


def test_article_and_user_text_can_never_ping_a_channel() -> None:
    hostile = "Alle <!channel> <!here|here> <!everyone> <!subteam^S1|@devs> @here & <@U2> <b>"
    reply = Reply(
        (paragraph(hostile),),
        kind=ReplyKind.ANSWER,
        sources=(Source(1, "x", f"Titel {hostile}", f"Verlag {hostile}", None, hostile, 1.0),),
        question=f"Frage {hostile}",
    )
    message = to_blocks(reply, GERMAN, answer_id="a1", asked=Asked(hostile), shareable=True)
    wire = json.dumps(message, ensure_ascii=False)
    assert not MASS_PINGS.search(wire)
    assert "<@U2>" not in wire  # a person named in an article is not pinged either
    assert "&amp; &lt;@U2&gt; &lt;b&gt;" in section_texts(message)[1]


def test_a_10000_character_answer_is_cut_at_a_sentence_with_a_notice() -> None:
    sentence = "Die Firma Quarkbyte meldet einen neuen Rekord beim Umsatz im Quartal. "
    long = Reply(
        (paragraph(sentence * 143, Span("1", "citation")),), kind=ReplyKind.ANSWER, question="?"
    )
    assert len(long.text) > 10_000
    message = to_blocks(long, GERMAN, answer_id="a1")
    assert_within_limits(message)
    [body] = section_texts(message)
    assert body.endswith("im Quartal.")
    assert context_texts(message) == [GERMAN.shortened_reply]
    assert len(message["text"]) <= 3000


def test_hundreds_of_lines_stay_within_fifty_blocks() -> None:
    listing = Reply.info(
        "Ich kenne 400 Artikel:", *(f"• Artikel Nummer {i} über KI" for i in range(400))
    )
    message = to_blocks(listing, GERMAN)
    assert_within_limits(message)
    assert sum(map(len, section_texts(message))) <= BODY_CHARS
    assert section_texts(message)[0].startswith(
        "Ich kenne 400 Artikel:\n• Artikel Nummer 0 über KI"
    )


def test_a_shortened_question_notice_is_shown() -> None:
    reply = Reply(ANSWER.paragraphs, ANSWER.kind, ANSWER.sources, "Frage", ("Gekürzt auf 500.",))
    assert "Gekürzt auf 500." in context_texts(to_blocks(reply, GERMAN))


def test_a_vote_acknowledgement_is_plain_escaped_text() -> None:
    assert to_text(Reply.info("Danke <für> dein Feedback!")) == "Danke &lt;für&gt; dein Feedback!"


# --- digests ----------------------------------------------------------------------------------


def item(n: int, summary: str = "Mozilla gibt Geld. Es geht um KI.") -> DigestItem:
    return DigestItem(f"{n:03d}", f"Artikel {n}", "Creati.ai", dt.date(2026, 1, 27), (summary,))


def test_a_digest_has_a_header_and_a_section_per_article() -> None:
    digest = Digest((item(1), item(2)), more=(("003", "Artikel 3"),), older=("004", "005"))
    message = digest_blocks(digest, GERMAN)
    assert message["blocks"][0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Neu im Archiv", "emoji": True},
    }
    assert section_texts(message) == [
        "*Artikel 1*\nCreati.ai · 27.01.2026\nMozilla gibt Geld. Es geht um KI.",
        "*Artikel 2*\nCreati.ai · 27.01.2026\nMozilla gibt Geld. Es geht um KI.",
        "Außerdem neu: Artikel 3",
    ]
    assert context_texts(message) == ["2 ältere Artikel stehen im Archiv; frag mich danach."]
    assert message["text"] == "Neu im Archiv: Artikel 1; Artikel 2"


def test_a_reply_carrying_a_digest_renders_as_a_digest_under_the_restated_command() -> None:
    reply = digest_reply(Digest((item(1),), topic="OpenAI"), GERMAN)
    message = to_blocks(reply, GERMAN, answer_id="a1", asked=Asked("/digest now OpenAI"))
    assert section_texts(message)[0] == "> /digest now OpenAI"
    assert message["blocks"][1]["text"]["text"] == "Neu im Archiv zum Thema „OpenAI“"
    assert buttons(message) == []


def test_a_huge_digest_names_every_article_within_the_limits() -> None:
    long_summary = "Ein Satz über KI und Geld und Macht im Silicon Valley. " * 60
    digest = Digest(tuple(item(n, long_summary) for n in range(20)), topic="<!channel> " * 40)
    message = digest_blocks(digest, GERMAN)
    assert_within_limits(message)
    texts = section_texts(message)
    assert [t.split("\n")[0] for t in texts] == [f"*Artikel {n}*" for n in range(20)]
    assert all(t.endswith("Valley.") for t in texts)
    assert GERMAN.shortened_reply in context_texts(message)
    assert not MASS_PINGS.search(json.dumps(message, ensure_ascii=False))


def test_an_empty_digest_says_nothing_is_new() -> None:
    message = digest_blocks(Digest(()), GERMAN)
    assert section_texts(message) == [GERMAN.digest_nothing_new]
    assert message["text"] == GERMAN.digest_nothing_new


@pytest.mark.parametrize(
    ("text", "escaped"),
    [("a & b", "a &amp; b"), ("<!here>", "&lt;!here&gt;"), ("x > y < z", "x &gt; y &lt; z")],
)
def test_escape_replaces_only_the_three_reserved_characters(text: str, escaped: str) -> None:
    assert escape(text) == escaped


def test_a_source_with_a_url_links_its_title_to_the_article() -> None:
    linked = Source(
        1, "001_abc", "A | B <c>", "Creati.ai", None, "…", 1.0, url="https://e.com/a?x=1&y=2"
    )
    message = to_blocks(Reply((paragraph("Eins."),), ReplyKind.ANSWER, (linked,)), GERMAN)
    # & escaped as Slack asks; a "|" in the title cannot end the link early
    assert context_texts(message) == [
        "*[1]* <https://e.com/a?x=1&amp;y=2|A \u2223 B &lt;c&gt;> · Creati.ai"
    ]


def test_a_digest_item_with_a_url_links_its_title() -> None:
    item = DigestItem("a1", "Mozilla", "Creati.ai", None, ("Eins.",), url="https://e.com/m")
    message = to_blocks(digest_reply(Digest((item,)), GERMAN), GERMAN)
    assert "*<https://e.com/m|Mozilla>*\nCreati.ai\nEins." in section_texts(message)


def test_an_address_that_could_break_out_of_the_link_is_shown_without_one() -> None:
    bad = Source(1, "a", "Titel", None, None, "…", 1.0, url="https://x.example/a|<!channel>")
    message = to_blocks(Reply((paragraph("Eins."),), ReplyKind.ANSWER, (bad,)), GERMAN)
    assert context_texts(message) == ["*[1]* Titel"]
