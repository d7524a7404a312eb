"""The CRMS program: load the stack's settings, build the components, export the outputs."""

from pathlib import Path

import pulumi
import pulumi_aws as aws

from app.metric_catalog import namespace
from app.migration_set import discover
from components.alerts import AlertRule, Alerts, AlertsArgs
from components.cache import Cache, CacheArgs
from components.compute import Compute, ComputeArgs
from components.database import Database, DatabaseArgs
from components.drain import Drains, DrainsArgs, DrainSigning, DrainSigningArgs
from components.identity import Identity, IdentityArgs
from components.key_policy import KeyPolicies
from components.schema import Schema, SchemaArgs
from components.storage import Storage, StorageArgs
from stacks import naming, wiring
from stacks.bundle import (
    bundle_dir,
    bundle_files,
    check_build,
    digest,
    stack_function_limits,
)
from stacks.loader import load_settings
from stacks.secrets import load_secrets

settings = load_settings()
secrets = load_secrets()
environment = settings.environment.value
tags = naming.tags(settings)
protect = settings.protect_stateful_resources

database = Database(
    "database",
    DatabaseArgs(
        project_name=naming.prefix(settings),
        organization_slug=settings.database.organization_slug,
        region=settings.database.region,
        instance_size=settings.database.instance_size.value,
        management_api=settings.database.management_api,
        protect=protect,
    ),
)
schema = Schema(
    "schema",
    SchemaArgs(database_url=database.session_url, migrations=discover()),
    pulumi.ResourceOptions(depends_on=[database]),
)
cache = Cache(
    "cache",
    CacheArgs(
        database_name=naming.prefix(settings),
        primary_region=settings.cache.primary_region,
        eviction=settings.cache.eviction,
        monthly_budget_usd=settings.cache.monthly_budget_usd,
        protect=protect,
    ),
)

# One explicit AWS provider; every regional resource also names its region.
aws_region = settings.storage.region
aws_provider = aws.Provider("aws", region=aws_region)
on_aws = pulumi.ResourceOptions(providers=[aws_provider])
storage = Storage(
    "storage",
    StorageArgs(
        region=settings.storage.region,
        tags=tags,
        noncurrent_version_days=settings.storage.noncurrent_version_days,
        backups_cold_after_days=settings.storage.backups_cold_after_days,
        backups_object_lock_days=(
            settings.storage.backups_object_lock_days
            if settings.storage.backups_object_lock
            else None
        ),
        replication_region=(
            settings.storage.replication_region if settings.storage.replication else None
        ),
        photos_replication_region=(
            settings.storage.replication_region if settings.storage.photos_replication else None
        ),
        access_log_retention_days=settings.storage.access_log_retention_days,
        protect=protect,
    ),
    on_aws,
)
identity = Identity(
    "identity",
    IdentityArgs(
        vercel_team=settings.compute.vercel_team,
        vercel_project=naming.ops_project(settings),
        vercel_environment="production",
        photos_bucket_arn=storage.photos.bucket.arn,
        backups_bucket_arn=storage.backups.bucket.arn,
        kms_key_arn=storage.key.arn,
        photos_replica_arn=storage.photos_replica.bucket.arn if storage.photos_replica else None,
        backups_replica_arn=storage.replica.bucket.arn if storage.replica else None,
        metrics_namespace=namespace(environment),
        tags=tags,
    ),
    on_aws,
)
# The keys' policies name the ops role, which exists only after the buckets it may use.
key_policies = KeyPolicies(
    "storage-key-policies", storage.key_grants(identity.role_arn), storage.account_id, on_aws
)
drain_signing = DrainSigning(
    "drain-signing",
    DrainSigningArgs(contract_creation_route=settings.alerts.slow_contract_creation.route),
)
# The deployment ships what `make build` left; refuse one built from other sources.
ops_bundle_digest = digest(bundle_files(settings))
check_build(Path(bundle_dir(pulumi.get_stack())), ops_bundle_digest, pulumi.get_stack())
compute = Compute(
    "compute",
    ComputeArgs(
        web_project_name=naming.web_project(settings),
        ops_project_name=naming.ops_project(settings),
        function_regions=settings.compute.function_regions,
        function_limits=stack_function_limits(settings),
        web_environment=wiring.web_environment(settings, database, cache, secrets),
        ops_environment=[
            *wiring.ops_environment(settings, database, cache, storage, identity),
            *drain_signing.ops_environment,
        ],
        bundle_dir=bundle_dir(pulumi.get_stack()),
        bundle_digest=ops_bundle_digest,
    ),
)
drains = Drains(
    "drains",
    DrainsArgs(
        web_project_id=compute.web_project.id,
        ops_project_name=naming.ops_project(settings),
        ops_domains=compute.deployment.domains,
        ops_url=compute.deployment.url,
        secret=drain_signing.secret.result,
    ),
    # Vercel verifies the endpoint when the drain is made: the deployment must serve it.
    pulumi.ResourceOptions(depends_on=[compute]),
)
alerts = Alerts(
    "alerts",
    AlertsArgs(
        region=aws_region,
        namespace=namespace(environment),
        rules=[
            AlertRule(
                name=name,
                threshold=rule.threshold,
                minutes=rule.minutes,
                severity=rule.severity.value,
                recipients=rule.recipients,
            )
            for name, rule in settings.alerts
            if rule.enabled
        ],
        tags=tags,
        protect=protect,
    ),
    on_aws,
)

pulumi.export("environment", environment)
pulumi.export("functionRegions", settings.compute.function_regions)
pulumi.export("functionLimits", stack_function_limits(settings).summary())
pulumi.export("supabaseProjectRef", database.ref)
pulumi.export("supabaseUrl", database.api_url)
pulumi.export("supabaseAnonKey", database.anon_key)
pulumi.export("supabasePublishableKey", database.publishable_key)
pulumi.export("databaseUrl", database.direct_url)
pulumi.export("schemaChecksum", schema.checksum)
pulumi.export("redisUrl", cache.redis_url)
pulumi.export("photosBucket", storage.photos.bucket.bucket)
pulumi.export("backupsBucket", storage.backups.bucket.bucket)
if storage.photos_replica is not None:  # the recovery runbook's second source (README)
    pulumi.export("photosReplicaBucket", storage.photos_replica.bucket.bucket)
if storage.replica is not None:
    pulumi.export("backupsReplicaBucket", storage.replica.bucket.bucket)
pulumi.export("appRoleArn", identity.role_arn)
pulumi.export("opsUrl", compute.deployment.url)
pulumi.export("alarmSources", alerts.sources)
