"""Each surface's create, update, refresh and delete send exactly the requests its
`ownership` declares, in that order (the design docs compare them with what the Supabase CLI
and the Terraform provider send for the same operation)."""

from dataclasses import dataclass
from typing import Any

import pytest

from components.supabase.auth_config import AuthConfigProvider
from components.supabase.network_restrictions import (
    NetworkRestrictionsInputs,
    NetworkRestrictionsProvider,
)
from components.supabase.pitr import PitrInputs, PitrProvider
from components.supabase.postgres_config import PostgresConfigInputs, PostgresConfigProvider
from components.supabase.postgrest import PostgrestInputs, PostgrestProvider
from components.supabase.ssl_enforcement import SslEnforcementInputs, SslEnforcementProvider
from components.supabase.surface import SurfaceInputs, SurfaceProvider
from tests.components.supabase.fake_api import FakeManagementApi
from tests.components.supabase.support import (
    VirtualClock,
    auth_inputs,
    surface_props,
    surface_provider,
)

PROJECT_PATH = "/v1/projects/{ref}"


@dataclass(frozen=True)
class Case:
    provider: type[SurfaceProvider]
    inputs: SurfaceInputs
    change: dict[str, Any]
    """A change of one owned field."""


CASES = {
    "auth": Case(AuthConfigProvider, auth_inputs(), {"mailer_otp_exp": 1800}),
    "ssl": Case(SslEnforcementProvider, SslEnforcementInputs(database=True), {"database": False}),
    "network": Case(
        NetworkRestrictionsProvider,
        NetworkRestrictionsInputs(allowed_cidrs=["185.199.108.0/22"]),
        {"allowed_cidrs": ["185.199.108.0/22", "2606:50c0::/32"]},
    ),
    "pitr": Case(PitrProvider, PitrInputs(variant="pitr_7"), {"variant": "pitr_14"}),
    "data-api": Case(
        PostgrestProvider, PostgrestInputs(db_schema="public", max_rows=1000), {"max_rows": 500}
    ),
    "postgres": Case(
        PostgresConfigProvider,
        PostgresConfigInputs(statement_timeout="120s"),
        {"statement_timeout": "60s"},
    ),
}


def sent(api: FakeManagementApi, since: int) -> tuple[str, ...]:
    """The requests since `since`, as `METHOD path` below the project's path."""
    return tuple(operation.replace(PROJECT_PATH, "", 1) for operation in api.operations[since:])


@pytest.mark.parametrize("case", CASES.values(), ids=CASES)
def test_each_operation_sends_the_declared_sequence(
    api: FakeManagementApi, clock: VirtualClock, project: str, case: Case
) -> None:
    provider = surface_provider(case.provider, clock)
    declared = provider.ownership
    inputs = surface_props(case.inputs, project, api)

    start = len(api.operations)
    outs = provider.create(inputs).outs or {}
    assert sent(api, start) == declared.create

    start = len(api.operations)
    changed = provider.update(project, outs, {**inputs, **case.change}).outs or {}
    assert sent(api, start) == declared.update

    start = len(api.operations)
    refreshed = provider.read(project, changed).outs or {}
    assert sent(api, start) == declared.refresh

    start = len(api.operations)
    provider.delete(project, refreshed)
    assert sent(api, start) == declared.delete


def test_every_surface_declares_what_it_owns_and_leaves() -> None:
    for case in CASES.values():
        declared = case.provider.ownership
        assert declared.owns
        assert declared.leaves
        every = [request for sequence in declared.operations().values() for request in sequence]
        assert all(
            request.split()[0] in {"GET", "PUT", "PATCH", "POST", "DELETE"} for request in every
        )
