"""Mentions, replies and DMs: a real discord.Client against the fake Discord, asserting the wire.

Discord sends the bot the content of messages that mention it, of DMs and of replies to it, so
the bot asks for no privileged intent. It answers each such message once, as a reply to it,
with an embed that pings nobody; it ignores other bots and itself.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from adapters.discord import DiscordService, newsdesk_intents
from bot import Destination, Newsdesk, Reply, ReplyKind, Span, build_newsdesk
from bot.store import MemoryStore
from tests.adapters.discord.conftest import discord_settings, running
from tests.adapters.discord.fake_discord import Call, FakeDiscord, embed_problems
from tests.adapters.discord.fake_payloads import (
    APP_ID,
    BOT_USER,
    CHANNEL_ID,
    DM_CHANNEL_ID,
    MOD,
    MOD_ROLE,
    OTHER_BOT,
    PLAIN_CHANNEL_ID,
    THREAD_ID,
    message,
    sent_message,
    user,
)
from tests.conftest import SEEDS, make_settings

MUSK = "Wie viel bot Musk für OpenAI?"
MENTION = f"<@{APP_ID}>"


def posts(fake: FakeDiscord, channel: int = CHANNEL_ID) -> list[Call]:
    return fake.requests("POST", f"/channels/{channel}/messages")


async def ask(fake: FakeDiscord, text: str, channel: int = CHANNEL_ID, **how: object) -> Call:
    """Push a message and return the bot's reply to it."""
    pushed = message(text, channel_id=channel, **how)  # type: ignore[arg-type]
    before = len(posts(fake, channel))
    await fake.push("MESSAGE_CREATE", pushed)
    [*_, reply] = await fake.wait_for("POST", f"/channels/{channel}/messages", count=before + 1)
    assert reply.json["message_reference"]["message_id"] == int(pushed["id"])
    return reply


async def test_the_bot_identifies_without_privileged_intents(
    fake: FakeDiscord, bot: DiscordService
) -> None:
    assert fake.identify is not None
    intents = fake.identify["intents"]
    assert intents == newsdesk_intents().value
    assert not intents & (1 << 15)  # message content
    assert not intents & (1 << 1)  # guild members
    assert not intents & (1 << 8)  # presences
    assert intents & (1 << 9)  # guild messages
    assert intents & (1 << 12)  # direct messages


async def test_a_mention_is_answered_with_a_reply_that_pings_nobody(
    fake: FakeDiscord, bot: DiscordService
) -> None:
    reply = await ask(fake, f"{MENTION} {MUSK}", mentions_bot=True)

    payload = reply.json
    assert payload["allowed_mentions"] == {"parse": []}
    assert bot.client.allowed_mentions is not None
    assert dict(bot.client.allowed_mentions.to_dict()) == {"parse": []}  # the client's default too
    assert payload["message_reference"]["fail_if_not_exists"] is False
    [embed] = payload["embeds"]
    assert embed["title"] == MUSK
    assert "97,4 Milliarden USD" in embed["description"]
    assert "**Musk**" in embed["description"]
    assert embed["fields"][0]["name"].startswith("[1] ")
    assert embed_problems(payload) == []


async def test_a_direct_message_needs_no_mention(fake: FakeDiscord, bot: DiscordService) -> None:
    reply = await ask(fake, MUSK, channel=DM_CHANNEL_ID, guild=False)

    assert "97,4 Milliarden USD" in reply.json["embeds"][0]["description"]
    assert reply.json["allowed_mentions"] == {"parse": []}


async def test_a_mention_in_a_thread_is_answered_in_the_thread(
    fake: FakeDiscord, bot: DiscordService
) -> None:
    reply = await ask(fake, f"<@!{APP_ID}> {MUSK}", channel=THREAD_ID, mentions_bot=True)

    assert reply.path == f"/channels/{THREAD_ID}/messages"
    assert "97,4 Milliarden USD" in reply.json["embeds"][0]["description"]


async def test_a_reply_to_the_bot_is_answered_without_a_mention(
    fake: FakeDiscord, bot: DiscordService
) -> None:
    earlier = await ask(fake, f"{MENTION} hilfe", mentions_bot=True)
    bots_message = sent_message(str(CHANNEL_ID), earlier.json)

    reply = await ask(fake, MUSK, replying_to=bots_message)

    assert "97,4 Milliarden USD" in reply.json["embeds"][0]["description"]


async def test_a_reply_to_an_answer_is_read_with_the_question_before_it(
    fake: FakeDiscord, bot: DiscordService, newsdesk: Newsdesk
) -> None:
    first = await ask(fake, f"{MENTION} {MUSK}", mentions_bot=True)
    answer = sent_message(str(CHANNEL_ID), first.json)

    follow_up = await ask(fake, "und wann war das?", replying_to=answer)

    assert "10. Februar" in follow_up.json["embeds"][0]["description"]  # the offer's date
    # one more reply down the chain: Discord resolves one level, the thread still counts
    second = sent_message(str(CHANNEL_ID), follow_up.json)
    deeper = await ask(fake, "und wer steckt dahinter?", replying_to=second)
    assert "Musk" in deeper.json["embeds"][0]["description"]
    # the same words as a fresh mention start a new conversation: only filler words
    fresh = await ask(fake, f"{MENTION} und wann war das?", mentions_bot=True)
    assert "Füllwörtern" in fresh.json["embeds"][0]["description"]


async def test_in_a_discord_thread_the_thread_is_the_conversation(
    fake: FakeDiscord, bot: DiscordService
) -> None:
    await ask(fake, f"{MENTION} {MUSK}", channel=THREAD_ID, mentions_bot=True)
    follow_up = await ask(
        fake, f"{MENTION} und wann war das?", channel=THREAD_ID, mentions_bot=True
    )
    assert "10. Februar" in follow_up.json["embeds"][0]["description"]


async def test_where_the_bot_may_not_embed_links_it_answers_in_plain_content(
    fake: FakeDiscord, bot: DiscordService
) -> None:
    reply = await ask(fake, f"{MENTION} {MUSK}", channel=PLAIN_CHANNEL_ID, mentions_bot=True)

    assert reply.json["embeds"] == []
    assert reply.json["content"].startswith(f"**{MUSK}**")
    assert "97,4 Milliarden USD" in reply.json["content"]
    assert reply.json["allowed_mentions"] == {"parse": []}


async def test_the_core_grammar_works_after_a_mention(
    fake: FakeDiscord, bot: DiscordService
) -> None:
    reply = await ask(fake, f"{MENTION} digest list", mentions_bot=True)

    assert "kein Digest-Abo" in reply.json["embeds"][0]["description"]


async def test_only_a_member_with_manage_channels_subscribes_by_mention(
    fake: FakeDiscord, bot: DiscordService, store: MemoryStore
) -> None:
    command = f"{MENTION} digest subscribe täglich 08:00"

    refused = await ask(fake, command, mentions_bot=True)
    accepted = await ask(
        fake, command, mentions_bot=True, author=user(MOD, "mo"), roles=(MOD_ROLE,)
    )

    assert "darfst du nicht ändern" in refused.json["embeds"][0]["description"]
    assert "Abonniert: täglich um 08:00" in accepted.json["embeds"][0]["description"]
    [subscription] = store.subscriptions()
    assert subscription.destination == Destination("discord", str(CHANNEL_ID))


async def test_other_bots_itself_and_unaddressed_messages_are_ignored(
    fake: FakeDiscord, bot: DiscordService
) -> None:
    for ignored in (
        message(f"{MENTION} {MUSK}", author=user(OTHER_BOT, "robot", bot=True), mentions_bot=True),
        message(f"{MENTION} {MUSK}", author=BOT_USER, mentions_bot=True),
        message(MUSK),  # in a guild channel without a mention
    ):
        await fake.push("MESSAGE_CREATE", ignored)
    await ask(fake, f"{MENTION} {MUSK}", mentions_bot=True)  # the bot is still listening
    await fake.quiet()

    assert len(posts(fake)) == 1


async def test_each_message_is_answered_once(fake: FakeDiscord, bot: DiscordService) -> None:
    twice = message(f"{MENTION} {MUSK}", mentions_bot=True)

    def answers() -> list[Call]:
        return [
            c for c in posts(fake) if c.json["message_reference"]["message_id"] == int(twice["id"])
        ]

    await fake.push("MESSAGE_CREATE", twice)
    await fake.push("MESSAGE_CREATE", twice)  # e.g. replayed after a resume
    await fake.wait_until(lambda: len(answers()) >= 1)
    await fake.quiet()

    assert len(answers()) == 1


async def test_a_ten_thousand_character_answer_is_cut_and_accepted(
    fake: FakeDiscord, bot: DiscordService, newsdesk: Newsdesk, monkeypatch: pytest.MonkeyPatch
) -> None:
    sentence = "Ein langer Satz über OpenAI, Microsoft und die Zukunft der KI in Europa. "
    huge = Reply(((Span(sentence * 140),),), ReplyKind.ANSWER, question="Alles?")
    assert len(huge.text) > 10_000
    monkeypatch.setattr(newsdesk, "handle", lambda text, context=None: huge)

    reply = await ask(fake, f"{MENTION} Alles?", mentions_bot=True)

    assert embed_problems(reply.json) == []
    assert reply.json["embeds"][0]["description"].endswith(
        "*(Gekürzt: die ganze Stelle steht in der Quelle.)*"
    )


async def test_an_article_that_says_at_everyone_pings_nobody(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    articles = tmp_path / "articles"
    shutil.copytree(SEEDS, articles)
    (articles / "005_alarm.md").write_text(
        "---\ntitle: Alarm @everyone bei Quarkbyte\nsource: Beispiel.de\n---\n"
        "@everyone @here Quarkbyte stellt das Sprachmodell Q-9 vor, das mit OpenAI "
        f"konkurrieren soll. Frag <@&{APP_ID}> oder <@{OTHER_BOT}>.\n\n"
        "Quarkbyte sammelte dafür 40 Millionen Euro ein.\n",
        encoding="utf-8",
    )
    core = build_newsdesk(make_settings(tmp_path / "data", articles_dir=articles))
    settings = discord_settings(fake, tmp_path / "data")
    async with running(DiscordService(core, settings, guild_ready_timeout=0.05)):
        reply = await ask(fake, f"{MENTION} Was stellt Quarkbyte vor? @everyone", mentions_bot=True)

    payload = reply.json
    assert payload["allowed_mentions"] == {"parse": []}
    [embed] = payload["embeds"]
    assert "Q-9" in embed["description"]
    everything = json.dumps(payload, ensure_ascii=False)
    assert "@everyone" not in everything
    assert "@here" not in everything
    # the core defuses the sentence before emphasising the question's term in it
    assert "@\u200b**everyone**" in embed["description"]
    assert "@\u200bhere" in embed["description"]
