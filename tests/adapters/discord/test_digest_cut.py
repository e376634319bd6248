"""A Discord digest cut at the embed limits records only what it shows, across a crash."""

from __future__ import annotations

from pathlib import Path

from adapters.discord import DiscordService
from bot import Destination, Poster
from tests.adapters.digest_wire import cut_crash_restart
from tests.adapters.discord.fake_discord import FakeDiscord, embed_problems
from tests.adapters.discord.fake_payloads import CHANNEL_ID
from tests.bot.test_delivery import FakeClock


async def test_a_cut_discord_digest_records_what_it_shows_even_across_a_crash(
    fake: FakeDiscord, bot: DiscordService, tmp_path: Path
) -> None:
    def poster(clock: FakeClock) -> Poster:
        return bot.poster

    def messages() -> list[str]:
        posts = fake.requests("POST", f"/channels/{CHANNEL_ID}/messages")
        texts = []
        for post in posts:
            assert embed_problems(post.json) == []  # each is a message Discord accepts
            [embed] = post.json["embeds"]
            parts = [embed["title"], embed.get("description") or ""]
            parts += [f"{field['name']}\n{field['value']}" for field in embed["fields"]]
            texts.append("\n".join(parts).replace("\\", ""))
        return texts

    await cut_crash_restart(tmp_path, Destination("discord", str(CHANNEL_ID)), poster, messages)
