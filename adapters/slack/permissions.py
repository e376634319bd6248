"""Who may change a channel's digest subscriptions in Slack.

``NEWSDESK_SLACK_SUBSCRIPTION_MANAGERS`` is empty (anyone may), or a comma-separated list of user
ids and/or the word ``admins`` (workspace admins and owners, asked of ``users.info`` and
remembered for a few minutes). Everyone else gets the core's polite refusal: the adapter passes
``RequestContext(may_manage=False)`` and the core answers.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.inbound import TtlCache

__all__ = ["ManagerPolicy", "Managers"]

log = logging.getLogger(__name__)

_ADMINS = "admins"


@dataclass(frozen=True, slots=True)
class ManagerPolicy:
    """The parsed setting: listed user ids, and whether workspace admins and owners qualify."""

    users: frozenset[str] = frozenset()
    admins: bool = False

    @classmethod
    def parse(cls, setting: str) -> ManagerPolicy:
        """Parse ``"U123, U456, admins"``; empty means anyone."""
        words = {word.strip() for word in setting.split(",") if word.strip()}
        admins = any(word.lower() == _ADMINS for word in words)
        return cls(frozenset(w for w in words if w.lower() != _ADMINS), admins)

    @property
    def anyone(self) -> bool:
        """True when the setting is empty: everyone may manage."""
        return not self.users and not self.admins

    def verdict(self, user: str) -> bool | None:
        """True or False when the list decides; None when it depends on being an admin."""
        if self.anyone or user in self.users:
            return True
        return None if self.admins else False


class Managers:
    """Decides ``may_manage`` for a user, asking Slack whether they are an admin when needed."""

    def __init__(self, policy: ManagerPolicy, *, ttl: float = 300.0) -> None:
        """Apply ``policy``; remember admin status for ``ttl`` seconds."""
        self.policy = policy
        self._admins: TtlCache[str, bool] = TtlCache(ttl, 10_000)

    async def may_manage(self, client: AsyncWebClient, user: str) -> bool:
        """Whether ``user`` may change a channel's subscriptions (False if Slack cannot say)."""
        verdict = self.policy.verdict(user)
        if verdict is not None:
            return verdict
        known = self._admins.get(user)
        if known is None:
            known = await self._is_admin(client, user)
            self._admins.put(user, known)
        return known

    async def _is_admin(self, client: AsyncWebClient, user: str) -> bool:
        try:
            response = await client.users_info(user=user)
        except SlackApiError as error:
            log.warning(
                "users.info for %s failed (%s); not a manager", user, error.response["error"]
            )
            return False
        profile = response.get("user") or {}
        return bool(profile.get("is_admin") or profile.get("is_owner"))
