"""Each surface owns exactly its keys: what others set survives its create, update and
delete, and a change to what it does not own is no drift.

The fake's PUT of config/database/postgres replaces the whole set of overrides, as the real
API's does in the Supabase CLI's recordings (test_replay), so these tests fail against a
surface that writes its own key alone.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from components.supabase.auth_config import AuthConfigProvider
from components.supabase.pitr import PitrInputs, PitrProvider
from components.supabase.postgres_config import PostgresConfigInputs, PostgresConfigProvider
from components.supabase.postgrest import PostgrestInputs, PostgrestProvider
from components.supabase.surface import SurfaceInputs, SurfaceProvider
from tests.components.supabase.fake_api import FakeManagementApi
from tests.components.supabase.fake_config import ProjectSettings
from tests.components.supabase.support import (
    VirtualClock,
    auth_inputs,
    surface_props,
    surface_provider,
)

OUTSIDE = {"max_connections": 200, "work_mem": "8MB"}
"""Overrides someone set in the dashboard or with `supabase postgres-config update`."""


def test_overrides_set_elsewhere_survive_create_update_and_delete(
    api: FakeManagementApi, clock: VirtualClock, project: str
) -> None:
    settings = api.config.of(project)
    settings.postgres = dict(OUTSIDE)
    provider = surface_provider(PostgresConfigProvider, clock)
    inputs = surface_props(PostgresConfigInputs(statement_timeout="120s"), project, api)

    outs = provider.create(inputs).outs or {}
    assert settings.postgres == {**OUTSIDE, "statement_timeout": "120s"}
    assert api.bodies[-1] == {**OUTSIDE, "statement_timeout": "120s"}  # merged, then written

    settings.postgres["shared_buffers"] = "256MB"  # another change between two runs
    outs = provider.update(project, outs, {**inputs, "statement_timeout": "60s"}).outs or {}
    assert settings.postgres == {**OUTSIDE, "shared_buffers": "256MB", "statement_timeout": "60s"}

    provider.delete(project, outs)
    assert settings.postgres == {**OUTSIDE, "shared_buffers": "256MB"}  # its own key only

    before = len(api.requests)
    provider.delete(project, outs)  # nothing of its own left: no write at all
    assert [method for method, _, _ in api.requests[before:]] == ["GET"]


def test_a_refresh_reads_the_override_as_set_or_not_set(
    api: FakeManagementApi, clock: VirtualClock, project: str
) -> None:
    provider = surface_provider(PostgresConfigProvider, clock)
    inputs = surface_props(PostgresConfigInputs(statement_timeout="120s"), project, api)
    outs = provider.create(inputs).outs or {}
    api.config.of(project).postgres.pop("statement_timeout")  # removed in the dashboard
    read = provider.read(project, outs).outs or {}
    assert read["statement_timeout"] is None
    assert set(read) - set(inputs) == set()  # no other override enters the state
    assert provider.diff(project, read, inputs).changes is True  # the program sets it back


@dataclass(frozen=True)
class Elsewhere:
    provider: type[SurfaceProvider]
    inputs: SurfaceInputs
    change: Callable[[ProjectSettings], None]
    """A change to something the surface does not own."""


def _other_auth_settings(settings: ProjectSettings) -> None:
    settings.auth.update(external_google_enabled=True, sms_provider="twilio")


def _nothing_else(_settings: ProjectSettings) -> None:
    """The PITR add-on's neighbour is the compute size, which every case changes."""


ELSEWHERE = {
    "auth": Elsewhere(AuthConfigProvider, auth_inputs(), _other_auth_settings),
    "data-api": Elsewhere(
        PostgrestProvider,
        PostgrestInputs(db_schema="public", max_rows=1000),
        lambda s: s.postgrest.update(db_extra_search_path="public, extensions, audit"),
    ),
    "pitr": Elsewhere(PitrProvider, PitrInputs(variant="pitr_7"), _nothing_else),
    "postgres": Elsewhere(
        PostgresConfigProvider,
        PostgresConfigInputs(statement_timeout="120s"),
        lambda s: s.postgres.update(max_connections=300),
    ),
}


@pytest.mark.parametrize("case", ELSEWHERE.values(), ids=ELSEWHERE)
def test_a_change_to_what_a_surface_does_not_own_is_no_drift(
    api: FakeManagementApi, clock: VirtualClock, project: str, case: Elsewhere
) -> None:
    provider = surface_provider(case.provider, clock)
    inputs = surface_props(case.inputs, project, api)
    outs = provider.create(inputs).outs or {}
    case.change(api.config.of(project))
    api.addons[project] = "ci_large"  # the project's size: the project resource owns it
    read: dict[str, Any] = provider.read(project, outs).outs or {}
    assert provider.diff(project, read, inputs).changes is False
    assert set(read) <= set(outs)  # nothing it does not own enters its state
