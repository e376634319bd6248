"""Kill -9 during digest delivery (issue 16): duplicates and lost articles, with and without lookup.

Usage: PYTHONPATH=. .venv/bin/python scripts/bench_kill.py [--kills 6] [--channels 5] [--seed 1]
       [--aim] [--platform slack|discord] [--forget-nonces]

Runs ``newsdesk run`` as a subprocess against the local fake Slack or Discord (127.0.0.1),
SIGKILLs it at random moments during delivery, restarts it, and counts on the fake (see
``tests/adapters/kill_harness.py``): once with the platform lookup, once without it (Slack:
``missing_scope``; Discord: 403). Prints one line per run. ``--aim`` kills only while the
platform holds a post unanswered (every kill in the crash window). ``--forget-nonces``: Discord
does not drop a repeated nonce (a restart later than its few minutes).
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from pathlib import Path

from tests.adapters.kill_harness import TOPICS, KillRun
from tests.adapters.kill_platforms import DiscordSide, FakePlatform, SlackSide


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=6)
    parser.add_argument("--channels", type=int, default=5)
    parser.add_argument("--topics", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--aim", action="store_true")
    parser.add_argument("--platform", choices=("slack", "discord"), default="slack")
    parser.add_argument("--forget-nonces", action="store_true")
    args = parser.parse_args()
    discord = args.platform == "discord"
    print(
        f"{args.platform}: {args.kills} kills, {args.channels} channels x {args.topics} topics,"
        f" seed {args.seed}{', aimed' if args.aim else ', random moments'}"
        f"{', nonces forgotten' if discord and args.forget_nonces else ''}"
    )
    print("lookup   window-hits  digests  dup-digests  dup-articles  lost  pending  seconds")
    for lookup in (True, False):
        platform: FakePlatform = (
            DiscordSide(remember_nonces=not args.forget_nonces) if discord else SlackSide()
        )
        with tempfile.TemporaryDirectory() as work:
            run = KillRun(
                Path(work),
                platform=platform,
                lookup=lookup,
                lag=1.0 if discord else 0.3,  # Discord's posts are not paced: longer rounds
                max_delay=1.0 if discord else 1.5,
                channels=args.channels,
                topics=TOPICS[: args.topics],
                aim=args.aim,
                seed=args.seed,
            )
            report = asyncio.run(run.run(args.kills))
        print(
            f"{'with' if lookup else 'without':8} {report.window_hits:11} {report.digests:8}"
            f" {report.duplicate_digests:12} {report.duplicate_articles:13}"
            f" {report.lost_articles:5} {report.pending_left:8} {report.seconds:8.1f}"
        )


if __name__ == "__main__":
    main()
