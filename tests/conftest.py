"""Shared fixtures: settings pointing at the bundled seeds and a temporary data folder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql

from bot import Newsdesk, Settings, build_newsdesk
from tests.postgres import Cluster, find_binaries, missing_postgres

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def make_settings(data_dir: Path, **overrides: object) -> Settings:
    """Settings for tests: no .env file, no environment, the seeds and a private data folder.

    The multilingual encoder is off (encoding the seeds takes seconds per data folder); the tests
    of :mod:`knowledge.dense` and ``tests/bot/test_meaning.py`` turn it on.
    """
    values: dict[str, Any] = {
        "articles_dir": SEEDS,
        "data_dir": data_dir,
        "multilingual": False,
        **overrides,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


#: Environment variables that Settings (or Bolt and discord.py themselves) would read.
ENVIRONMENT_PREFIXES = ("NEWSDESK_", "SLACK_", "DISCORD_")
#: What the tests' environment holds instead: no encoder in ``newsdesk`` subprocesses either.
TEST_ENVIRONMENT = {"NEWSDESK_MULTILINGUAL": "false"}


@pytest.fixture(scope="session", autouse=True)
def no_real_environment() -> Iterator[None]:
    """Keep every test from reading the developer's environment or a ``.env`` file.

    Exported ``NEWSDESK_*``, ``SLACK_*`` and ``DISCORD_*`` variables are removed, and settings
    built without ``_env_file=None`` read no ``.env`` either. A test that wants a variable sets it
    with ``monkeypatch.setenv`` after this fixture has run.
    """
    with pytest.MonkeyPatch.context() as patch:  # session-wide: session fixtures build settings
        for name in list(os.environ):
            if name.startswith(ENVIRONMENT_PREFIXES):
                patch.delenv(name)
        for name, value in TEST_ENVIRONMENT.items():
            patch.setenv(name, value)
        patch.setitem(Settings.model_config, "env_file", None)
        yield


@pytest.fixture(scope="session")
def seed_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings over the seeds with a data folder shared by the whole session."""
    return make_settings(tmp_path_factory.mktemp("data"))


@pytest.fixture(scope="session")
def core(seed_settings: Settings) -> Newsdesk:
    """The core over the seed articles, in German."""
    return build_newsdesk(seed_settings)


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[Cluster]:
    """A throwaway PostgreSQL server for the session (skipped, or failed in CI, without one)."""
    binaries = find_binaries()
    if binaries is None:
        missing_postgres()
        raise AssertionError("unreachable")  # pragma: no cover -- skip and fail raise
    cluster = Cluster.start(binaries)
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def postgres_url(postgres_cluster: Cluster) -> Iterator[str]:
    """The URL of an empty schema of its own on the session's server, dropped afterwards."""
    global _schemas  # noqa: PLW0603 -- a counter for unique names within the session
    _schemas += 1
    schema = f"test_{os.getpid()}_{_schemas}"
    with psycopg.connect(postgres_cluster.url, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    try:
        yield f"{postgres_cluster.url}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(postgres_cluster.url, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))


_schemas = 0
