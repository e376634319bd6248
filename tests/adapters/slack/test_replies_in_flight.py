"""Replies after the acknowledgement: response URLs over one session, and tasks that end loudly."""

from __future__ import annotations

import asyncio
import logging

import pytest

from adapters.slack.app import InFlight
from adapters.slack.responses import ResponseUrls
from adapters.slack.testing import FakeSlack


async def test_replies_reach_their_response_urls_over_one_session() -> None:
    responses = ResponseUrls()
    async with FakeSlack() as fake:
        first = await responses.send(fake.response_url("a"), text="eins", response_type="ephemeral")
        second = await responses.send(fake.response_url("b"), text="zwei", delete_original=True)
        assert (first, second) == (True, True)
        assert fake.responses_to("a") == [{"text": "eins", "response_type": "ephemeral"}]
        assert fake.responses_to("b") == [{"text": "zwei", "delete_original": True}]
        session = responses._session
        assert session is not None
        assert not session.closed
        await responses.close()
        assert session.closed


async def test_a_refused_reply_is_logged_without_its_url(caplog: pytest.LogCaptureFixture) -> None:
    responses = ResponseUrls()
    async with FakeSlack() as fake:
        url = f"{fake.base_url}/expired/T0001/secret-key"
        with caplog.at_level(logging.WARNING, logger="adapters.slack.responses"):
            assert not await responses.send(url, text="zu spät")
        await responses.close()
    assert "Slack refused a reply at its response URL (404" in caplog.text
    assert "secret-key" not in caplog.text


async def test_a_failed_reply_task_is_logged_and_drain_waits_for_the_rest(
    caplog: pytest.LogCaptureFixture,
) -> None:
    inflight = InFlight()
    finished: list[str] = []

    async def slow() -> None:
        await asyncio.sleep(0.05)
        finished.append("slow")

    async def broken() -> None:
        raise ConnectionError("the response URL is unreachable")

    with caplog.at_level(logging.ERROR, logger="adapters.slack.app"):
        inflight.spawn(slow(), "/ask")
        inflight.spawn(broken(), "a mention")
        assert inflight.count == 2
        assert await inflight.drain(5)
    assert finished == ["slow"]
    assert inflight.count == 0
    assert "could not finish the reply to a mention" in caplog.text
    assert "the response URL is unreachable" in caplog.text


async def test_drain_reports_replies_still_running_after_the_timeout() -> None:
    inflight = InFlight()
    release = asyncio.Event()

    async def held() -> None:
        await release.wait()

    inflight.spawn(held(), "/ask")
    assert not await inflight.drain(0.05)
    assert inflight.count == 1
    release.set()
    assert await inflight.drain(5)
