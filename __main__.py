"""The CRMS program: load the stack's settings, build the components in dependency
order, export the outputs. What each component gets is `stacks.wiring`'s."""

import sys

import pulumi
import pulumi_aws as aws

from components.alerts import Alerts
from components.cache import Cache
from components.compute import Compute
from components.database import Database
from components.drain import Drains, DrainSigning
from components.identity import Identity
from components.key_policy import KeyPolicies, KeyPoliciesArgs
from components.payments_webhook import PaymentsWebhook
from components.schema import Schema
from components.storage import Storage
from stacks import data_plane, wiring
from stacks.bundle import stack_function_limits
from stacks.cost_inputs import cost_inputs
from stacks.loader import load_settings, outside_the_engine
from stacks.processors import processors
from stacks.secrets import load_secrets
from stacks.stripe_webhook import payments_webhook_args

if (stopped := outside_the_engine()) is not None:
    sys.exit(stopped)
settings = load_settings()
secrets = load_secrets()

database = Database("database", wiring.database_args(settings, secrets))
schema = Schema(
    "schema", wiring.schema_args(database), pulumi.ResourceOptions(depends_on=[database])
)
cache = Cache("cache", wiring.cache_args(settings))
# One explicit AWS provider; every regional resource also names its region.
on_aws = pulumi.ResourceOptions(providers=[aws.Provider("aws", region=settings.storage.region)])
storage = Storage("storage", wiring.storage_args(settings), on_aws)
identity = Identity("identity", wiring.identity_args(settings, storage), on_aws)
# The keys' policies name the ops role, which exists only after the buckets it may use.
key_policies = KeyPolicies(
    "storage-key-policies",
    KeyPoliciesArgs(grants=storage.key_grants(identity.role_arn), account_id=storage.account_id),
    on_aws,
)
drain_signing = DrainSigning("drain-signing", wiring.drain_signing_args(settings))
# Production gets this stack's data plane; previews that of the stack the settings name.
# Stripe posts the app's payment events here; its signing secret becomes STRIPE_WEBHOOK_SECRET.
payments_webhook = PaymentsWebhook("payments-webhook", payments_webhook_args(settings))
own_data_plane = data_plane.own_data_plane(
    settings, database, cache, secrets, payments_webhook.signing_secret
)
previews_data_plane = data_plane.previews_data_plane(settings, own_data_plane)
compute = Compute(
    "compute",
    wiring.compute_args(
        settings,
        pulumi.get_stack(),
        web_variables=data_plane.web_environment(settings, own_data_plane, previews_data_plane),
        ops_variables=wiring.ops_environment(
            settings, database, cache, storage, identity, drain_signing
        ),
    ),
)
drains = Drains(
    "drains",
    wiring.drains_args(settings, compute, drain_signing),
    # Vercel verifies the endpoint when the drain is made: the deployment must serve it.
    pulumi.ResourceOptions(depends_on=[compute]),
)
alerts = Alerts("alerts", wiring.alerts_args(settings), on_aws)

pulumi.export("environment", settings.environment.value)
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
if storage.photos_replica is not None:  # the recovery runbook's second source (docs/operate.md)
    pulumi.export("photosReplicaBucket", storage.photos_replica.bucket.bucket)
if storage.replica is not None:
    pulumi.export("backupsReplicaBucket", storage.replica.bucket.bucket)
pulumi.export("appRoleArn", identity.role_arn)
pulumi.export("opsUrl", compute.deployment.url)
pulumi.export("stripeWebhookEndpointId", payments_webhook.endpoint_id)
pulumi.export("alarmSources", alerts.sources)
# The processors of personal data the stack hands keys to (the residency report's record).
pulumi.export("processors", [processor.record() for processor in processors(settings)])
pulumi.export("costInputs", cost_inputs(settings))
# What other stacks' previews may use, and what this stack's previews get.
for name, value in own_data_plane.exports().items():
    pulumi.export(name, value)
pulumi.export(data_plane.PREVIEWS_OUTPUT, previews_data_plane.described(settings))
