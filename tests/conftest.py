"""Shared fixtures: settings pointing at the bundled seeds and a temporary data folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import Newsdesk, Settings, build_newsdesk

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def make_settings(data_dir: Path, **overrides: object) -> Settings:
    """Settings for tests: no .env file, no environment, the seeds and a private data folder."""
    values: dict[str, object] = {"articles_dir": SEEDS, "data_dir": data_dir, **overrides}
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture(scope="session")
def seed_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings over the seeds with a data folder shared by the whole session."""
    return make_settings(tmp_path_factory.mktemp("data"))


@pytest.fixture(scope="session")
def core(seed_settings: Settings) -> Newsdesk:
    """The core over the seed articles, in German."""
    return build_newsdesk(seed_settings)
