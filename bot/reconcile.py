"""Was a pending delivery posted before the bot stopped? Ask the platform before re-sending.

A crash between the platform accepting a digest and the local commit leaves the delivery pending
(:mod:`bot.store`); re-sending it blindly shows that digest twice. So at start-up the delivery loop
first asks the delivery's poster whether the message is already in the channel: a poster that can
look (Slack, Discord) implements the small :class:`PostFinder` capability beside the
:class:`bot.delivery.Poster` port; one that cannot (the console) does not, and is re-sent to as
before. :func:`look_up` turns the answer into a :class:`Lookup`:

- ``found``: the loop completes the delivery with that message (its articles recorded as sent).
- ``not_found``: the platform certainly has no such message since the delivery began: re-send.
- ``unavailable``: the platform could not be asked (a missing scope or permission, the bot not in
  the channel, a timeout, any error): re-send, with one warning naming the channel and the reason.
- ``no_lookup``: the poster has nothing to look up.

The lookup covers the messages since the delivery began, less :data:`LOOKUP_MARGIN` (the bot's
clock and the platform's may differ a little).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

from bot.store import Destination, PendingDelivery

__all__ = ["LOOKUP_MARGIN", "Lookup", "LookupStatus", "LookupUnavailable", "PostFinder", "look_up"]

log = logging.getLogger(__name__)

#: Look from this long before the delivery began: clocks differ, a post takes a moment.
LOOKUP_MARGIN = dt.timedelta(minutes=5)

LookupStatus = Literal["found", "not_found", "unavailable", "no_lookup"]


class LookupUnavailable(Exception):  # noqa: N818 -- a state, not a mistake: the platform said no
    """The platform cannot be asked; ``reason`` is short, e.g. ``"missing_scope"``."""

    def __init__(self, reason: str) -> None:
        """Name the reason (for the operator's log line)."""
        super().__init__(reason)
        self.reason = reason


@runtime_checkable
class PostFinder(Protocol):
    """A poster that can find its own digest message of one delivery on the platform."""

    async def find_posted(
        self, destination: Destination, delivery_id: int, *, since: dt.datetime
    ) -> str | None:
        """Return the reference of the bot's message of this delivery posted after ``since``.

        Returns:
            The message reference (as :meth:`bot.delivery.Poster.post` returns it), or None when
            the channel certainly holds no such message.

        Raises:
            LookupUnavailable: the platform could not be asked, or could not answer for certain.
        """


@dataclass(frozen=True, slots=True)
class Lookup:
    """What the platform said about one pending delivery; see the module docstring."""

    status: LookupStatus
    message_ref: str | None = None
    reason: str | None = None


async def look_up(
    poster: object,
    delivery: PendingDelivery,
    *,
    timeout: float,
    margin: dt.timedelta = LOOKUP_MARGIN,
) -> Lookup:
    """Ask ``poster`` (if it is a :class:`PostFinder`) whether ``delivery`` was posted.

    Never raises (but for cancellation): any failure is ``unavailable`` with its reason.
    """
    if not isinstance(poster, PostFinder):
        return Lookup("no_lookup")
    since = delivery.begun_at - margin
    try:
        async with asyncio.timeout(timeout):
            ref = await poster.find_posted(delivery.destination, delivery.id, since=since)
    except LookupUnavailable as exc:
        return Lookup("unavailable", reason=exc.reason)
    except TimeoutError:
        return Lookup("unavailable", reason="timeout")
    except Exception as exc:
        log.debug("looking up delivery %d raised", delivery.id, exc_info=True)
        return Lookup("unavailable", reason=type(exc).__name__)
    if ref is None:
        return Lookup("not_found")
    return Lookup("found", message_ref=ref)
