"""Settings from the environment and a .env file (every one is listed in .env.example)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

TELEGRAM_API_ROOT = "https://api.telegram.org"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: SecretStr | None = None
    telegram_api_root: str = TELEGRAM_API_ROOT
    webhook_url: str | None = None  # public https URL; set it to use webhook mode
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    webhook_path: str = "telegram"
    intents_dir: Path = Path("intents")
    log_level: str = "INFO"
    reload_seconds: float = Field(default=2.0, ge=0.2)  # how often file changes are picked up
    database_path: Path = Path("data/hrbot.sqlite3")
    analytics_enabled: bool = True
    store_unmatched: bool = False
    unmatched_retention_days: int = Field(default=30, ge=1)
    admin_user_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    services_file: Path | None = None  # local services directory (YAML); none = national answers
    context_minutes: float = Field(default=30.0, gt=0)
    # Who deploys the bot, for the "who runs this?" answer; empty = the generic wording.
    service_name: str = Field(default="", max_length=80)
    service_contact: str = Field(default="", max_length=200)

    @field_validator("admin_user_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(int(part) for part in value.replace(",", " ").split())
        if isinstance(value, int):
            return frozenset({value})
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

    @property
    def token(self) -> str | None:
        return self.telegram_bot_token.get_secret_value() if self.telegram_bot_token else None
