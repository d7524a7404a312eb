"""What each app's environment holds, wired from the other components and the secrets.

The web app's variables are the seed's (.env.local and the vercel.json envs);
the ops app's are what `app.config` reads.
"""

from app.metric_catalog import namespace
from components.cache import Cache
from components.compute import EnvVar
from components.database import Database
from components.identity import Identity
from components.storage import Storage
from stacks.secrets import StackSecrets
from stacks.settings import StackSettings


def web_environment(
    settings: StackSettings, database: Database, cache: Cache, secrets: StackSecrets
) -> list[EnvVar]:
    environment = settings.environment.value
    return [
        EnvVar("NEXT_PUBLIC_SUPABASE_URL", database.api_url, sensitive=False),
        # Public by design (it ships to browsers), but a key: kept out of reach anyway.
        # The publishable / secret key, or the legacy anon / service_role key while the
        # project has no new one: each new key stands in for its legacy one
        # (https://supabase.com/docs/guides/getting-started/migrating-to-new-api-keys).
        EnvVar("NEXT_PUBLIC_SUPABASE_ANON_KEY", database.client_key, sensitive=True),
        EnvVar("SUPABASE_SERVICE_KEY", database.server_key, sensitive=True),
        EnvVar("UPSTASH_REDIS_URL", cache.rest_url, sensitive=True),
        EnvVar("UPSTASH_REDIS_TOKEN", cache.rest_token, sensitive=True),
        EnvVar("STRIPE_SECRET_KEY", secrets.stripe_secret_key, sensitive=True),
        EnvVar("STRIPE_WEBHOOK_SECRET", secrets.stripe_webhook_secret, sensitive=True),
        EnvVar("RESEND_API_KEY", secrets.resend_api_key, sensitive=True),
        EnvVar("SENTRY_DSN", secrets.sentry_dsn, sensitive=True),
        EnvVar("NODE_ENV", settings.node_env.value, sensitive=False),
        EnvVar("NEXT_PUBLIC_APP_ENV", environment, sensitive=False),
        EnvVar("SENTRY_ENVIRONMENT", environment, sensitive=False),
    ]


def ops_environment(
    settings: StackSettings,
    database: Database,
    cache: Cache,
    storage: Storage,
    identity: Identity,
) -> list[EnvVar]:
    environment = settings.environment.value
    return [
        EnvVar("APP_ENV", environment, sensitive=False),
        EnvVar("DATABASE_URL", database.session_url, sensitive=True),
        EnvVar("DATABASE_DISK_BYTES", str(settings.database.disk_size_gb * 2**30), sensitive=False),
        EnvVar("REDIS_URL", cache.redis_url, sensitive=True),
        EnvVar("PHOTOS_BUCKET", storage.photos.bucket.bucket, sensitive=False),
        EnvVar("BACKUPS_BUCKET", storage.backups.bucket.bucket, sensitive=False),
        EnvVar("AWS_REGION", settings.storage.region, sensitive=False),
        EnvVar("AWS_ROLE_ARN", identity.role_arn, sensitive=False),
        EnvVar("METRICS_NAMESPACE", namespace(environment), sensitive=False),
    ]
