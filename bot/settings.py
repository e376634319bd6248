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
from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.errors import SettingsError

__all__ = [
    "BUNDLED_SEEDS",
    "UNPREFIXED",
    "Language",
    "Settings",
    "default_data_dir",
    "env_name",
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
        populate_by_name=True,
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
    min_similarity: float = Field(
        default=0.45,
        ge=0,
        le=1,
        description=(
            "Cosine a question must reach with an archive sentence to be answered even when"
            " few of its words match (needs newsdesk[multilingual])."
        ),
    )
    multilingual: bool = Field(
        default=True,
        description="Use the sentence encoder when newsdesk[multilingual] is installed.",
    )
    max_question_chars: int = Field(
        default=500, ge=20, description="Longer questions are cut to this many characters."
    )
    conversation_minutes: int = Field(
        default=120,
        ge=0,
        le=10080,
        description="How long a thread's questions are kept as context for follow-ups (0: off).",
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
    digest_poll_seconds: float = Field(
        default=10.0,
        gt=0,
        description="How often, at most, the delivery loop looks for new or due subscriptions.",
    )
    archive_scan_seconds: float = Field(
        default=5.0, gt=0, description="How often the articles folder is checked for changes."
    )
    feeds_interval_minutes: int = Field(
        default=60,
        ge=5,
        le=10080,
        description="How often a feed is fetched when `feed add` names no interval.",
    )
    feeds_max_age_days: int = Field(
        default=30, ge=1, description="Feed items published longer ago than this are skipped."
    )
    feeds_first_fetch_items: int = Field(
        default=3,
        ge=0,
        le=50,
        description=(
            "Of a feed's first fetch, the newest this many items reach digests (all are archived)."
        ),
    )
    feeds_allow_private: bool = Field(
        default=False,
        description="Allow feeds on loopback and private addresses (the SSRF guard refuses them).",
    )
    feeds_timeout_seconds: float = Field(
        default=20.0, gt=0, description="Timeout of one feed or article request."
    )
    feeds_max_bytes: int = Field(
        default=5_000_000, ge=10_000, description="Largest feed or article page read, in bytes."
    )
    feeds_host_delay_seconds: float = Field(
        default=2.0, ge=0, description="Least time between two requests to one host."
    )
    feeds_poll_seconds: float = Field(
        default=30.0, gt=0, description="How often the feed loop looks for due feeds."
    )
    answer_processes: int = Field(
        default=1,
        ge=0,
        le=64,
        description="`newsdesk run`: worker processes answering questions (0: threads only).",
    )
    database_url: SecretStr | None = Field(
        default=None,
        description=(
            "postgresql://user:password@host:5432/db: the shared PostgreSQL store for several"
            " replicas (unset: the SQLite file in the data folder)."
        ),
    )
    digest_lease_seconds: float = Field(
        default=60.0,
        ge=1,
        description=(
            "How long a replica's hold on a channel's digests lasts unless renewed"
            " (it is renewed every third of this while the replica posts)."
        ),
    )
    metrics_host: str = Field(
        default="127.0.0.1", description="Where GET /healthz and GET /metrics are served."
    )
    metrics_port: int | None = Field(
        default=None,
        ge=0,
        le=65535,
        description="`newsdesk run`: port of GET /healthz and GET /metrics (unset: not served).",
    )

    # Slack: the three conventional names carry no prefix (names fixed by the issue).
    slack_bot_token: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("SLACK_BOT_TOKEN", "slack_bot_token"),
        description="Bot token (xoxb-...); with it, `newsdesk run` serves Slack.",
    )
    slack_app_token: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("SLACK_APP_TOKEN", "slack_app_token"),
        description="App-level token (xapp-...): Socket Mode, no public URL needed.",
    )
    slack_signing_secret: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("SLACK_SIGNING_SECRET", "slack_signing_secret"),
        description="Signing secret: verifies requests in HTTP mode.",
    )
    slack_http_host: str = Field(default="127.0.0.1", description="HTTP mode: address to bind.")
    slack_http_port: int = Field(default=3000, ge=0, le=65535, description="HTTP mode: port.")
    slack_api_url: str = Field(
        default="https://slack.com/api/",
        description="Slack Web API base URL (GovSlack or a local fake use another).",
    )
    slack_subscription_managers: str = Field(
        default="",
        description=(
            "Who may change a channel's digests: empty = anyone; else comma-separated user "
            "ids, and the word 'admins' for workspace admins and owners."
        ),
    )

    # Discord
    discord_token: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("DISCORD_TOKEN", "discord_token"),
        description="Bot token; with it, `newsdesk run` serves Discord.",
    )
    discord_guild_id: int | None = Field(
        default=None, description="A development guild for instant slash-command sync."
    )
    discord_api_url: str = Field(
        default="https://discord.com/api/v10", description="Discord REST API base URL."
    )
    discord_gateway_url: str = Field(
        default="wss://gateway.discord.gg/", description="Discord gateway URL."
    )

    @field_validator(
        "slack_bot_token",
        "slack_app_token",
        "slack_signing_secret",
        "discord_token",
        "discord_guild_id",
        "database_url",
        "metrics_port",
        mode="before",
    )
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        """``SLACK_BOT_TOKEN=`` (as copied from .env.example) means not configured."""
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("database_url")
    @classmethod
    def _postgres_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith(
            ("postgresql://", "postgres://")
        ):
            raise ValueError("must be a postgresql:// URL (unset it to use the SQLite file)")
        return value

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
    def feeds_dir(self) -> Path:
        """Directory of the articles written from feeds (read beside ``articles_dir``)."""
        return self.data_dir / "feeds"

    @property
    def slack_configured(self) -> bool:
        """Whether Slack should be served (a bot token is set)."""
        return self.slack_bot_token is not None

    @property
    def discord_configured(self) -> bool:
        """Whether Discord should be served (a token is set)."""
        return self.discord_token is not None

    @property
    def store_path(self) -> Path:
        """The SQLite store: subscriptions, what was sent where, votes."""
        return self.data_dir / "newsdesk.db"


#: Settings read without the NEWSDESK_ prefix (the platforms' conventional names).
UNPREFIXED = frozenset(
    {"SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "DISCORD_TOKEN"}
)


def env_name(field: str) -> str:
    """The environment variable of a settings field (``slack_bot_token`` -> ``SLACK_BOT_TOKEN``)."""
    upper = field.upper()
    return upper if upper in UNPREFIXED else f"NEWSDESK_{upper}"


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
            field = "_".join(str(part) for part in item["loc"])
            name = field.upper() if field.upper() in UNPREFIXED else f"NEWSDESK_{field.upper()}"
            problems.append(f"{name}: {item['msg']}")  # the message, never the (secret) value
        raise SettingsError("Invalid settings: " + "; ".join(problems)) from None
