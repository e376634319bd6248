"""Operations over HTTP and in logs: GET /healthz, GET /metrics, --log-format json.

The server runs on a free port of 127.0.0.1 and is asked with aiohttp's client, as a load
balancer or Prometheus would ask it.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from adapters.cli import main
from adapters.ops import OpsServer
from bot import CoreWorkers, Destination, Metrics, Newsdesk, build_newsdesk
from bot.postgres_store import PostgresStore
from bot.store import MemoryStore, Store
from tests.conftest import make_settings


def core_over(store: Store, tmp_path: Path) -> Newsdesk:
    return build_newsdesk(make_settings(tmp_path), store=lambda: store)


@pytest.fixture
async def ops(tmp_path: Path) -> AsyncIterator[tuple[OpsServer, MemoryStore, str]]:
    store = MemoryStore()
    server = OpsServer(core_over(store, tmp_path), Metrics(), host="127.0.0.1", port=0)
    port = await server.start()
    yield server, store, f"http://127.0.0.1:{port}"
    await server.stop()


async def get(url: str) -> tuple[int, str, str]:
    timeout = aiohttp.ClientTimeout(total=10)
    async with aiohttp.ClientSession(timeout=timeout) as session, session.get(url) as response:
        return response.status, response.headers["Content-Type"], await response.text()


async def test_healthz_is_ready_when_the_index_is_loaded_and_the_store_answers(
    ops: tuple[OpsServer, MemoryStore, str],
) -> None:
    _, _, base = ops
    status, kind, body = await get(f"{base}/healthz")
    assert (status, kind.split(";")[0]) == (200, "application/json")
    state = json.loads(body)
    assert state["status"] == "ready"
    assert state["store"] == "ok"
    assert state["index"].endswith("passages")


async def test_healthz_is_unavailable_with_the_reason_when_the_store_fails(
    ops: tuple[OpsServer, MemoryStore, str],
) -> None:
    _, store, base = ops
    store.close()
    status, _, body = await get(f"{base}/healthz")
    assert status == 503
    assert json.loads(body) == {
        "status": "unavailable",
        "index": json.loads(body)["index"],
        "store": "the in-memory store is closed",
    }


async def test_healthz_over_postgres_never_shows_the_password(
    postgres_url: str, tmp_path: Path
) -> None:
    store = PostgresStore(postgres_url)
    server = OpsServer(core_over(store, tmp_path), Metrics(), host="127.0.0.1", port=0)
    base = f"http://127.0.0.1:{await server.start()}"
    try:
        assert (await get(f"{base}/healthz"))[0] == 200
        store.close()
        status, _, body = await get(f"{base}/healthz")
        assert status == 503
        assert "is closed" in json.loads(body)["store"]
    finally:
        await server.stop()


async def test_metrics_count_questions_answers_abstentions_and_digests(
    ops: tuple[OpsServer, MemoryStore, str],
) -> None:
    server, _, base = ops
    workers = CoreWorkers(server.core, metrics=server.metrics)
    answered = await workers.handle("Wie viel bot Musk für OpenAI?")
    declined = await workers.ask("Wie wird das Wetter morgen in Hamburg?")
    await workers.handle("help")  # a command, not a question
    assert (answered.kind.value, declined.kind.value) == ("answer", "no_answer")
    server.metrics.posted(Destination("slack", "C1"), 3)
    server.metrics.failed(Destination("discord", "D1"), "missing_access")
    server.metrics.queued(due=4, pending=1)
    status, kind, text = await get(f"{base}/metrics")
    assert status == 200
    assert kind.startswith("text/plain")
    samples = {
        line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line and not line.startswith("#")
    }
    assert samples["newsdesk_questions_total"] == 2
    assert samples["newsdesk_answers_total"] == 1
    assert samples["newsdesk_abstentions_total"] == 1
    assert samples["newsdesk_question_seconds_count"] == 2
    assert samples['newsdesk_digests_posted_total{platform="slack"}'] == 1
    assert samples['newsdesk_digests_failed_total{platform="discord",reason="missing_access"}'] == 1
    assert samples['newsdesk_digest_queue_depth{kind="due"}'] == 4
    assert samples['newsdesk_digest_queue_depth{kind="pending"}'] == 1


def test_log_format_json_writes_one_object_per_line(tmp_path: Path) -> None:
    err = io.StringIO()
    settings = make_settings(tmp_path)
    status = main(
        ["--log-format", "json", "check"],
        settings=settings,
        stdin=io.StringIO(),
        stdout=io.StringIO(),
        stderr=err,
    )
    assert status == 0
    logging.getLogger("bot.delivery").warning("digest to %s: %s", "slack:C1", "rate_limited")
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        logging.getLogger("bot.runtime").exception("a pass failed")
    lines = [json.loads(line) for line in err.getvalue().splitlines()]
    assert lines[-2]["message"] == "digest to slack:C1: rate_limited"
    assert (lines[-2]["level"], lines[-2]["logger"]) == ("WARNING", "bot.delivery")
    assert lines[-2]["time"].endswith("+00:00")
    assert "RuntimeError: boom" in lines[-1]["exception"]
