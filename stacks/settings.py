"""The per-stack settings: one frozen pydantic model, validated once per program run.

Each leaf field is one key of the stack's config, named by joining its path in
camelCase: `compute.function_memory_mb` is `crms:computeFunctionMemoryMb`. The
project's config schema in Pulumi.yaml is derived from these models (see
`crms_infra.schema`), so the two cannot drift apart.
"""

from enum import StrEnum
from typing import Annotated, Literal, get_args
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field

from app.metric_catalog import (
    DEFAULT_DATABASE_DISK_GB,
)
from stacks.alert_settings import AlertSettings
from stacks.preview_settings import PreviewSettings, VercelPlan
from stacks.regions import (
    ZURICH,
    AwsEuropeanRegion,
    SentryRegion,
    UpstashEuropeanRegion,
    VercelEuropeanRegion,
)
from stacks.settings_base import LOOPBACK_HOSTS, Settings
from stacks.supabase_settings import AuthSettings, DataApiSettings, DatabaseConfigSettings
from stacks.usage import UsageSettings


class AppEnvironment(StrEnum):
    DEVELOPMENT = "development"
    STAGING = "staging"
    PRODUCTION = "production"


class NodeEnvironment(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


class DataClassification(StrEnum):
    INTERNAL = "internal"
    CONFIDENTIAL = "confidential"


class InstanceSize(StrEnum):
    """Supabase compute sizes (`desired_instance_size` of the Management API v1)."""

    NANO = "nano"
    MICRO = "micro"
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"
    XLARGE = "xlarge"
    XLARGE_2 = "2xlarge"
    XLARGE_4 = "4xlarge"
    XLARGE_8 = "8xlarge"
    XLARGE_12 = "12xlarge"
    XLARGE_16 = "16xlarge"


# Every text and list setting has a bound (tests/stacks/test_settings.py checks each
# field): an unbounded value only ever arrives by mistake, and costs time to plan.
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$", max_length=63)]


def _https_unless_loopback(url: str) -> str:
    """An API URL carries an access token: plain http only to a local test server."""
    parts = urlsplit(url)
    if parts.scheme != "https" and parts.hostname not in LOOPBACK_HOSTS:
        raise ValueError(
            "must start with https:// (the access token would travel in clear); http:// is "
            "allowed only for 127.0.0.1 or localhost, in tests"
        )
    return url


ApiBaseUrl = Annotated[
    str,
    Field(pattern=r"^https?://[^\s/]+(:\d+)?$", max_length=200),
    AfterValidator(_https_unless_loopback),
]
"""The base URL of an HTTP API: scheme and host (and port), no path."""


def _each_once(regions: list[str]) -> list[str]:
    if len(set(regions)) != len(regions):
        raise ValueError("must name each region once")
    return regions


FunctionRegions = Annotated[
    list[VercelEuropeanRegion],
    Field(min_length=1, max_length=len(get_args(VercelEuropeanRegion))),
    AfterValidator(_each_once),
]


class DatabaseSettings(DatabaseConfigSettings):
    region: Literal["eu-central-2"] = Field(
        ZURICH, description="Supabase region; only Zurich (eu-central-2) is allowed."
    )
    instance_size: InstanceSize = Field(
        description="Supabase compute size (desired_instance_size of the Management API)."
    )
    # The Management API spec gives the pattern and no maximum; its slugs are 20 characters.
    organization_slug: Annotated[str, Field(pattern=r"^[\w-]+$", max_length=64)] = Field(
        description="Slug of the Supabase organization that owns the project."
    )
    disk_size_gb: int = Field(
        DEFAULT_DATABASE_DISK_GB,
        ge=1,
        le=60_000,
        description="Disk of the Supabase project in GB (the disk alarm's 100%).",
    )
    # components.supabase.api.DEFAULT_API_URL, which the CLI may not import before the
    # program runs; tests/stacks/test_settings.py ties the two.
    management_api: ApiBaseUrl = Field(
        "https://api.supabase.com", description="Base URL of the Supabase Management API."
    )


class ComputeSettings(Settings):
    vercel_team: Slug = Field(
        description="Vercel team slug: owner of the projects and issuer of their OIDC tokens."
    )
    vercel_plan: VercelPlan = Field(
        VercelPlan.PRO,
        description=(
            "The Vercel team's plan: pro or enterprise (Hobby lacks the drains and crons the"
            " stack runs); it decides which deployment protection is available."
        ),
    )
    fluid: bool = Field(
        description=(
            "Fluid compute for both projects' functions. With it the memory is the CPU"
            " class's (standard 2048 MB, performance 4096 MB); without it, exactly the setting."
        )
    )
    function_memory_mb: int = Field(
        ge=128, le=3009, description="Memory of each Vercel function in MB (Vercel: 128 to 3009)."
    )
    function_max_duration_seconds: int = Field(
        ge=1, le=800, description="maxDuration of each Vercel function in seconds (1 to 800)."
    )
    function_regions: FunctionRegions = Field(
        description="Vercel function regions; EU regions only (fra1, cdg1, dub1, arn1)."
    )


class CacheSettings(Settings):
    primary_region: UpstashEuropeanRegion = Field(
        "eu-central-1", description="Upstash primary region (no Swiss region exists)."
    )
    eviction: bool = Field(True, description="Evict keys when the database is full.")
    monthly_budget_usd: int = Field(
        ge=1, le=10_000, description="Upstash monthly budget cap in USD."
    )


class StorageSettings(Settings):
    region: Literal["eu-central-2"] = Field(
        ZURICH, description="AWS region of the buckets; only Zurich (eu-central-2) is allowed."
    )
    noncurrent_version_days: int = Field(
        ge=1, le=3650, description="Days before noncurrent object versions expire."
    )
    backups_cold_after_days: int = Field(
        ge=1, le=3650, description="Days before backup objects move to a colder storage class."
    )
    backups_object_lock: bool = Field(
        description="Lock backup objects (S3 Object Lock, compliance mode)."
    )
    backups_object_lock_days: int = Field(
        ge=1, le=3650, description="Retention of locked backup objects in days."
    )
    replication: bool = Field(description="Replicate the backups bucket to a second region.")
    photos_replication: bool = Field(
        False, description="Replicate the photos bucket to the replication region."
    )
    replication_region: AwsEuropeanRegion = Field(
        "eu-central-1", description="Target region of every replica (Swiss or EU/EEA)."
    )
    access_log_retention_days: int = Field(
        365, ge=365, le=3650, description="Days the access-log bucket keeps logs (at least 365)."
    )


class SentrySettings(Settings):
    region: SentryRegion = Field(
        SentryRegion.EU,
        description="Data storage location of the Sentry organization: eu or us.",
    )
    organization: Slug = Field(
        description="Slug of the Sentry organization that owns the stack's project."
    )
    team: Slug = Field(description="Slug of the Sentry team a new project is created under.")
    key_rate_limit_per_hour: int = Field(
        1000,
        ge=1,
        le=1_000_000,
        description="Errors the web app's client key may send an hour (Sentry drops the rest).",
    )
    traces_sample_rate: float = Field(
        0.1,
        ge=0,
        le=1,
        description="Share of the web app's transactions traced (the seed's tracesSampleRate).",
    )
    replays_on_error_sample_rate: float = Field(
        0.0,
        ge=0,
        le=1,
        description="Share of the web app's errors sent with their session replay (0 to 1).",
    )


class StackSettings(Settings):
    """Every per-environment value of one stack."""

    environment: AppEnvironment = Field(
        description="App environment: NEXT_PUBLIC_APP_ENV and SENTRY_ENVIRONMENT."
    )
    node_env: NodeEnvironment = Field(description="NODE_ENV of the web app.")
    protect_stateful_resources: bool = Field(
        True, description="Protect and retain the database, buckets and cache (prod: always)."
    )
    data_classification: DataClassification = Field(
        DataClassification.CONFIDENTIAL, description="Tag on every taggable resource."
    )
    database: DatabaseSettings
    auth: AuthSettings
    data_api: DataApiSettings
    compute: ComputeSettings
    cache: CacheSettings
    storage: StorageSettings
    alerts: AlertSettings
    sentry: SentrySettings
    previews: PreviewSettings = PreviewSettings()
    budget_monthly_usd: int = Field(
        ge=1,
        le=1_000_000,
        description="Monthly budget in USD; the pack's cost-budget rule fails a stack over it.",
    )
    usage: UsageSettings = Field(default_factory=UsageSettings)
