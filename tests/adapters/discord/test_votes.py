"""👍/👎 under Discord answers: persistent buttons, clicks stored with what the answer was about,
and handled by a restarted bot too."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from adapters.discord import DiscordService
from bot import Newsdesk
from bot.store import MemoryStore
from tests.adapters.discord.conftest import discord_settings, running
from tests.adapters.discord.fake_discord import FakeDiscord
from tests.adapters.discord.fake_payloads import (
    ALICE,
    APP_ID,
    CHANNEL_ID,
    MOD,
    click,
    interaction,
    message,
    sent_message,
)

MUSK = "Wie viel bot Musk für OpenAI?"


def buttons(payload: dict[str, Any]) -> list[tuple[str, str]]:
    """The (emoji, custom_id) of every button the bot sent."""
    return [
        (button["emoji"]["name"], button["custom_id"])
        for row in payload.get("components", [])
        for button in row["components"]
    ]


async def vote(fake: FakeDiscord, answer: dict[str, Any], custom_id: str, by: int) -> Any:
    """Click a button of ``answer``; return the interaction's response as sent."""
    payload = click(answer, custom_id, by=by)
    await fake.push("INTERACTION_CREATE", payload)
    [response] = await fake.wait_for(
        "POST", f"/interactions/{payload['id']}/{payload['token']}/callback"
    )
    return response.json


async def test_an_answer_gets_vote_buttons_whose_clicks_are_stored_even_after_a_restart(
    fake: FakeDiscord, newsdesk: Newsdesk, store: MemoryStore, tmp_path: Path
) -> None:
    settings = discord_settings(fake, tmp_path)
    async with running(DiscordService(newsdesk, settings, guild_ready_timeout=0.05)):
        await fake.push("MESSAGE_CREATE", message(f"<@{APP_ID}> {MUSK}", mentions_bot=True))
        [post] = await fake.wait_for("POST", f"/channels/{CHANNEL_ID}/messages")
        [(up, up_id), (down, down_id)] = buttons(post.json)
        assert (up, down) == ("👍", "👎")
        answer_id = up_id.rsplit(":", 1)[1]
        assert (up_id, down_id) == (
            f"newsdesk:vote:up:{answer_id}",
            f"newsdesk:vote:down:{answer_id}",
        )
        answer = sent_message(str(CHANNEL_ID), post.json)

        thanked = await vote(fake, answer, up_id, ALICE)
        assert thanked["type"] == 4
        assert thanked["data"]["flags"] == 64  # only the voter sees the thanks
        assert thanked["data"]["content"] == "Danke für dein Feedback!"
        assert thanked["data"]["allowed_mentions"] == {"parse": []}
        assert store.votes(answer_id) == {str(ALICE): "up"}

    # a new process: nothing in memory, the button still works
    async with running(DiscordService(newsdesk, settings, guild_ready_timeout=0.05)):
        thanked = await vote(fake, answer, down_id, ALICE)
        assert "nicht geholfen" in thanked["data"]["content"]
        await vote(fake, answer, up_id, MOD)

    assert store.votes(answer_id) == {str(ALICE): "down", str(MOD): "up"}
    [rated] = store.feedback()
    assert (rated.answer.platform, rated.answer.question) == ("discord", MUSK)
    assert rated.answer.article_ids[0] == "001_37de1b6d01b33ede"
    assert (rated.up, rated.down) == (1, 1)


async def test_a_slash_command_answer_has_the_buttons_too_and_help_has_none(
    fake: FakeDiscord, newsdesk: Newsdesk, store: MemoryStore, tmp_path: Path
) -> None:
    settings = discord_settings(fake, tmp_path)
    async with running(DiscordService(newsdesk, settings, guild_ready_timeout=0.05)):
        for name, options in (
            ("ask", [{"name": "question", "type": 3, "value": MUSK}]),
            ("help", []),
        ):
            payload = interaction(name, options)
            await fake.push("INTERACTION_CREATE", payload)
            await fake.wait_for("POST", f"/webhooks/{APP_ID}/{payload['token']}")
        asked, helped = [
            c.json for c in fake.requests("POST", lambda p: p.startswith("/webhooks/"))
        ]
    assert [emoji for emoji, _ in buttons(asked)] == ["👍", "👎"]
    assert buttons(helped) == []
