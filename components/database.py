"""The CRMS database: a Supabase project in Zurich, its password, keys and URLs, and its
configuration (auth, SSL, network, backups, Data API, Postgres), each surface its own
resource beside the project."""

from dataclasses import dataclass
from urllib.parse import quote

import pulumi
import pulumi_random as random

from components.supabase.configuration import ProjectConfiguration, configure
from components.supabase.project_inputs import ProjectInputs
from components.supabase.provider import SupabaseProject

PASSWORD_SHAPE = (
    "length", "special", "upper", "lower", "numeric", "number",
    "minLower", "minUpper", "minNumeric", "minSpecial", "overrideSpecial",
)  # fmt: skip
"""The password's generation parameters, which matter only when it is made. Each one
forces a new password when changed (terraform-provider-random, resource_password.go,
RequiresReplace), and a new password is set on the live database at once (the
provider's update): so a later edit of them, or a password adopted from the running
deployment, whose import sets them from its value (ImportState there; docs/resources/
password.md, "Avoiding Replacement", option 3), never rotates it. A rotation is a
deliberate `pulumi up --replace` (docs/takeover.md)."""


@dataclass(frozen=True, kw_only=True)
class DatabaseArgs:
    project_name: str
    """Supabase project name, unique within the organization (a change renames in place)."""
    organization_slug: str
    """Slug of the Supabase organization that owns the project."""
    region: str
    """Supabase region code; the settings allow only eu-central-2 (Zurich)."""
    instance_size: str
    """Supabase compute size (desired_instance_size)."""
    management_api: str
    """Base URL of the Management API (tests point it at a local server)."""
    configuration: ProjectConfiguration
    """The project's configuration, one set of inputs per surface."""
    protect: bool = True
    """Protect the project and password, and retain the project if removed from the program."""


class Database(pulumi.ComponentResource):
    ref: pulumi.Output[str]
    api_url: pulumi.Output[str]
    publishable_key: pulumi.Output[str | None]
    secret_key: pulumi.Output[str | None]
    anon_key: pulumi.Output[str | None]
    service_role_key: pulumi.Output[str | None]
    client_key: pulumi.Output[str]
    server_key: pulumi.Output[str]
    direct_url: pulumi.Output[str]
    pooled_url: pulumi.Output[str]
    session_url: pulumi.Output[str]

    def __init__(
        self, name: str, args: DatabaseArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("crms:index:Database", name, None, opts)
        stateful = pulumi.ResourceOptions(
            parent=self, protect=args.protect, retain_on_delete=args.protect
        )
        # URL-safe specials only: the password goes into connection strings.
        self.password = random.RandomPassword(
            f"{name}-password",
            length=40,
            special=True,
            override_special="-_.~",
            opts=pulumi.ResourceOptions(
                parent=self, protect=args.protect, ignore_changes=list(PASSWORD_SHAPE)
            ),
        )
        self.project = SupabaseProject(
            f"{name}-project",
            ProjectInputs(
                name=args.project_name,
                organization_slug=args.organization_slug,
                region=args.region,
                instance_size=args.instance_size,
                management_api=args.management_api,
                db_pass=self.password.result,
            ),
            stateful,
        )
        project = self.project
        self.configuration = configure(
            name, project.ref, args.management_api, args.configuration, self, args.protect
        )
        self.ref = project.ref
        self.api_url = project.api_url
        # Each key as the API has it: the new kinds, and the legacy ones while they last.
        self.publishable_key = pulumi.Output.secret(project.publishable_key)
        self.secret_key = pulumi.Output.secret(project.secret_key)
        self.anon_key = pulumi.Output.secret(project.anon_key)
        self.service_role_key = pulumi.Output.secret(project.service_role_key)
        # What apps should use: the new key, else the legacy key it replaces one for one
        # (https://supabase.com/docs/guides/getting-started/migrating-to-new-api-keys).
        self.client_key = _first_present(
            "publishable or anon key", project.publishable_key, project.anon_key
        )
        self.server_key = _first_present(
            "secret or service_role key", project.secret_key, project.service_role_key
        )
        password = self.password.result
        self.direct_url = _connection_url(
            "postgres", password, project.db_host, 5432, project.db_name
        )
        self.pooled_url = _connection_url(
            project.pooler_user, password, project.pooler_host, project.pooler_port, project.db_name
        )
        # Supavisor's session mode (port 5432) keeps one server connection per
        # client, so session features such as advisory locks work, over IPv4.
        self.session_url = _connection_url(
            project.pooler_user, password, project.pooler_host, 5432, project.db_name
        )
        self.register_outputs(
            {
                "ref": self.ref,
                "apiUrl": self.api_url,
                "publishableKey": self.publishable_key,
                "secretKey": self.secret_key,
                "anonKey": self.anon_key,
                "serviceRoleKey": self.service_role_key,
                "clientKey": self.client_key,
                "serverKey": self.server_key,
                "directUrl": self.direct_url,
                "pooledUrl": self.pooled_url,
                "sessionUrl": self.session_url,
            }
        )


def connection_url(
    user: object, password: object, host: object, port: object, database: object
) -> str:
    """A PostgreSQL URL; a missing part is an error, never the text "None" in the URL."""
    parts = {"user": user, "password": password, "host": host, "port": port, "database": database}
    missing = [name for name, value in parts.items() if value is None or value == ""]
    if missing:
        raise ValueError(
            f"the Supabase project has no database {' or '.join(missing)}: run `pulumi refresh`, "
            "then `pulumi up` again"
        )
    credentials = f"{quote(str(user), safe='')}:{quote(str(password), safe='')}"
    return f"postgresql://{credentials}@{host}:{port}/{database}"


def _connection_url(
    user: pulumi.Input[str],
    password: pulumi.Input[str],
    host: pulumi.Input[str],
    port: pulumi.Input[int],
    database: pulumi.Input[str],
) -> pulumi.Output[str]:
    parts = pulumi.Output.all(user, password, host, port, database)
    return pulumi.Output.secret(parts.apply(lambda values: connection_url(*values)))


def _first_present(what: str, *keys: pulumi.Input[str | None]) -> pulumi.Output[str]:
    def first(values: list[str | None]) -> str:
        for value in values:
            if value:
                return value
        raise ValueError(f"the Supabase project has no {what}")

    return pulumi.Output.secret(pulumi.Output.all(*keys).apply(first))
