"""The Discord adapter's one error: a setup problem the operator can fix, said in a sentence."""

from __future__ import annotations

from bot import NewsdeskError

__all__ = ["DiscordSetupError"]


class DiscordSetupError(NewsdeskError):
    """Discord cannot be served as configured (a missing or rejected token, a bad URL)."""
