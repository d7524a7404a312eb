"""Which resource types hold customer data, and what every other type is.

The report walks every resource of a plan. A type that stores, copies or
processes customer data has a `DataType`; every other type is listed with the
reason it holds none. A type in neither table stops the report ("unclassified
resource"), so a resource added to the program is either reported or decided on.
"""

from dataclasses import dataclass, replace
from enum import StrEnum

from crms_infra.plan_model import PlanResource


class Kind(StrEnum):
    DATABASE = "database"
    OBJECT_STORAGE = "object storage"
    CACHE = "cache"
    FUNCTIONS = "functions"
    LOG_DRAIN = "log drain"
    AUTH_EMAIL = "auth e-mail"


@dataclass(frozen=True)
class DataType:
    kind: Kind
    provider: str
    classification: str
    encryption: str
    """At rest, and who holds the key, where the plan cannot tell (buckets say it themselves)."""
    retention: str
    rules: tuple[str, ...]
    """The policy pack's rules that judge this type (their names in `policies/crms_rules/`)."""


SUPABASE_PROJECT = "pulumi-python:dynamic/supabase:Project"
SUPABASE_AUTH = "pulumi-python:dynamic/supabase:AuthConfig"
_SUPABASE_SETTING = "a setting of the Supabase project; its rules judge the project's entry"
BUCKET = "aws:s3/bucket:Bucket"
REDIS = "upstash:index/redisDatabase:RedisDatabase"
VERCEL_PROJECT = "vercel:index/project:Project"
LOG_DRAIN = "vercel:index/logDrain:LogDrain"
TRACE_DRAIN = "vercel:index/traceDrain:TraceDrain"

# What each drain carries: https://vercel.com/docs/drains/reference/logs and
# https://vercel.com/docs/drains/reference/traces.
_LOG_DRAIN = DataType(
    kind=Kind.LOG_DRAIN,
    provider="Vercel",
    classification="copies the web app's request logs: path, method, status, client IP",
    encryption="TLS to the ops app; each delivery signed with the drain's secret",
    retention="none: the ops app sums each delivery per minute into metrics, keeps no entry",
    rules=("residency-drains-own-endpoint",),
)

DATA_TYPES: dict[str, DataType] = {
    SUPABASE_PROJECT: DataType(
        kind=Kind.DATABASE,
        provider="Supabase",
        classification="customer personal data: companies, staff, customers, contracts, "
        "payments, photo metadata, audit log",
        # "All customer data is encrypted at rest with AES-256" (https://supabase.com/security).
        encryption="AES-256 at rest; key held by Supabase",
        # Daily backups on every paid plan (https://supabase.com/docs/guides/platform/backups).
        retention="kept until deleted by the app; Supabase's daily backups per plan",
        rules=(
            "residency-database-zurich",
            "protect-stateful",
            "supabase-configuration-managed",
            "supabase-ssl-enforced",
            "supabase-network-restricted",
            "supabase-pitr-enabled",
            "supabase-data-api-internal-schemas",
        ),
    ),
    # Supabase Auth sends sign-up, recovery and sign-in e-mails through the stack's SMTP,
    # Resend: "All account data, including email metadata, logs, and API records, is stored
    # in the United States regardless of the sending region"
    # (https://resend.com/docs/dashboard/domains/regions, "Data Residency").
    SUPABASE_AUTH: DataType(
        kind=Kind.AUTH_EMAIL,
        provider="Resend (SMTP of Supabase Auth)",
        classification="users' e-mail addresses, names and sign-in links or codes",
        encryption="TLS to smtp.resend.com:465; stored by Resend, key held by Resend",
        retention="e-mail metadata and logs in Resend's account data, as Resend keeps them",
        rules=("supabase-auth-custom-smtp", "supabase-auth-site-url", "supabase-auth-checklist"),
    ),
    BUCKET: DataType(
        kind=Kind.OBJECT_STORAGE,
        provider="AWS S3",
        classification="",  # from the bucket's own data-classification tag and role
        encryption="",  # from its encryption configuration
        retention="",  # from its lifecycle and object lock
        rules=(
            "residency-buckets-zurich",
            "s3-encryption",
            "s3-versioning",
            "s3-public-access-block",
            "s3-acls-disabled",
            "s3-tls-only",
            "s3-access-logging",
            "s3-log-retention",
            "s3-backups-object-lock",
            "protect-stateful",
        ),
    ),
    REDIS: DataType(
        kind=Kind.CACHE,
        provider="Upstash",
        classification="cached application data and sessions (may hold personal data)",
        # TLS is always on; encryption at rest only with the Prod Pack add-on
        # (https://upstash.com/docs/redis/features/security).
        encryption="TLS in transit; at rest only with Upstash's Prod Pack; key held by Upstash",
        retention="until a key expires or is evicted (eviction on)",
        rules=("residency-service-regions", "protect-stateful"),
    ),
    VERCEL_PROJECT: DataType(
        kind=Kind.FUNCTIONS,
        provider="Vercel",
        classification="customer data in transit while a request is served",
        encryption="TLS in transit; the functions store nothing",
        retention="runtime logs kept by Vercel for the plan's log retention",
        rules=("residency-service-regions", "secrets-vercel-env-sensitive"),
    ),
    LOG_DRAIN: _LOG_DRAIN,
    TRACE_DRAIN: replace(
        _LOG_DRAIN,
        classification="copies the web app's trace spans: route, timing, attributes",
    ),
}

_BUCKET_PART = "held by its bucket, reported there"
NOT_DATA: dict[str, str] = {
    "pulumi:pulumi:Stack": "the stack itself",
    "pulumi:pulumi:StackReference": (
        "reads another stack's outputs; what previews get from them is reported under Previews"
    ),
    "pulumi-python:dynamic/crms:SchemaMigrations": "schema definitions (SQL DDL), no rows",
    "pulumi-python:dynamic/supabase:SslEnforcement": _SUPABASE_SETTING,
    "pulumi-python:dynamic/supabase:NetworkRestrictions": _SUPABASE_SETTING,
    "pulumi-python:dynamic/supabase:PostgrestConfig": _SUPABASE_SETTING,
    "pulumi-python:dynamic/supabase:PostgresConfig": _SUPABASE_SETTING,
    # PITR keeps WAL in the project's own region (backups.mdx); reported with the project.
    "pulumi-python:dynamic/supabase:PitrAddon": _SUPABASE_SETTING,
    "random:index/randomPassword:RandomPassword": "a generated credential, never customer data",
    "pulumi-python:dynamic/stripe:WebhookEndpoint": (
        "where Stripe posts payment events: the web app's own URL; Stripe, which holds the "
        "payments, is reported as a processor"
    ),
    "aws:kms/key:Key": "an encryption key; reported as the key of what it protects",
    "aws:kms/keyPolicy:KeyPolicy": "who may use a key; reported with what the key protects",
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": "identity; reported as who can read",
    "aws:iam/role:Role": "identity; reported as who can read",
    "aws:iam/rolePolicy:RolePolicy": "permissions; reported as who can read",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": _BUCKET_PART,
    "aws:s3/bucketLogging:BucketLogging": _BUCKET_PART,
    "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration": _BUCKET_PART,
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": _BUCKET_PART,
    "aws:s3/bucketPolicy:BucketPolicy": _BUCKET_PART,
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": _BUCKET_PART,
    "aws:s3/bucketReplicationConfig:BucketReplicationConfig": _BUCKET_PART,
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": (
        _BUCKET_PART
    ),
    "aws:s3/bucketVersioning:BucketVersioning": _BUCKET_PART,
    "aws:cloudwatch/metricAlarm:MetricAlarm": "aggregated counts and latencies, no customer data",
    "aws:sns/topic:Topic": "alarm notifications: alarm names and metric values only",
    "aws:sns/topicSubscription:TopicSubscription": "an alert recipient's address (staff)",
    "vercel:index/deployment:Deployment": "the ops app's code",
    "vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable": (
        "configuration; a credential is reported as who can read the store it opens"
    ),
}
NOT_DATA_PREFIXES: dict[str, str] = {
    "crms:index:": "a component: its children are reported one by one",
    "pulumi:providers:": "a provider's configuration",
}


class UnclassifiedResourceError(Exception):
    """A resource type that is neither a data holder nor known to hold none."""


def data_type(resource: PlanResource) -> DataType | None:
    """The resource's data type, None if it holds no customer data; raises if unknown."""
    type_ = resource["type"]
    if type_ in DATA_TYPES:
        return DATA_TYPES[type_]
    if type_ in NOT_DATA or any(type_.startswith(prefix) for prefix in NOT_DATA_PREFIXES):
        return None
    raise UnclassifiedResourceError(
        f"unclassified resource {resource['urn']} (type {type_}): classify its type in "
        "crms_infra/residency/classify.py as holding customer data or not"
    )
