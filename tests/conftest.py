"""Shared fixtures: settings pointing at the bundled seeds and a temporary data folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import Newsdesk, Settings, build_newsdesk

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def make_settings(data_dir: Path, **overrides: object) -> Settings:
    """Settings for tests: no .env file, no environment, the seeds and a private data folder.

    The multilingual encoder is off (encoding the seeds takes seconds per data folder); the tests
    of :mod:`knowledge.dense` and ``tests/bot/test_meaning.py`` turn it on.
    """
    values: dict[str, object] = {
        "articles_dir": SEEDS,
        "data_dir": data_dir,
        "multilingual": False,
        **overrides,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture(autouse=True)
def _no_encoder_in_subprocesses(monkeypatch: pytest.MonkeyPatch) -> None:
    """CLI tests run ``newsdesk`` in a subprocess: keep the encoder off there too."""
    monkeypatch.setenv("NEWSDESK_MULTILINGUAL", "false")


@pytest.fixture(scope="session")
def seed_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings over the seeds with a data folder shared by the whole session."""
    return make_settings(tmp_path_factory.mktemp("data"))


@pytest.fixture(scope="session")
def core(seed_settings: Settings) -> Newsdesk:
    """The core over the seed articles, in German."""
    return build_newsdesk(seed_settings)
