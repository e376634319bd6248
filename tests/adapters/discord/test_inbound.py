"""Pure translation in and the invite link: mentions stripped, options as grammar, ids once."""

from __future__ import annotations

import pytest

from adapters.discord import (
    INVITE_PERMISSIONS,
    DiscordSetupError,
    application_id,
    application_id_from_token,
    invite_url,
)
from adapters.discord.inbound import SeenMessages, digest_text, to_question
from tests.adapters.discord.fake_payloads import token_for
from tests.conftest import make_settings

BOT = 111111111111111111


@pytest.mark.parametrize(
    ("content", "question"),
    [
        (f"<@{BOT}> Wer ist Mustafa Suleyman?", "Wer ist Mustafa Suleyman?"),
        (f"<@!{BOT}>   digest list", "digest list"),
        (f"Sag mal <@{BOT}>, was ist MAI-1?", "Sag mal , was ist MAI-1?"),
        ("<@&42> was ist MAI-1?", "was ist MAI-1?"),  # the bot's own role
        (f"<@{BOT}> was sagt <@7> über <#9>?", "was sagt @Alice über #news ?"),
        (f"<@{BOT}> frag <@8>", "frag"),  # an unknown mention is dropped
        (f"<@{BOT}>", ""),
    ],
)
def test_the_bots_mention_is_stripped_and_others_are_named(content: str, question: str) -> None:
    names = {7: "@Alice", 9: "#news"}
    assert to_question(content, bot_id=BOT, bot_role_id=42, names=names) == question


@pytest.mark.parametrize(
    ("args", "about", "text"),
    [
        (("now",), None, "digest now"),
        (("now", "OpenAI"), None, "digest now OpenAI"),
        (("subscribe", "werktags 09:30"), "OpenAI", "digest subscribe werktags 09:30 about OpenAI"),
        (
            ("subscribe", " täglich 08:00 in Europe/Berlin "),
            "  ",
            "digest subscribe täglich 08:00 in Europe/Berlin",
        ),
        (("unsubscribe",), None, "digest unsubscribe"),
        (("list",), None, "digest list"),
    ],
)
def test_digest_options_become_the_core_grammar(
    args: tuple[str, ...], about: str | None, text: str
) -> None:
    assert digest_text(*args, about=about) == text


def test_each_message_id_is_seen_once_and_memory_stays_bounded() -> None:
    seen = SeenMessages(capacity=3)
    assert [seen.first_time(i) for i in (1, 2, 1, 3, 4)] == [True, True, False, True, True]
    assert seen.first_time(1) is True  # forgotten: the oldest of more than three
    assert seen.first_time(4) is False


def test_the_invite_asks_for_exactly_the_needed_scopes_and_permissions() -> None:
    assert INVITE_PERMISSIONS.value == 1024 + 2048 + 274877906944 + 16384 + 65536 == 274877991936
    assert invite_url(BOT) == (
        f"https://discord.com/oauth2/authorize?client_id={BOT}"
        "&scope=bot+applications.commands&permissions=274877991936"
    )


def test_the_application_id_is_read_from_the_token(tmp_path: object) -> None:
    assert application_id_from_token(token_for(BOT)) == BOT
    settings = make_settings(tmp_path, discord_token=token_for(BOT))  # type: ignore[arg-type]
    assert application_id(settings) == BOT


@pytest.mark.parametrize("token", ["", "not a token", "!!!.x.y", "aGVsbG8.x.y"])
def test_a_malformed_token_is_named_without_echoing_it(token: str) -> None:
    with pytest.raises(DiscordSetupError, match="DISCORD_TOKEN does not look like") as caught:
        application_id_from_token(token)
    assert token not in str(caught.value) or not token


def test_no_token_says_which_setting_is_missing(tmp_path: object) -> None:
    with pytest.raises(DiscordSetupError, match="DISCORD_TOKEN is not set"):
        application_id(make_settings(tmp_path))  # type: ignore[arg-type]
