"""The Slack adapter: slash commands, mentions, direct messages and digests, through Bolt.

Translate in (:mod:`adapters.slack.inbound`), call the core once (:mod:`adapters.slack.app`),
translate out (:mod:`adapters.slack.render`); :class:`SlackService` serves it for
``newsdesk run`` (Socket Mode or HTTP) and :class:`SlackPoster` posts digests. The local fake of
Slack used by the tests and benchmarks is in :mod:`adapters.slack.testing`.
"""

from adapters.slack.poster import SlackPoster
from adapters.slack.render import Asked, to_blocks
from adapters.slack.service import SlackService

__all__ = ["Asked", "SlackPoster", "SlackService", "to_blocks"]
