"""The delivery poll interval and lease length are settings, not constants in the runtime."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bot import build_newsdesk
from bot.runtime import Runtime
from bot.store import MemoryStore
from tests.conftest import make_settings


def test_the_delivery_loop_polls_at_the_configured_interval(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, digest_poll_seconds=2.5)
    store = MemoryStore()
    core = build_newsdesk(settings, store=lambda: store)
    assert Runtime(core, {}, settings).loop.poll_interval == 2.5


def test_the_delivery_loop_leases_for_the_configured_time(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, digest_lease_seconds=45)
    store = MemoryStore()
    core = build_newsdesk(settings, store=lambda: store)
    assert Runtime(core, {}, settings).loop.lease_ttl == dt.timedelta(seconds=45)
