"""Slash commands: synced on start, deferred at once, answered by a follow-up.

``/ask question [private]`` answers from the archive (ephemeral when private); ``/digest``
subcommands speak the core's digest grammar, and only members with Manage Channels may change
a channel's subscriptions (the others get the core's polite refusal, only to themselves).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from adapters.discord import DiscordService
from bot import Destination, Newsdesk, Reply
from bot.store import MemoryStore
from tests.adapters.discord.conftest import discord_settings, running
from tests.adapters.discord.fake_discord import FakeDiscord, embed_problems
from tests.adapters.discord.fake_payloads import (
    APP_ID,
    CHANNEL_ID,
    EVERYONE_PERMISSIONS,
    GUILD_ID,
    MANAGE_CHANNELS,
    interaction,
    message,
)

MUSK = "Wie viel bot Musk für OpenAI?"


def option(name: str, value: object) -> dict[str, Any]:
    kind = 5 if isinstance(value, bool) else 3
    return {"name": name, "type": kind, "value": value}


def subcommand(name: str, *options: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"name": name, "type": 1, "options": list(options)}]


async def invoke(fake: FakeDiscord, payload: dict[str, Any]) -> tuple[Any, Any]:
    """Push an interaction; return (the deferred response, the follow-up) as sent."""
    token = payload["token"]
    await fake.push("INTERACTION_CREATE", payload)
    [deferred] = await fake.wait_for("POST", f"/interactions/{payload['id']}/{token}/callback")
    [follow_up] = await fake.wait_for("POST", f"/webhooks/{APP_ID}/{token}")
    assert embed_problems(follow_up.json) == []
    assert follow_up.json["allowed_mentions"] == {"parse": []}
    return deferred.json, follow_up.json


async def test_the_commands_are_synced_globally_with_their_options(
    fake: FakeDiscord, bot: DiscordService
) -> None:
    [sync] = fake.requests("PUT", f"/applications/{APP_ID}/commands")
    commands = {c["name"]: c for c in sync.json}

    assert set(commands) == {"ask", "sources", "help", "digest", "feed"}
    ask = commands["ask"]
    assert [(o["name"], o["type"], o.get("required", False)) for o in ask["options"]] == [
        ("question", 3, True),
        ("private", 5, False),
    ]
    [page] = commands["sources"]["options"]
    assert (page["name"], page["type"], page.get("required", False), page["min_value"]) == (
        "page",
        4,
        False,
        1,
    )
    digest = commands["digest"]
    assert [o["name"] for o in digest["options"]] == ["now", "subscribe", "unsubscribe", "list"]
    subscribe = next(o for o in digest["options"] if o["name"] == "subscribe")
    assert [(o["name"], o.get("required", False)) for o in subscribe["options"]] == [
        ("schedule", True),
        ("about", False),
    ]
    # Visible to everyone: /digest now and list are for all; the handler checks Manage Channels.
    assert ask["default_member_permissions"] is None
    assert digest["default_member_permissions"] is None
    feed = commands["feed"]
    assert [o["name"] for o in feed["options"]] == ["add", "list", "remove"]
    add = next(o for o in feed["options"] if o["name"] == "add")
    assert [(o["name"], o.get("required", False)) for o in add["options"]] == [
        ("url", True),
        ("every", False),
    ]
    assert feed["default_member_permissions"] is None


async def test_descriptions_are_localised_in_german(fake: FakeDiscord, bot: DiscordService) -> None:
    [sync] = fake.requests("PUT", f"/applications/{APP_ID}/commands")
    commands = {c["name"]: c for c in sync.json}

    ask = commands["ask"]
    assert ask["description"] == "Ask the news archive a question"
    assert ask["description_localizations"] == {"de": "Stell dem Nachrichtenarchiv eine Frage"}
    [question, _private] = ask["options"]
    assert question["description_localizations"]["de"].startswith("Was du wissen willst")
    assert commands["help"]["description_localizations"] == {"de": "Was der Bot versteht"}
    subscribe = next(o for o in commands["digest"]["options"] if o["name"] == "subscribe")
    assert subscribe["description_localizations"] == {"de": "Regelmäßige Digests für diesen Kanal"}
    for command in sync.json:  # every description, and every option's, has its German text
        for described in [command, *command.get("options", [])]:
            assert described.get("description_localizations", {}).get("de"), described["name"]


async def test_help_and_sources_commands_answer_privately_in_discord_syntax(
    fake: FakeDiscord, bot: DiscordService
) -> None:
    deferred, helped = await invoke(fake, interaction("help", []))
    assert deferred == {"type": 5, "data": {"flags": 64}}
    text = helped["embeds"][0]["description"]
    assert "/ask question:" in text
    assert "/sources" in text
    assert "/help" in text
    assert "`" not in text  # no literal backticks
    _, listed = await invoke(fake, interaction("sources", []))
    assert "Ich kenne 5 Artikel" in str(listed)
    _, past = await invoke(fake, interaction("sources", [{"name": "page", "type": 4, "value": 2}]))
    assert "Seite 2 gibt es nicht" in str(past)


async def test_a_development_guild_gets_the_commands_at_once(
    fake: FakeDiscord, newsdesk: Newsdesk, tmp_path: Path
) -> None:
    settings = discord_settings(fake, tmp_path, discord_guild_id=GUILD_ID)
    async with running(DiscordService(newsdesk, settings, guild_ready_timeout=0.05)):
        [sync] = fake.requests("PUT", f"/applications/{APP_ID}/guilds/{GUILD_ID}/commands")

    assert {c["name"] for c in sync.json} == {"ask", "sources", "help", "digest", "feed"}
    assert fake.requests("PUT", f"/applications/{APP_ID}/commands") == []


async def test_a_failed_sync_is_logged_and_mentions_still_work(
    fake: FakeDiscord, newsdesk: Newsdesk, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    fake.fail("PUT", f"/applications/{APP_ID}/commands", 403, 50001, "Missing Access")
    service = DiscordService(newsdesk, discord_settings(fake, tmp_path), guild_ready_timeout=0.05)

    async with running(service):
        await fake.push("MESSAGE_CREATE", message(f"<@{APP_ID}> hilfe", mentions_bot=True))
        [answer] = await fake.wait_for("POST", f"/channels/{CHANNEL_ID}/messages")

    assert "Ich beantworte Fragen" in answer.json["embeds"][0]["description"]
    assert "re-invite the bot with the link from `newsdesk discord invite`" in caplog.text


async def test_ask_is_deferred_publicly_then_answered(
    fake: FakeDiscord, bot: DiscordService
) -> None:
    deferred, answer = await invoke(fake, interaction("ask", [option("question", MUSK)]))

    assert deferred == {"type": 5}
    [embed] = answer["embeds"]
    assert embed["title"] == MUSK  # the channel sees what was asked
    assert "97,4 Milliarden USD" in embed["description"]
    assert not answer.get("flags")


async def test_a_private_ask_is_ephemeral_from_the_start(
    fake: FakeDiscord, bot: DiscordService
) -> None:
    payload = interaction("ask", [option("question", MUSK), option("private", True)])

    deferred, answer = await invoke(fake, payload)

    assert deferred == {"type": 5, "data": {"flags": 64}}
    assert answer["flags"] == 64
    assert "97,4 Milliarden USD" in answer["embeds"][0]["description"]


async def test_subscribing_without_manage_channels_is_refused_privately(
    fake: FakeDiscord, bot: DiscordService, store: MemoryStore
) -> None:
    options = subcommand("subscribe", option("schedule", "werktags 09:30"))
    payload = interaction("digest", options, permissions=EVERYONE_PERMISSIONS)

    deferred, answer = await invoke(fake, payload)

    assert deferred == {"type": 5, "data": {"flags": 64}}
    assert "darfst du nicht ändern" in answer["embeds"][0]["description"]
    assert store.subscriptions() == []


async def test_a_member_with_manage_channels_subscribes_the_channel(
    fake: FakeDiscord, bot: DiscordService, store: MemoryStore
) -> None:
    options = subcommand(
        "subscribe",
        option("schedule", "werktags 09:30 in Europe/Berlin"),
        option("about", "OpenAI"),
    )
    payload = interaction("digest", options, permissions=EVERYONE_PERMISSIONS | MANAGE_CHANNELS)

    deferred, answer = await invoke(fake, payload)

    assert deferred == {"type": 5}  # the channel sees that it was subscribed
    assert "Abonniert: werktags um 09:30" in answer["embeds"][0]["description"]
    [subscription] = store.subscriptions()
    assert subscription.destination == Destination("discord", str(CHANNEL_ID))
    assert subscription.topic == "OpenAI"


async def test_digest_now_and_list_work_for_everyone(
    fake: FakeDiscord, bot: DiscordService
) -> None:
    _, now = await invoke(fake, interaction("digest", subcommand("now")))
    deferred, listed = await invoke(fake, interaction("digest", subcommand("list")))

    assert now["embeds"][0]["title"] == "Neu im Archiv"
    assert len(now["embeds"][0]["fields"]) >= 3
    assert deferred == {"type": 5, "data": {"flags": 64}}
    assert "kein Digest-Abo" in listed["embeds"][0]["description"]


async def test_when_the_core_fails_the_thinking_message_is_removed(
    fake: FakeDiscord, bot: DiscordService, newsdesk: Newsdesk, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(question: str) -> Reply:
        raise RuntimeError("the index is being rebuilt")

    monkeypatch.setattr(newsdesk, "ask", broken)
    payload = interaction("ask", [option("question", MUSK)])

    await fake.push("INTERACTION_CREATE", payload)

    original = f"/webhooks/{APP_ID}/{payload['token']}/messages/@original"
    await fake.wait_for("DELETE", original)
    assert fake.requests("POST", f"/webhooks/{APP_ID}/{payload['token']}") == []


async def test_a_wrong_schedule_is_answered_only_to_the_asker_in_discord_syntax(
    fake: FakeDiscord, bot: DiscordService, store: MemoryStore
) -> None:
    options = subcommand("subscribe", option("schedule", "every fortnight"))
    payload = interaction("digest", options, permissions=EVERYONE_PERMISSIONS | MANAGE_CHANNELS)

    deferred, answer = await invoke(fake, payload)

    assert deferred == {"type": 5}  # a success would be the channel's
    original = f"/webhooks/{APP_ID}/{payload['token']}/messages/@original"
    assert len(fake.requests("DELETE", original)) == 1  # the public "thinking" message is gone
    order = [call.method for call in fake.calls if payload["token"] in call.path]
    assert order == ["POST", "DELETE", "POST"]  # defer, delete, then the ephemeral follow-up
    assert answer["flags"] == 64
    text = answer["embeds"][0]["description"]
    assert "Den Zeitplan „every fortnight“ verstehe ich nicht." in text
    assert "`/digest subscribe schedule: werktags 09:30 in Europe/Berlin`" in text
    assert "\\" not in text  # the example is code, not escaped markdown
    assert store.subscriptions() == []


async def test_a_question_of_filler_words_is_answered_only_to_the_asker(
    fake: FakeDiscord, bot: DiscordService
) -> None:
    deferred, answer = await invoke(fake, interaction("ask", [option("question", "und wie?")]))

    assert deferred == {"type": 5}
    assert answer["flags"] == 64
    assert "Füllwörtern" in answer["embeds"][0]["description"]


async def test_unsubscribe_takes_the_number_from_the_list(
    fake: FakeDiscord, bot: DiscordService, store: MemoryStore
) -> None:
    managing = EVERYONE_PERMISSIONS | MANAGE_CHANNELS
    for schedule in ("werktags 09:30", "montags 08:00"):
        options = subcommand("subscribe", option("schedule", schedule))
        await invoke(fake, interaction("digest", options, permissions=managing))

    _, asked = await invoke(
        fake, interaction("digest", subcommand("unsubscribe"), permissions=managing)
    )
    text = asked["embeds"][0]["description"]
    assert asked["flags"] == 64
    assert "`/digest unsubscribe which: 1`" in text
    assert "`/digest unsubscribe which: all`" in text
    assert len(store.subscriptions()) == 2

    options = subcommand("unsubscribe", option("which", "2"))
    _, ended = await invoke(fake, interaction("digest", options, permissions=managing))
    assert "Beendet: montags um 08:00" in ended["embeds"][0]["description"]
    assert [s.schedule for s in store.subscriptions()] == ["werktags 09:30"]


async def test_adding_a_feed_needs_manage_channels(
    fake: FakeDiscord, bot: DiscordService, store: MemoryStore
) -> None:
    url = "https://www.heise.de/rss/heise-atom.xml"
    options = subcommand("add", option("url", url), option("every", "2h"))
    _, refused = await invoke(fake, interaction("feed", options, permissions=EVERYONE_PERMISSIONS))
    assert "Feeds darfst du nicht ändern" in refused["embeds"][0]["description"]
    assert store.feeds() == []

    allowed = EVERYONE_PERMISSIONS | MANAGE_CHANNELS
    deferred, added = await invoke(fake, interaction("feed", options, permissions=allowed))
    assert deferred == {"type": 5, "data": {"flags": 64}}
    assert f"Feed 1 hinzugefügt: {url}" in str(added["embeds"][0]["description"])
    [feed] = store.feeds()
    assert (feed.interval_minutes, feed.added_by) == (120, Destination("discord", str(CHANNEL_ID)))

    _, listed = await invoke(fake, interaction("feed", subcommand("list")))
    assert "alle 2 Stunden" in str(listed["embeds"][0]["description"])
    removal = subcommand("remove", option("number", 1))
    _, removed = await invoke(fake, interaction("feed", removal, permissions=allowed))
    assert "Feed beendet" in str(removed["embeds"][0]["description"])
    assert store.feeds() == []
