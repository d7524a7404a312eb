"""The app's configuration, from the environment, validated once at start.

An invalid or missing variable stops the app with a message naming the
variable and what is allowed; the values of secret variables are never shown.
"""

import os
from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from app.metric_catalog import DEFAULT_CONTRACT_CREATION_ROUTE, ROUTE_PATTERN

STRIPE_STATUS_URL = "https://status.stripe.com/api/v2/status.json"


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
    database_disk_bytes: int = Field(8 * 2**30, alias="DATABASE_DISK_BYTES", gt=0)
    drain_secret: SecretStr | None = Field(None, alias="DRAIN_SECRET")
    drain_verification_code: str | None = Field(None, alias="DRAIN_VERIFICATION_CODE")
    contract_creation_route: str = Field(
        DEFAULT_CONTRACT_CREATION_ROUTE,
        alias="CONTRACT_CREATION_ROUTE",
        pattern=ROUTE_PATTERN,
    )


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
                problems.append(f"{name} is invalid: {detail['msg']}")
        raise ConfigError("; ".join(problems)) from None
