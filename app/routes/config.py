"""The app's configuration, from the environment, validated once at start.

An invalid or missing variable stops the app with a message naming the
variable and what is allowed; the values of secret variables are never shown.
"""

import os
from collections.abc import Mapping

import psycopg
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from app import metric_catalog as catalog
from app.metric_catalog import DEFAULT_CONTRACT_CREATION_ROUTE, ROUTE_PATTERN

STRIPE_STATUS_URL = "https://status.stripe.com/api/v2/status.json"
# Vercel: "We recommend using a random string of at least 16 characters for the value
# of CRON_SECRET" (https://vercel.com/docs/cron-jobs/manage-cron-jobs, Securing cron jobs).
# The stack makes a 48-character one (components/compute.py), and a 48-character drain
# secret (components/drain.py): the same rule holds both, since an empty drain secret
# would let anyone sign a delivery.
CRON_SECRET_MIN_LENGTH = 16
# libpq accepts both URI schemes (PostgreSQL docs, libpq "Connection URIs").
DATABASE_SCHEMES = ("postgresql://", "postgres://")
REDIS_SCHEMES = ("redis://", "rediss://")


class ConfigError(Exception):
    """The environment does not configure the app; the message lists every problem."""


class AppConfig(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    database_url: SecretStr = Field(alias="DATABASE_URL")
    redis_url: SecretStr = Field(alias="REDIS_URL")
    stripe_status_url: str = Field(
        STRIPE_STATUS_URL, alias="STRIPE_STATUS_URL", pattern=r"^https?://"
    )
    health_budget_seconds: float = Field(3.0, alias="HEALTH_BUDGET_SECONDS", gt=0, le=30)
    app_env: str = Field("development", alias="APP_ENV")
    cron_secret: SecretStr | None = Field(None, alias="CRON_SECRET")
    photos_bucket: str | None = Field(None, alias="PHOTOS_BUCKET")
    backups_bucket: str | None = Field(None, alias="BACKUPS_BUCKET")
    metrics_namespace: str | None = Field(None, alias="METRICS_NAMESPACE")
    database_disk_bytes: int = Field(
        catalog.DEFAULT_DATABASE_DISK_GB * catalog.GIB, alias="DATABASE_DISK_BYTES", gt=0
    )
    drain_secret: SecretStr | None = Field(None, alias="DRAIN_SECRET")
    drain_verification_code: str | None = Field(None, alias="DRAIN_VERIFICATION_CODE")
    contract_creation_route: str = Field(
        DEFAULT_CONTRACT_CREATION_ROUTE,
        alias="CONTRACT_CREATION_ROUTE",
        pattern=ROUTE_PATTERN,
    )

    # The messages below never quote the value: a malformed URL still carries its password,
    # and libpq's own parse error quotes the string it could not parse.
    @field_validator("database_url")
    @classmethod
    def _libpq_url(cls, value: SecretStr) -> SecretStr:
        url = value.get_secret_value()
        allowed = " or ".join(DATABASE_SCHEMES)
        if not url.startswith(DATABASE_SCHEMES):
            raise ValueError(f"must be a {allowed} URL")
        try:
            psycopg.conninfo.conninfo_to_dict(url)
        except psycopg.ProgrammingError:
            raise ValueError(f"is not a URL libpq can parse ({allowed})") from None
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, value: SecretStr) -> SecretStr:
        if not value.get_secret_value().startswith(REDIS_SCHEMES):
            raise ValueError(f"must be a {' or '.join(REDIS_SCHEMES)} URL")
        return value

    @field_validator("cron_secret", "drain_secret")
    @classmethod
    def _strong_shared_secret(cls, value: SecretStr | None) -> SecretStr | None:
        # Unset keeps the cron (or drain) routes closed; set, it must be worth checking.
        if value is None:
            return None
        secret = value.get_secret_value()
        if len(secret) < CRON_SECRET_MIN_LENGTH:
            raise ValueError(f"must be at least {CRON_SECRET_MIN_LENGTH} characters")
        if not (secret.isascii() and secret.isprintable()) or any(c.isspace() for c in secret):
            # It travels in an HTTP header as `Bearer <secret>`.
            raise ValueError("must be printable ASCII without spaces")
        return value


def load_config(environ: Mapping[str, str] | None = None) -> AppConfig:
    source = dict(os.environ if environ is None else environ)
    try:
        return AppConfig.model_validate(source)
    except ValidationError as error:
        problems = []
        for detail in error.errors():
            name = str(detail["loc"][0])
            if detail["type"] == "missing":
                problems.append(f"{name} is not set")
            else:
                # The message says what is allowed; the value may be a secret.
                message = detail["msg"].removeprefix("Value error, ")
                problems.append(f"{name} is invalid: {message}")
        raise ConfigError("; ".join(problems)) from None
