"""A Supabase project's inputs and outputs, each field declaring what a change of it does
(components.supabase.fields).

A project's organization and region are what it is: the Management API has no call that
moves a project to another organization or region, so a change replaces it. Its name,
password and compute size change in place: PATCH /v1/projects/{ref},
PATCH /v1/projects/{ref}/database/password and PATCH /v1/projects/{ref}/billing/addons
(the spec's V1UpdateProjectBody, V1UpdatePasswordBody, ApplyProjectAddonBody).
"""

from dataclasses import dataclass

import pulumi

from components.supabase.api import DEFAULT_API_URL
from components.supabase.fields import behaviour, computed, identity, setting


@dataclass(frozen=True, kw_only=True)
class ProjectInputs:
    name: str = setting()
    """The project's name, also how an existing project is adopted."""
    organization_slug: str = identity()
    """The organization that owns (and bills) the project."""
    region: str = identity()
    """Where the project runs: eu-central-2 (Zurich) in every stack."""
    instance_size: str = setting()
    """The compute size (micro, small, medium, ...)."""
    management_api: str = setting(DEFAULT_API_URL)
    """Base URL of the Management API (tests point it at a local server); never diffed."""
    db_pass: pulumi.Input[str] = setting(secret=True)
    """The database password (a generated secret)."""
    ref: str | None = computed()
    status: str | None = computed()
    api_url: str | None = computed()
    db_host: str | None = computed()
    pooler_host: str | None = computed()
    pooler_port: int | None = computed()
    pooler_user: str | None = computed()
    db_name: str | None = computed()
    anon_key: str | None = computed(secret=True)
    service_role_key: str | None = computed(secret=True)
    publishable_key: str | None = computed(secret=True)
    secret_key: str | None = computed(secret=True)


PROJECT = behaviour(ProjectInputs)
REPLACE_ON_CHANGE = PROJECT.replace
UPDATE_IN_PLACE = PROJECT.sent
"""What the update calls carry: the API's URL is where to call, not a setting."""
