"""Kill -9 during delivery: ``newsdesk run`` is killed while Slack holds a digest unanswered.

Each kill is aimed at the crash window (Slack has taken a post, the bot has not heard back), after
a random delay into the round's deliveries; see :mod:`tests.adapters.kill_harness`. The bot is a
real subprocess in Socket Mode against the fake Slack on 127.0.0.1; the counts are made on the
fake's channels. With the lookup no digest appears twice; without it (``missing_scope``) each
kill shows at most one digest twice per channel, and nothing is ever lost.
"""

from __future__ import annotations

from pathlib import Path

from tests.adapters.kill_harness import KillRun

KILLS = 3


async def test_killed_during_delivery_with_the_lookup_nothing_is_lost_or_posted_twice(
    tmp_path: Path,
) -> None:
    report = await KillRun(tmp_path, lookup=True, aim=True, seed=16).run(KILLS)

    assert report.window_hits >= KILLS  # every kill left a posted digest unrecorded ...
    assert report.duplicate_digests == 0  # ... and the restart found each one
    assert report.duplicate_articles == 0
    assert report.lost_articles == 0
    assert report.pending_left == 0
    log = (tmp_path / "bot.log").read_text()
    assert "appears twice" not in log


async def test_killed_during_delivery_without_the_lookup_each_kill_repeats_at_most_one_digest(
    tmp_path: Path,
) -> None:
    report = await KillRun(tmp_path, lookup=False, aim=True, seed=16).run(KILLS)

    assert report.lost_articles == 0
    assert report.pending_left == 0
    assert report.window_hits >= KILLS
    assert report.duplicate_digests == report.window_hits  # each one re-sent, once
    assert report.max_hits_per_kill_channel == 1  # a channel has one digest in flight
    assert report.duplicate_articles >= report.duplicate_digests
    log = (tmp_path / "bot.log").read_text()
    assert "in slack:C" in log
    assert "(missing_scope): re-sending it" in log
