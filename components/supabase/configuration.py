"""A Supabase project's configuration: one resource per surface, all on the same project."""

from dataclasses import dataclass, replace
from typing import TypeVar

import pulumi

from components.supabase.auth_config import AuthConfig, AuthConfigInputs
from components.supabase.network_restrictions import (
    NetworkRestrictions,
    NetworkRestrictionsInputs,
)
from components.supabase.pitr import PitrAddon, PitrInputs
from components.supabase.postgres_config import PostgresConfig, PostgresConfigInputs
from components.supabase.postgrest import PostgrestConfig, PostgrestInputs
from components.supabase.ssl_enforcement import SslEnforcement, SslEnforcementInputs
from components.supabase.surface import SurfaceInputs

Inputs = TypeVar("Inputs", bound=SurfaceInputs)


@dataclass(frozen=True, kw_only=True)
class ProjectConfiguration:
    """Each surface's inputs; whose project and which API are filled in by `configure`."""

    auth: AuthConfigInputs
    ssl: SslEnforcementInputs
    network: NetworkRestrictionsInputs
    backups: PitrInputs
    data_api: PostgrestInputs
    postgres: PostgresConfigInputs


@dataclass(frozen=True)
class ConfiguredProject:
    auth: AuthConfig
    ssl: SslEnforcement
    network: NetworkRestrictions
    backups: PitrAddon
    data_api: PostgrestConfig
    postgres: PostgresConfig


def configure(
    name: str,
    ref: pulumi.Input[str],
    management_api: str,
    configuration: ProjectConfiguration,
    parent: pulumi.Resource,
    protect: bool,
) -> ConfiguredProject:
    """The surfaces of project `ref`, children of `parent`; the backups protected with it."""

    def on(inputs: Inputs) -> Inputs:
        return replace(inputs, project_ref=ref, management_api=management_api)

    child = pulumi.ResourceOptions(parent=parent)
    return ConfiguredProject(
        auth=AuthConfig(f"{name}-auth", on(configuration.auth), child),
        ssl=SslEnforcement(f"{name}-ssl-enforcement", on(configuration.ssl), child),
        network=NetworkRestrictions(
            f"{name}-network-restrictions", on(configuration.network), child
        ),
        # Removing it removes the add-on, and the recovery it gives: protected where data is.
        backups=PitrAddon(
            f"{name}-pitr",
            on(configuration.backups),
            pulumi.ResourceOptions(parent=parent, protect=protect),
        ),
        data_api=PostgrestConfig(f"{name}-data-api", on(configuration.data_api), child),
        postgres=PostgresConfig(f"{name}-postgres-config", on(configuration.postgres), child),
    )
