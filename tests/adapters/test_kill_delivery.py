"""Kill -9 during delivery: ``newsdesk run`` is killed while the platform holds a digest unanswered.

Each kill is aimed at the crash window (the platform has taken a post, the bot has not heard
back), after a random delay into the round's deliveries; see :mod:`tests.adapters.kill_harness`.
The bot is a real subprocess against the fake Slack (Socket Mode) or the fake Discord on
127.0.0.1; the counts are made on the fake's channels. With the lookup no digest appears twice;
without it (Slack: ``missing_scope``; Discord: 403, and a restart later than the minutes in
which Discord drops a repeated nonce) each kill shows at most one digest twice per channel, and
nothing is ever lost.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.adapters.kill_harness import KillRun
from tests.adapters.kill_platforms import DiscordSide, SlackSide

KILLS = 3
REFUSED = {"slack": "(missing_scope): re-sending it", "discord": "(missing_access): re-sending it"}


def slack_run(workdir: Path, *, lookup: bool) -> KillRun:
    return KillRun(workdir, platform=SlackSide(), lookup=lookup, aim=True, seed=16, max_delay=1.0)


def discord_run(workdir: Path, *, lookup: bool) -> KillRun:
    side = DiscordSide(remember_nonces=False)  # no pacing: a longer lag keeps rounds going
    return KillRun(workdir, platform=side, lookup=lookup, aim=True, seed=16, lag=1.0, max_delay=1.0)


RUNS = pytest.mark.parametrize("make", [slack_run, discord_run], ids=["slack", "discord"])


@RUNS
async def test_killed_during_delivery_with_the_lookup_nothing_is_lost_or_posted_twice(
    tmp_path: Path, make: Callable[..., KillRun]
) -> None:
    report = await make(tmp_path, lookup=True).run(KILLS)

    assert report.window_hits >= KILLS  # every kill left a posted digest unrecorded ...
    assert report.duplicate_digests == 0  # ... and the restart found each one
    assert report.duplicate_articles == 0
    assert report.lost_articles == 0
    assert report.pending_left == 0
    log = (tmp_path / "bot.log").read_text()
    assert "appears twice" not in log


@RUNS
async def test_killed_during_delivery_without_the_lookup_each_kill_repeats_at_most_one_digest(
    tmp_path: Path, make: Callable[..., KillRun]
) -> None:
    run = make(tmp_path, lookup=False)
    report = await run.run(KILLS)

    assert report.lost_articles == 0
    assert report.pending_left == 0
    assert report.window_hits >= KILLS
    assert report.duplicate_digests == report.window_hits  # each one re-sent, once
    assert report.max_hits_per_kill_channel == 1  # a channel has one digest in flight
    assert report.duplicate_articles >= report.duplicate_digests
    log = (tmp_path / "bot.log").read_text()
    assert f"in {run.platform.name}:" in log
    assert REFUSED[run.platform.name] in log
