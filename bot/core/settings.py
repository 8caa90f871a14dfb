"""Settings from the environment and a .env file (every one is listed in .env.example).

A value that cannot be used is an error that names the setting and shows at most a short start
of the value (never any of a secret), so a mistake, or a hostile 50 MB value, cannot flood a log
or a terminal: see `explain`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_core import PydanticUseDefault
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

TELEGRAM_API_ROOT = "https://api.telegram.org"
# What a person sees before pressing Start: the description in the empty chat, the short one on
# the bot's profile and when it is shared. Telegram allows 512 and 120 characters.
BOT_DESCRIPTION = (
    "Free, honest info to help you stay safer if you use drugs: overdose, naloxone, needle "
    "exchange, hep C, safer use and where to find support.\n\n"
    "I'm a bot, not a person. It's anonymous: you don't need to give your name, and I don't "
    "keep it. I won't judge you.\n\n"
    "If someone is in danger right now, call 999.\n\n"
    "Press Start, then type a question in your own words."
)
BOT_SHORT_DESCRIPTION = (
    "Free, anonymous info to help you stay safer if you use drugs. In an emergency, call 999."
)
# No setting needs more: a path, a URL or the list of admin ids all fit easily.
MAX_SETTING_CHARS = 1_000
EXCERPT_CHARS = 40
SECRETS = frozenset({"telegram_bot_token", "webhook_secret"})
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def excerpt(value: object, limit: int = EXCERPT_CHARS) -> str:
    """A value as it may appear in an error message: its start only, quoted."""
    text = value if isinstance(value, str) else repr(value)
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}... ({len(text):,} characters)"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        hide_input_in_errors=True,  # pydantic would quote the whole value; `explain` cuts it
    )

    telegram_bot_token: SecretStr | None = None
    telegram_api_root: str = TELEGRAM_API_ROOT
    bot_description: str = Field(default=BOT_DESCRIPTION, max_length=512)
    bot_short_description: str = Field(default=BOT_SHORT_DESCRIPTION, max_length=120)
    webhook_url: str | None = None  # public https URL; set it to use webhook mode
    webhook_secret: SecretStr | None = Field(default=None, min_length=1, max_length=256)
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    webhook_path: str = "telegram"
    intents_dir: Path = Path("intents")
    log_level: str = "INFO"
    reload_seconds: float = Field(default=2.0, ge=0.2)  # how often file changes are picked up
    database_path: Path = Path("data/hrbot.sqlite3")
    # Trained models are kept here, so a restart with an unchanged library is ready in a fraction
    # of a second instead of training for seconds (they hold the library's words, no user data).
    model_cache: bool = True
    model_cache_dir: Path = Path("data/models")
    heartbeat_file: Path | None = None  # touched while the bot runs, for `hrbot health`
    analytics_enabled: bool = True
    store_unmatched: bool = False
    unmatched_retention_days: int = Field(default=30, ge=1)
    admin_user_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    services_file: Path | None = None  # local services directory (YAML); none = national answers
    context_minutes: float = Field(default=30.0, gt=0)
    # Who deploys the bot, for the "who runs this?" answer; empty = the generic wording.
    service_name: str = Field(default="", max_length=80)
    service_contact: str = Field(default="", max_length=200)

    @field_validator(
        "bot_description",
        "bot_short_description",
        "heartbeat_file",
        "intents_dir",
        "database_path",
        "model_cache_dir",
        mode="before",
    )
    @classmethod
    def _blank_is_default(cls, value: object) -> object:
        # .env.example lists them empty: that means the default (not, say, no description, or
        # the current folder for INTENTS_DIR), so the defaults are written here only.
        if isinstance(value, str) and not value.strip():
            raise PydanticUseDefault()
        return value

    @property
    def models(self) -> Path | None:
        """Where trained models are kept, or None when MODEL_CACHE is off."""
        return self.model_cache_dir if self.model_cache else None

    @field_validator("admin_user_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = value.replace(",", " ").split()
            if not all(part.isdigit() for part in parts):
                raise ValueError("Telegram user ids are numbers, separated by commas or spaces")
            return frozenset(int(part) for part in parts)
        if isinstance(value, int):
            return frozenset({value})
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _known_level(cls, value: object) -> object:
        if isinstance(value, str):
            if value.strip().upper() not in LOG_LEVELS:
                raise ValueError(f"use one of {', '.join(LOG_LEVELS)}")
            return value.strip().upper()
        return value

    @field_validator("service_name", "service_contact", mode="before")
    @classmethod
    def _stripped(cls, value: object) -> object:
        return value.strip() if isinstance(value, str) else value

    @field_validator("webhook_url", "services_file", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("telegram_bot_token", "webhook_secret", mode="before")
    @classmethod
    def _blank_secret_is_none(cls, value: object) -> object:
        return None if value == "" else value

    # Defined last because pydantic runs "before" validators last-defined first: this one
    # must see a value before any other work is done on it.
    @field_validator("*", mode="before")
    @classmethod
    def _not_too_long(cls, value: object) -> object:
        if isinstance(value, str) and len(value) > MAX_SETTING_CHARS:
            raise ValueError(f"too long ({len(value):,} characters; at most {MAX_SETTING_CHARS:,})")
        return value

    @property
    def token(self) -> str | None:
        return self.telegram_bot_token.get_secret_value() if self.telegram_bot_token else None


def explain(error: ValidationError) -> list[str]:
    """One line per bad setting: its name, what is wrong and the start of the value (nothing
    of a secret). pydantic's own text would quote the whole value."""
    lines = []
    for problem in error.errors(include_input=True, include_url=False):
        field = str(problem["loc"][0]) if problem["loc"] else "?"
        message = str(problem["msg"]).removeprefix("Value error, ")[:200]
        shown = "" if field in SECRETS else f" (you gave {excerpt(problem.get('input'))})"
        lines.append(f"setting {field.upper()}: {message}{shown}")
    return lines
