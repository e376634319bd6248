"""Slack's inbound payloads and request signatures, as Slack sends them: for tests and benchmarks.

HTTP mode: slash commands are form posts, events are JSON, interactions are a form field
``payload`` holding JSON; each is signed (:func:`signed_headers`). Socket Mode wraps the same
payloads in envelopes (:func:`envelope`). Builders take what varies and fill in the rest.
"""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

__all__ = [
    "block_actions",
    "envelope",
    "event_callback",
    "interaction_body",
    "mention_event",
    "message_event",
    "signed_headers",
    "slash_command",
]

TEAM = "T0001"
APP = "A0001"


def signed_headers(
    secret: str,
    body: str,
    *,
    content_type: str,
    timestamp: int | None = None,
    retry_num: int | None = None,
) -> dict[str, str]:
    """The headers Slack sends with a request: content type, timestamp, ``v0=`` signature."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = str(SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body))
    headers = {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": signature,
    }
    if retry_num is not None:
        headers |= {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
    return headers


def slash_command(
    command: str, text: str, *, response_url: str, user: str = "U1", channel: str = "C1"
) -> dict[str, str]:
    """A slash command's fields (form-encode them with ``urlencode`` for HTTP mode)."""
    return {
        "token": "legacy-verification-token",
        "team_id": TEAM,
        "team_domain": "newsdesk-test",
        "channel_id": channel,
        "channel_name": "news",
        "user_id": user,
        "user_name": "ann",
        "command": command,
        "text": text,
        "api_app_id": APP,
        "response_url": response_url,
        "trigger_id": "1.2.3",
    }


def mention_event(
    text: str, *, ts: str, channel: str = "C1", user: str = "U1", thread_ts: str | None = None
) -> dict[str, Any]:
    """An ``app_mention`` event (``text`` holds the ``<@UBOT>`` markup as Slack sends it)."""
    event: dict[str, Any] = {
        "type": "app_mention",
        "user": user,
        "text": text,
        "ts": ts,
        "channel": channel,
        "event_ts": ts,
    }
    if thread_ts is not None:
        event["thread_ts"] = thread_ts
    return event


def message_event(
    text: str,
    *,
    ts: str,
    channel: str = "D1",
    channel_type: str = "im",
    user: str | None = "U1",
    **extra: Any,
) -> dict[str, Any]:
    """A ``message`` event (a DM by default); ``extra`` adds ``bot_id``, ``subtype`` and such."""
    event: dict[str, Any] = {
        "type": "message",
        "text": text,
        "ts": ts,
        "channel": channel,
        "channel_type": channel_type,
        "event_ts": ts,
        **extra,
    }
    if user is not None:
        event["user"] = user
    return event


def event_callback(event: dict[str, Any], *, event_id: str = "Ev1") -> dict[str, Any]:
    """The Events API body around one event."""
    return {
        "token": "legacy-verification-token",
        "team_id": TEAM,
        "api_app_id": APP,
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": 1_700_000_000,
        "authorizations": [{"team_id": TEAM, "user_id": "UBOT", "is_bot": True}],
    }


def block_actions(
    action_id: str,
    value: str,
    *,
    response_url: str,
    user: str = "U1",
    channel: str = "C1",
    ephemeral: bool = True,
) -> dict[str, Any]:
    """A button click under a message (``ephemeral``: under an answer only the asker saw)."""
    return {
        "type": "block_actions",
        "team": {"id": TEAM, "domain": "newsdesk-test"},
        "user": {"id": user, "username": "ann", "team_id": TEAM},
        "api_app_id": APP,
        "token": "legacy-verification-token",
        "container": {"type": "message", "channel_id": channel, "is_ephemeral": ephemeral},
        "trigger_id": "1.2.3",
        "channel": {"id": channel, "name": "news"},
        "response_url": response_url,
        "actions": [
            {
                "type": "button",
                "action_id": action_id,
                "block_id": "newsdesk_answer",
                "value": value,
                "action_ts": "1700000000.000001",
            }
        ],
    }


def interaction_body(payload: dict[str, Any]) -> str:
    """An interaction as HTTP mode posts it: the form field ``payload`` holding JSON."""
    return urlencode({"payload": json.dumps(payload)})


def envelope(
    kind: str, payload: dict[str, Any], *, envelope_id: str, retry_attempt: int = 0
) -> dict[str, Any]:
    """A Socket Mode envelope: ``slash_commands``, ``events_api`` or ``interactive``."""
    wrapped: dict[str, Any] = {
        "envelope_id": envelope_id,
        "type": kind,
        "payload": payload,
        "accepts_response_payload": kind != "events_api",
    }
    if kind == "events_api":
        wrapped |= {"retry_attempt": retry_attempt, "retry_reason": "timeout" * bool(retry_attempt)}
    return wrapped
