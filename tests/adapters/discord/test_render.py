"""``to_discord(reply)``: pure rendering, within every Discord limit, with nothing that pings."""

from __future__ import annotations

import datetime as dt

import discord
import pytest

from adapters.discord import to_discord
from adapters.discord.render import COLOURS
from bot import (
    ENGLISH,
    GERMAN,
    Digest,
    DigestItem,
    Paragraph,
    Reply,
    ReplyKind,
    Source,
    Span,
    digest_reply,
)
from tests.adapters.discord.fake_discord import embed_problems


def source(number: int, title: str = "Mozilla setzt auf Open Source") -> Source:
    return Source(number, f"00{number}_abc", title, "Creati.ai", dt.date(2026, 1, 27), "…", 1.0)


def answer(*paragraphs: Paragraph, sources: tuple[Source, ...] = (source(1),)) -> Reply:
    return Reply(paragraphs, ReplyKind.ANSWER, sources, question="Was plant Mozilla?")


def payload(reply: Reply, *, embeds: bool = True) -> dict[str, object]:
    """The message as discord.py puts it on the wire."""
    message = to_discord(reply, GERMAN, embeds=embeds)
    return {"content": message.content, "embeds": [e.to_dict() for e in message.embeds]}


def test_an_answer_is_an_embed_with_bold_terms_numbered_sources_colour_and_footer() -> None:
    reply = answer(
        (Span("Mozilla", "emphasis"), Span(" investiert $1.4 billion."), Span("1", "citation"))
    )

    [embed] = to_discord(reply, GERMAN).embeds

    assert embed.title == "Was plant Mozilla?"
    assert embed.description == "**Mozilla** investiert $1.4 billion. [1]"
    [field] = embed.fields
    assert field.name == "[1] Mozilla setzt auf Open Source"
    assert field.value == "Creati.ai · 27.01.2026"  # no article id in a chat reply
    assert embed.colour == COLOURS[ReplyKind.ANSWER] == discord.Colour.green()
    assert embed.footer.text == "Newsdesk"


def test_markdown_in_article_text_is_escaped_and_only_emphasis_is_bold() -> None:
    reply = answer(
        (Span("*nicht fett* und _nicht kursiv_ und `kein Code` "), Span("KI", "emphasis"))
    )

    [embed] = to_discord(reply, GERMAN).embeds

    assert embed.description == "\\*nicht fett\\* und \\_nicht kursiv\\_ und \\`kein Code\\` **KI**"


def test_mass_mentions_in_article_text_are_defused() -> None:
    reply = answer((Span("Achtung @everyone und @here: "), Span("OpenAI", "emphasis")))

    [embed] = to_discord(reply, GERMAN).embeds

    assert "@everyone" not in (embed.description or "")
    assert "@\u200beveryone" in (embed.description or "")
    assert "@\u200bhere" in (embed.description or "")


def test_an_at_sign_and_an_emphasised_everyone_do_not_join_into_a_mass_mention() -> None:
    reply = answer((Span("Hallo @"), Span("everyone", "emphasis"), Span(" und @"), Span("here")))

    [embed] = to_discord(reply, GERMAN).embeds

    assert embed.description == "Hallo @**\u200beveryone** und @\u200bhere"


@pytest.mark.parametrize("kind", list(ReplyKind))
def test_each_kind_of_reply_has_its_colour(kind: ReplyKind) -> None:
    [embed] = to_discord(Reply.info("Hallo", kind=kind), GERMAN).embeds
    assert embed.colour == COLOURS[kind]


def test_an_answer_of_ten_thousand_characters_fits_every_limit_and_says_it_was_cut() -> None:
    sentence = "Der Satz über **Sterne** und _Linien_ ist genau so lang wie viele andere Sätze. "
    body = (Span(sentence * 60), Span("OpenAI", "emphasis"), Span(sentence * 65))
    many = tuple(source(n, "Ein sehr langer Titel " * 20) for n in range(1, 31))
    reply = Reply((body,), ReplyKind.ANSWER, many, question="Warum? " * 100, notices=("kurz",))
    assert len(reply.text) >= 10_000

    wire = payload(reply)

    assert embed_problems(wire) == []
    [embed] = to_discord(reply, GERMAN).embeds
    assert (embed.description or "").endswith(f"*{GERMAN.shortened_reply}*")
    assert (embed.description or "").count("**") % 2 == 0  # no bold left open
    assert embed.footer.text == "Newsdesk · kurz"


def test_a_cut_answer_ends_at_a_sentence() -> None:
    sentence = "Dies ist ein vollständiger Satz mit einigen Wörtern darin. "
    [embed] = to_discord(answer((Span(sentence * 200),)), ENGLISH).embeds
    text = (embed.description or "").rsplit("\n\n", 1)[0]
    assert text.endswith("darin.")
    assert (embed.description or "").endswith(f"*{ENGLISH.shortened_reply}*")


def test_without_embed_links_the_reply_is_plain_content_within_2000_characters() -> None:
    sentence = "Ein Satz über OpenAI und Microsoft, der sich oft wiederholt. "
    reply = answer((Span(sentence * 100), Span("1", "citation")), sources=(source(1), source(2)))

    message = to_discord(reply, GERMAN, embeds=False)

    assert message.embeds == ()
    content = message.content or ""
    assert len(content) <= 2000
    assert content.startswith("**Was plant Mozilla?**")
    assert "[2] Mozilla setzt auf Open Source (Creati.ai · 27.01.2026)" in content
    assert "Gekürzt" in content


def test_a_digest_is_an_embed_with_one_field_per_article() -> None:
    items = (
        DigestItem(
            "a1",
            "Mozilla setzt $1.4 Mrd. ein",
            "Creati.ai",
            dt.date(2026, 1, 27),
            ("Eins.", "Zwei."),
        ),
        DigestItem("a2", "Microsoft und OpenAI", None, None, ("Drei.",)),
    )
    digest = Digest(items, more=(("a3", "Noch ein Artikel"),), topic="OpenAI")

    [embed] = to_discord(digest_reply(digest, GERMAN), GERMAN).embeds

    assert embed.title == "Neu im Archiv zum Thema „OpenAI“"
    assert [f.name for f in embed.fields] == ["Mozilla setzt $1.4 Mrd. ein", "Microsoft und OpenAI"]
    assert embed.fields[0].value == "Creati.ai · 27.01.2026\nEins. Zwei."
    assert embed.fields[1].value == "Drei."  # no "ohne Herausgeber · ohne Datum"
    assert embed.description == "Außerdem neu: Noch ein Artikel"
    assert embed.colour == discord.Colour.teal()


def test_a_digest_of_twenty_long_articles_fits_in_one_message() -> None:
    summary = tuple(f"Satz {n} mit vielen Wörtern, die den Platz füllen sollen." for n in range(60))
    items = tuple(
        DigestItem(f"a{n}", "Titel " * 60, "Verlag", dt.date(2026, 1, n + 1), summary)
        for n in range(20)
    )
    digest = Digest(items, more=tuple((f"m{n}", "Weiterer Titel " * 10) for n in range(30)))

    wire = payload(digest_reply(digest, GERMAN))

    assert embed_problems(wire) == []
    [embed] = to_discord(digest_reply(digest, GERMAN), GERMAN).embeds
    assert len(embed.fields) == 20


def test_an_empty_digest_says_nothing_is_new() -> None:
    [embed] = to_discord(digest_reply(Digest(()), GERMAN), GERMAN).embeds
    assert embed.description == "Nichts Neues im Archiv seit dem letzten Digest."


LINKED = Source(
    1,
    "001_abc",
    "Mozilla [Beta] setzt auf KI",
    "Creati.ai",
    None,
    "…",
    1.0,
    url="https://example.com/mozilla?a=1&b=2",
)


def test_a_source_with_a_url_links_to_the_article_in_the_embed_and_in_plain_content() -> None:
    reply = answer((Span("Eins."),), sources=(LINKED,))

    [embed] = to_discord(reply, GERMAN).embeds
    content = to_discord(reply, GERMAN, embeds=False).content or ""

    [field] = embed.fields
    assert field.name == "[1] Mozilla [Beta] setzt auf KI"  # names render no links
    assert field.value == "[Zum Artikel](https://example.com/mozilla?a=1&b=2) · Creati.ai"
    # the bracket in the title cannot close the link label; <...> unfurls no preview
    assert "[1] [Mozilla \\[Beta\\] setzt auf KI](<https://example.com/mozilla?a=1&b=2>)" in content


def test_a_digest_item_with_a_url_links_to_it() -> None:
    item = DigestItem("a1", "Mozilla", None, None, ("Eins.",), url="https://example.com/m")
    [embed] = to_discord(digest_reply(Digest((item,)), GERMAN), GERMAN).embeds
    assert embed.fields[0].value == "[Zum Artikel](https://example.com/m)\nEins."


def test_an_address_that_could_break_out_of_the_link_is_not_linked() -> None:
    too_long = "https://x.example/" + "a" * 500  # would not fit a field beside the title
    breakouts = ("javascript:alert(1)", "https://x.example/a) [b](https://y", "https://x y")
    for url in (*breakouts, too_long):
        bad = Source(1, "a", "Titel", None, None, "…", 1.0, url=url)
        [embed] = to_discord(answer((Span("Eins."),), sources=(bad,)), GERMAN).embeds
        assert bad.url is None
        assert embed.fields[0].value == "\u200b"
