"""The CRMS database: a Supabase project in Zurich, its password, its keys and URLs."""

from dataclasses import dataclass
from urllib.parse import quote

import pulumi
import pulumi_random as random

from components.supabase.provider import SupabaseProject


@dataclass(frozen=True, kw_only=True)
class DatabaseArgs:
    project_name: str
    """Supabase project name, unique within the organization."""
    organization_slug: str
    """Slug of the Supabase organization that owns the project."""
    region: str
    """Supabase region code; the settings allow only eu-central-2 (Zurich)."""
    instance_size: str
    """Supabase compute size (desired_instance_size)."""
    management_api: str
    """Base URL of the Management API (tests point it at a local server)."""
    protect: bool = True
    """Protect the project and password, and retain the project if removed from the program."""


class Database(pulumi.ComponentResource):
    ref: pulumi.Output[str]
    api_url: pulumi.Output[str]
    anon_key: pulumi.Output[str]
    service_role_key: pulumi.Output[str]
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
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )
        self.project = SupabaseProject(
            f"{name}-project",
            {
                "name": args.project_name,
                "organization_slug": args.organization_slug,
                "region": args.region,
                "instance_size": args.instance_size,
                "management_api": args.management_api,
                "db_pass": self.password.result,
            },
            stateful,
        )
        self.ref = self.project.ref
        self.api_url = self.project.api_url
        self.anon_key = pulumi.Output.secret(self.project.anon_key)
        self.service_role_key = pulumi.Output.secret(self.project.service_role_key)
        password = self.password.result
        self.direct_url = pulumi.Output.secret(
            pulumi.Output.format(
                "postgresql://postgres:{0}@{1}:5432/{2}",
                password.apply(_url_quoted),
                self.project.db_host,
                self.project.db_name,
            )
        )
        self.pooled_url = self._pooler_url(password, self.project.pooler_port)
        # Supavisor's session mode (port 5432) keeps one server connection per
        # client, so session features such as advisory locks work, over IPv4.
        self.session_url = self._pooler_url(password, 5432)
        self.register_outputs(
            {
                "ref": self.ref,
                "apiUrl": self.api_url,
                "anonKey": self.anon_key,
                "serviceRoleKey": self.service_role_key,
                "directUrl": self.direct_url,
                "pooledUrl": self.pooled_url,
                "sessionUrl": self.session_url,
            }
        )

    def _pooler_url(
        self, password: pulumi.Output[str], port: pulumi.Input[int]
    ) -> pulumi.Output[str]:
        return pulumi.Output.secret(
            pulumi.Output.format(
                "postgresql://{0}:{1}@{2}:{3}/{4}",
                self.project.pooler_user,
                password.apply(_url_quoted),
                self.project.pooler_host,
                port,
                self.project.db_name,
            )
        )


def _url_quoted(text: str) -> str:
    return quote(text, safe="")
