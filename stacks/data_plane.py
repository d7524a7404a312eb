"""The web app's data plane, and the variables each of its targets gets.

A data plane is what points the web app at one stack's data and services: its Supabase
project (URL and keys), its Upstash cache, its Stripe key (live mode in production only),
its Resend key and its Sentry DSN. Production gets this stack's own. Previews (every pull
request, built from a branch anyone with push access controls) get their own variables from
the data plane of the stack `crms:previewsDataPlaneStack` names, read through a
`pulumi.StackReference` (prod's previews use staging's), or this stack's own when it names
none; they are told they are `preview`, never `production`. Development gets what previews
get, but no secret: Vercel refuses a sensitive value in development.

Every stack exports its data plane for the stacks whose previews use it (`webDataPlane`,
plain; and, unless it is production, `webDataPlaneSecrets`, secret), and what its own
previews get (`previews`).
"""

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi

from components.cache import Cache
from components.database import Database
from components.error_tracking import ErrorTracking
from components.variables import EVERY_TARGET, EnvVar, Target
from stacks.error_tracking import TRACES_SAMPLE_RATE_VARIABLE
from stacks.loader import stack_file_name
from stacks.problems import Problem, SettingsError
from stacks.processors import SENTRY_REPLAYS_VARIABLE, checked_sentry_dsn
from stacks.secrets import StackSecrets
from stacks.settings import AppEnvironment, StackSettings
from stacks.stripe_mode import checked_stripe_key, stripe_mode

DATA_PLANE_OUTPUT = "webDataPlane"
DATA_PLANE_SECRETS_OUTPUT = "webDataPlaneSecrets"
PREVIEWS_OUTPUT = "previews"
ENVIRONMENT_VARIABLES = ("NEXT_PUBLIC_APP_ENV", "SENTRY_ENVIRONMENT")
"""The web app's variables that tell it which environment it runs in (the seed's)."""
PLAIN_KEYS = ("NEXT_PUBLIC_SUPABASE_URL",)
SENSITIVE_KEYS = (
    # Public by design (it ships to browsers), but a key: kept out of reach anyway.
    "NEXT_PUBLIC_SUPABASE_ANON_KEY",
    "SUPABASE_SERVICE_KEY",
    "UPSTASH_REDIS_URL",
    "UPSTASH_REDIS_TOKEN",
    "STRIPE_SECRET_KEY",
    "STRIPE_WEBHOOK_SECRET",
    "RESEND_API_KEY",
    "SENTRY_DSN",
)
FACTS = ("environment", "stripeMode", "databaseRegion", "cacheRegion")
"""What the residency report and the pack read about a data plane."""


@dataclass(frozen=True)
class DataPlane:
    """One stack's data plane, as Inputs: its own resources' outputs and secrets, or a
    reference's outputs."""

    stack: str
    """The fully qualified name of the stack it belongs to; "" for this stack."""
    facts: Mapping[str, pulumi.Input[str]]
    plain: Mapping[str, pulumi.Input[str]]
    secret: Mapping[str, pulumi.Input[str]]

    def __post_init__(self) -> None:
        if (set(self.plain), set(self.secret)) != (set(PLAIN_KEYS), set(SENSITIVE_KEYS)):
            raise ValueError("a data plane holds PLAIN_KEYS and SENSITIVE_KEYS, each once")

    def exports(self) -> dict[str, object]:
        """The stack outputs by which another stack's previews use it. A production stack
        exports no secret: no preview may have them (and none can, through an output)."""
        exported: dict[str, object] = {
            DATA_PLANE_OUTPUT: {**self.facts, "variables": dict(self.plain)}
        }
        if self.facts["environment"] != AppEnvironment.PRODUCTION.value:
            exported[DATA_PLANE_SECRETS_OUTPUT] = pulumi.Output.secret(dict(self.secret))
        return exported

    def described(self, settings: StackSettings) -> dict[str, object]:
        """What previews get, as the stack output `previews` records it."""
        return {
            "dataPlane": self.stack or "this stack",
            **self.facts,
            "databaseUrl": self.plain["NEXT_PUBLIC_SUPABASE_URL"],
            "sentryEnvironment": Target.PREVIEW.value,
            "vercelAuthentication": settings.previews.protection.value,
            "trustedIps": list(settings.previews.trusted_ips),
            "variables": sorted([*self.plain, *self.secret]),
        }


def own_data_plane(
    settings: StackSettings,
    database: Database,
    cache: Cache,
    secrets: StackSecrets,
    stripe_webhook_secret: pulumi.Input[str],
    error_tracking: ErrorTracking,
) -> DataPlane:
    """`stripe_webhook_secret`: the signing secret of the stack's own Stripe endpoint
    (components/payments_webhook.py), in the mode the stack runs in."""
    stack_file = stack_file_name(pulumi.get_stack())
    mode = stripe_mode(settings.environment)
    region = settings.sentry.region
    return DataPlane(
        stack="",
        facts={
            "environment": settings.environment.value,
            "stripeMode": mode.value,
            "databaseRegion": settings.database.region,
            "cacheRegion": settings.cache.primary_region,
        },
        plain={"NEXT_PUBLIC_SUPABASE_URL": database.api_url},
        secret={
            # The publishable / secret key, or the legacy anon / service_role key while the
            # project has no new one: each new key stands in for its legacy one
            # (https://supabase.com/docs/guides/getting-started/migrating-to-new-api-keys).
            "NEXT_PUBLIC_SUPABASE_ANON_KEY": database.client_key,
            "SUPABASE_SERVICE_KEY": database.server_key,
            "UPSTASH_REDIS_URL": cache.rest_url,
            "UPSTASH_REDIS_TOKEN": cache.rest_token,
            "STRIPE_SECRET_KEY": secrets.stripe_secret_key.apply(
                lambda key: checked_stripe_key(key, mode, stack_file)
            ),
            "STRIPE_WEBHOOK_SECRET": stripe_webhook_secret,
            "RESEND_API_KEY": secrets.resend_api_key,
            # The stack's own client key: no human copies it.
            "SENTRY_DSN": error_tracking.dsn.apply(
                lambda dsn: checked_sentry_dsn(dsn, region, stack_file)
            ),
        },
    )


def previews_data_plane(settings: StackSettings, own: DataPlane) -> DataPlane:
    """The data plane the web app's previews use: the named stack's, else this one's."""
    stack = settings.previews.data_plane_stack
    return referenced_data_plane(stack) if stack else own


def referenced_data_plane(stack: str) -> DataPlane:
    """Another stack's data plane, read from its outputs (known at preview: a reference is
    read, not created). Its secrets stay secret: the output is in the reference's
    `secretOutputNames` (pulumi/pulumi pkg/resource/deploy/builtins.go, readStackReference)."""
    name = f"{pulumi.get_organization()}/{pulumi.get_project()}/{stack}"
    stack_file = stack_file_name(pulumi.get_stack())
    reference = pulumi.StackReference(name)
    described = reference.get_output(DATA_PLANE_OUTPUT)
    secrets = reference.get_output(DATA_PLANE_SECRETS_OUTPUT)

    def pick(output: pulumi.Output[object], *path: str) -> pulumi.Output[str]:
        return output.apply(lambda value: _at(value, name, path))

    def pick_secret(key: str) -> pulumi.Output[str]:
        def checked(both: list[object]) -> str:
            if _at(both[0], name, ("environment",)) == AppEnvironment.PRODUCTION.value:
                raise SettingsError(stack_file, [Problem("previewsDataPlaneStack", stack, _PROD)])
            return _at(both[1], name, (key,))

        return pulumi.Output.all(described, secrets).apply(checked)

    return DataPlane(
        stack=name,
        facts={fact: pick(described, fact) for fact in FACTS},
        plain={key: pick(described, "variables", key) for key in PLAIN_KEYS},
        secret={key: pick_secret(key) for key in SENSITIVE_KEYS},
    )


_PROD = (
    "names a production stack: previews never get production's secrets, and it exports "
    "none; name a stack that is not production (prod's previews use staging)"
)


def _at(value: object, stack: str, path: tuple[str, ...]) -> str:
    for part in path:
        value = value.get(part) if isinstance(value, dict) else None
    if not isinstance(value, str):
        output = DATA_PLANE_SECRETS_OUTPUT if path[0] in SENSITIVE_KEYS else DATA_PLANE_OUTPUT
        raise pulumi.RunError(
            f"stack {stack} exports no {'.'.join(path)} in its output {output}: run `pulumi up` "
            "on it first (this stack's previews use its data plane)"
        )
    return value


def web_environment(settings: StackSettings, own: DataPlane, previews: DataPlane) -> list[EnvVar]:
    """Production: this stack's data plane. Preview: `previews`' data plane. Development:
    its plain values. Each target is told its own environment."""
    environment = settings.environment.value
    per_target = [
        *(EnvVar(key, value, sensitive=False) for key, value in own.plain.items()),
        *(EnvVar(key, value, sensitive=True) for key, value in own.secret.items()),
        *(
            EnvVar(key, value, False, (Target.PREVIEW, Target.DEVELOPMENT))
            for key, value in previews.plain.items()
        ),
        *(EnvVar(key, value, True, (Target.PREVIEW,)) for key, value in previews.secret.items()),
    ]
    per_target += [
        EnvVar(key, environment if target is Target.PRODUCTION else target.value, False, (target,))
        for key in ENVIRONMENT_VARIABLES
        for target in Target
    ]
    return [
        *per_target,
        # Node's build mode, not the app's environment: previews build as production does.
        EnvVar("NODE_ENV", settings.node_env.value, sensitive=False, targets=EVERY_TARGET),
        # The seed's `tracesSampleRate`, read by the web app (browser code: public).
        EnvVar(
            TRACES_SAMPLE_RATE_VARIABLE,
            str(settings.sentry.traces_sample_rate),
            sensitive=False,
            targets=EVERY_TARGET,
        ),
        # The web app passes it to Sentry's `replaysOnErrorSampleRate` (browser code: public).
        EnvVar(
            SENTRY_REPLAYS_VARIABLE,
            str(settings.sentry.replays_on_error_sample_rate),
            sensitive=False,
            targets=EVERY_TARGET,
        ),
    ]
