"""The per-stack settings: one frozen pydantic model, validated once per program run.

Each leaf field is one key of the stack's config, named by joining its path in
camelCase: `compute.function_memory_mb` is `crms:computeFunctionMemoryMb`. The
project's config schema in Pulumi.yaml is derived from these models (see
`stacks.schema`), so the two cannot drift apart.
"""

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from stacks.regions import (
    ZURICH,
    AwsEuropeanRegion,
    UpstashEuropeanRegion,
    VercelEuropeanRegion,
)


class Settings(BaseModel):
    """Base of every settings group: immutable, and unknown keys are errors."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class AppEnvironment(StrEnum):
    DEVELOPMENT = "development"
    STAGING = "staging"
    PRODUCTION = "production"


class NodeEnvironment(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


class Severity(StrEnum):
    CRITICAL = "critical"
    WARNING = "warning"


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


Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$")]
Recipients = Annotated[list[EmailStr], Field(min_length=1, max_length=20)]


class DatabaseSettings(Settings):
    region: Literal["eu-central-2"] = Field(
        ZURICH, description="Supabase region; only Zurich (eu-central-2) is allowed."
    )
    instance_size: InstanceSize = Field(
        description="Supabase compute size (desired_instance_size of the Management API)."
    )
    organization_slug: Annotated[str, Field(pattern=r"^[\w-]+$")] = Field(
        description="Slug of the Supabase organization that owns the project."
    )
    disk_size_gb: int = Field(
        8,
        ge=1,
        le=60_000,
        description="Disk of the Supabase project in GB (the disk alarm's 100%).",
    )
    management_api: Annotated[str, Field(pattern=r"^https?://[^\s/]+(:\d+)?$")] = Field(
        "https://api.supabase.com", description="Base URL of the Supabase Management API."
    )


class ComputeSettings(Settings):
    vercel_team: Slug = Field(
        description="Vercel team slug: owner of the projects and issuer of their OIDC tokens."
    )
    function_memory_mb: int = Field(
        ge=128, le=3009, description="Memory of each Vercel function in MB (Vercel: 128 to 3009)."
    )
    function_max_duration_seconds: int = Field(
        ge=1, le=800, description="maxDuration of each Vercel function in seconds (1 to 800)."
    )
    function_regions: Annotated[list[VercelEuropeanRegion], Field(min_length=1)] = Field(
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


class AlertRule(Settings):
    enabled: bool = Field(description="Whether this alert rule exists in the stack.")
    minutes: int = Field(ge=1, le=1440, description="Minutes the condition must hold.")
    severity: Severity = Field(description="critical or warning.")
    recipients: Recipients = Field(description="E-mail addresses notified by the alarm.")


class PercentAlertRule(AlertRule):
    threshold: float = Field(gt=0, le=100, description="Alarm above this percentage.")


class LatencyAlertRule(AlertRule):
    threshold: float = Field(gt=0, le=800, description="Alarm above this many seconds.")


class AlertSettings(Settings):
    """The seed's four alert rules (monitoring/alerts.yml), tunable per stack."""

    high_error_rate: PercentAlertRule
    slow_contract_creation: LatencyAlertRule
    low_disk_space: PercentAlertRule
    payment_failures: PercentAlertRule


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
    compute: ComputeSettings
    cache: CacheSettings
    storage: StorageSettings
    alerts: AlertSettings
