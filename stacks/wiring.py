"""The settings-to-component mapping: each component's Args, from the stack's settings,
the secrets and the components built before it. `__main__.py` only builds the
components in order and exports their outputs.

The web app's variables are the seed's (.env.local and the vercel.json envs), per target
(stacks/data_plane.py); the ops app's are what `app.routes.config` reads, in production only:
it has no previews.
"""

from collections.abc import Sequence
from pathlib import Path

import pulumi

from app.metric_catalog import GIB, namespace
from app.operators.migration_set import discover
from components.alerts import AlertRule, AlertsArgs
from components.cache import Cache, CacheArgs
from components.compute import Compute, ComputeArgs
from components.database import Database, DatabaseArgs
from components.deployment_protection import Protection
from components.drain import DrainsArgs, DrainSigning, DrainSigningArgs
from components.identity import Identity, IdentityArgs
from components.purposes import Purpose
from components.schema import SchemaArgs
from components.storage import Storage, StorageArgs
from components.supabase.auth_config import AuthConfigInputs
from components.supabase.configuration import ProjectConfiguration
from components.supabase.network_restrictions import NetworkRestrictionsInputs
from components.supabase.pitr import PitrInputs
from components.supabase.postgres_config import PostgresConfigInputs
from components.supabase.postgrest import PostgrestInputs
from components.supabase.ssl_enforcement import SslEnforcementInputs
from components.variables import EnvVar
from stacks import bundle, naming
from stacks.alert_rules import AlertKind
from stacks.alert_watches import watch
from stacks.preview_settings import OPS_PROTECTION
from stacks.secrets import StackSecrets
from stacks.settings import StackSettings


def database_args(settings: StackSettings, secrets: StackSecrets) -> DatabaseArgs:
    return DatabaseArgs(
        project_name=naming.prefix(settings),
        organization_slug=settings.database.organization_slug,
        region=settings.database.region,
        instance_size=settings.database.instance_size.value,
        management_api=settings.database.management_api,
        configuration=project_configuration(settings, secrets),
        protect=settings.protect_stateful_resources,
    )


def project_configuration(settings: StackSettings, secrets: StackSecrets) -> ProjectConfiguration:
    """The Supabase project's surfaces; auth e-mail goes through Resend with the stack's key."""
    auth, database = settings.auth, settings.database
    return ProjectConfiguration(
        auth=AuthConfigInputs(
            site_url=auth.site_url,
            uri_allow_list=",".join(auth.redirect_urls),
            mailer_autoconfirm=not auth.email_confirmations,
            mailer_otp_exp=auth.otp_expiry_seconds,
            mailer_otp_length=auth.otp_length,
            smtp_pass=secrets.resend_api_key,
            smtp_admin_email=auth.sender_email,
            smtp_sender_name=auth.sender_name,
            smtp_max_frequency=auth.email_min_interval_seconds,
            password_min_length=auth.password_min_length,
            password_required_characters=auth.password_requirements.characters,
            password_hibp_enabled=auth.leaked_password_check,
            mfa_totp_enroll_enabled=auth.mfa_totp,
            mfa_totp_verify_enabled=auth.mfa_totp,
            jwt_exp=auth.jwt_expiry_seconds,
            rate_limit_email_sent=auth.rate_limit_emails_per_hour,
            rate_limit_otp=auth.rate_limit_sign_ins_per_5_minutes,
            rate_limit_verify=auth.rate_limit_verifications_per_5_minutes,
            rate_limit_token_refresh=auth.rate_limit_token_refreshes_per_5_minutes,
        ),
        ssl=SslEnforcementInputs(database=database.ssl_enforced),
        network=NetworkRestrictionsInputs(allowed_cidrs=list(database.allowed_cidrs)),
        backups=PitrInputs(variant=database.pitr),
        data_api=PostgrestInputs(
            db_schema=",".join(settings.data_api.schemas), max_rows=settings.data_api.max_rows
        ),
        postgres=PostgresConfigInputs(statement_timeout=f"{database.statement_timeout_seconds}s"),
    )


def schema_args(database: Database) -> SchemaArgs:
    return SchemaArgs(database_url=database.session_url, migrations=discover())


def cache_args(settings: StackSettings) -> CacheArgs:
    return CacheArgs(
        database_name=naming.prefix(settings),
        primary_region=settings.cache.primary_region,
        eviction=settings.cache.eviction,
        monthly_budget_usd=settings.cache.monthly_budget_usd,
        protect=settings.protect_stateful_resources,
    )


def storage_args(settings: StackSettings) -> StorageArgs:
    storage = settings.storage
    return StorageArgs(
        region=storage.region,
        tags=naming.tags(settings),
        noncurrent_version_days=storage.noncurrent_version_days,
        backups_cold_after_days=storage.backups_cold_after_days,
        backups_object_lock_days=(
            storage.backups_object_lock_days if storage.backups_object_lock else None
        ),
        replication_region=storage.replication_region,
        replicated=frozenset(
            purpose
            for purpose, wanted in (
                (Purpose.BACKUPS, storage.replication),
                (Purpose.PHOTOS, storage.photos_replication),
            )
            if wanted
        ),
        access_log_retention_days=storage.access_log_retention_days,
        protect=settings.protect_stateful_resources,
    )


def identity_args(settings: StackSettings, storage: Storage) -> IdentityArgs:
    return IdentityArgs(
        vercel_team=settings.compute.vercel_team,
        vercel_project=naming.ops_project(settings),
        vercel_environment="production",
        photos_bucket_arn=storage.photos.bucket.arn,
        backups_bucket_arn=storage.backups.bucket.arn,
        kms_key_arn=storage.key.arn,
        photos_replica_arn=storage.photos_replica.bucket.arn if storage.photos_replica else None,
        backups_replica_arn=storage.replica.bucket.arn if storage.replica else None,
        metrics_namespace=namespace(settings.environment.value),
        tags=naming.tags(settings),
    )


def drain_signing_args(settings: StackSettings) -> DrainSigningArgs:
    return DrainSigningArgs(contract_creation_route=settings.alerts.slow_contract_creation.route)


def compute_args(
    settings: StackSettings,
    stack: str,
    *,
    web_variables: Sequence[EnvVar],
    ops_variables: Sequence[EnvVar],
) -> ComputeArgs:
    """The projects and the ops deployment, which ships what `make build` left: a build
    from other sources is refused (offline, only marked: bundle.refuse_stale_builds)."""
    # Called through the module: tests point `bundle.bundle_dir` at a directory of theirs.
    ops_bundle_digest = bundle.digest(bundle.bundle_files(settings))
    try:
        bundle.check_build(Path(bundle.bundle_dir(stack)), ops_bundle_digest, stack)
    except bundle.StaleBuildError:
        if bundle.refuse_stale_builds:
            raise
    return ComputeArgs(
        web_project_name=naming.web_project(settings),
        ops_project_name=naming.ops_project(settings),
        function_regions=settings.compute.function_regions,
        function_limits=bundle.stack_function_limits(settings),
        web_environment=web_variables,
        web_protection=Protection(
            vercel_authentication=settings.previews.protection.value,
            trusted_ips=settings.previews.trusted_ips,
        ),
        ops_protection=Protection(vercel_authentication=OPS_PROTECTION.value),
        ops_environment=ops_variables,
        bundle_dir=bundle.bundle_dir(stack),
        bundle_digest=ops_bundle_digest,
        protect=settings.protect_stateful_resources,
    )


def ops_environment(
    settings: StackSettings,
    database: Database,
    cache: Cache,
    storage: Storage,
    identity: Identity,
    drain_signing: DrainSigning,
) -> list[EnvVar]:
    environment = settings.environment.value
    return [
        EnvVar("APP_ENV", environment, sensitive=False),
        EnvVar("DATABASE_URL", database.session_url, sensitive=True),
        EnvVar("DATABASE_DISK_BYTES", str(settings.database.disk_size_gb * GIB), sensitive=False),
        EnvVar("REDIS_URL", cache.redis_url, sensitive=True),
        EnvVar("PHOTOS_BUCKET", storage.photos.bucket.bucket, sensitive=False),
        EnvVar("BACKUPS_BUCKET", storage.backups.bucket.bucket, sensitive=False),
        EnvVar("AWS_REGION", settings.storage.region, sensitive=False),
        EnvVar("AWS_ROLE_ARN", identity.role_arn, sensitive=False),
        EnvVar("METRICS_NAMESPACE", namespace(environment), sensitive=False),
        *drain_signing.ops_environment,
    ]


def drains_args(
    settings: StackSettings, compute: Compute, drain_signing: DrainSigning
) -> DrainsArgs:
    return DrainsArgs(
        web_project_id=compute.web_project.id,
        ops_project_name=naming.ops_project(settings),
        ops_domains=compute.deployment.domains,
        ops_url=compute.deployment.url,
        secret=drain_signing.secret.result,
    )


def alerts_args(
    settings: StackSettings, error_issues: pulumi.Input[str] | None = None
) -> AlertsArgs:
    """The enabled rules; the high error rate's alarm names the Sentry issues to look at."""
    return AlertsArgs(
        region=settings.storage.region,
        rules=[
            AlertRule(
                name=kind.key,
                description=kind.description,
                source=kind.source,
                watch=watch(kind, namespace(settings.environment.value), rule.minutes),
                threshold=rule.threshold,
                severity=rule.severity.value,
                recipients=rule.recipients,
                look_at=error_issues if kind is AlertKind.HIGH_ERROR_RATE else None,
            )
            for kind, rule in settings.alerts.rules()
            if rule.enabled
        ],
        tags=naming.tags(settings),
        protect=settings.protect_stateful_resources,
    )
