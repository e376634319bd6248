"""Configuration: one loader, read once, failing fast with the name of the bad setting.

Every setting comes from an environment variable with the ``NEWSDESK_`` prefix or from a ``.env``
file in the working directory; ``.env.example`` lists them all. Defaults need nothing: the bundled
seed articles and a per-user data directory. Secrets are :class:`pydantic.SecretStr` and never
logged or echoed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import platformdirs
from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.errors import SettingsError

__all__ = [
    "BUNDLED_SEEDS",
    "Language",
    "Settings",
    "default_data_dir",
    "load_settings",
]

Language = Literal["de", "en"]

#: The seed archive shipped with the project (top-level ``seeds/``).
BUNDLED_SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def default_data_dir() -> Path:
    """Return the per-user data directory (for example ``~/.local/share/newsdesk``)."""
    return Path(platformdirs.user_data_dir("newsdesk", appauthor=False))


class Settings(BaseSettings):
    """All of Newsdesk's settings, with defaults that need nothing."""

    model_config = SettingsConfigDict(
        env_prefix="NEWSDESK_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        frozen=True,
    )

    articles_dir: Path = Field(
        default=BUNDLED_SEEDS, description="Folder of .txt/.md articles to index."
    )
    data_dir: Path = Field(
        default_factory=default_data_dir,
        description="Where the index cache and the SQLite store live.",
    )
    language: Language = Field(default="de", description="Language of the bot's own sentences.")
    bm25_k1: float = Field(default=0.9, gt=0, description="BM25 term-frequency saturation.")
    bm25_b: float = Field(default=0.4, ge=0, le=1, description="BM25 length normalisation.")
    min_relevance: float = Field(
        default=0.35,
        ge=0,
        le=1,
        description="Share of the question's weight the best passage must match to be answered.",
    )
    max_question_chars: int = Field(
        default=500, ge=20, description="Longer questions are cut to this many characters."
    )
    timezone: str = Field(
        default="Europe/Berlin", description="Time zone of digest schedules that name none."
    )
    digest_max_items: int = Field(
        default=5, ge=1, le=20, description="Articles shown in full in one digest."
    )
    digest_first_run_items: int = Field(
        default=3, ge=1, le=20, description="Articles in a channel's first digest."
    )
    digest_post_empty: bool = Field(
        default=False, description="Post a 'nothing new' line when a digest has no articles."
    )
    archive_scan_seconds: float = Field(
        default=5.0, gt=0, description="How often the articles folder is checked for changes."
    )

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r}; use an IANA name such as Europe/Berlin"
            ) from None
        return value

    @property
    def index_dir(self) -> Path:
        """Directory of the saved search index."""
        return self.data_dir / "index"

    @property
    def store_path(self) -> Path:
        """The SQLite store: subscriptions, what was sent where, votes."""
        return self.data_dir / "newsdesk.db"


def load_settings(**overrides: object) -> Settings:
    """Load settings from the environment and ``.env``, with explicit overrides winning.

    Raises:
        SettingsError: a value is invalid; the message names the setting's variable.
    """
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        problems = []
        for item in error.errors():
            name = "NEWSDESK_" + "_".join(str(part) for part in item["loc"]).upper()
            problems.append(f"{name}: {item['msg']}")
        raise SettingsError("Invalid settings: " + "; ".join(problems)) from None
