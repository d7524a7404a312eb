"""Each configuration surface round-trips against the spec-strict fake: create, a change made
in the dashboard, refresh (one call), update back, and a one-field update (the surface's
update sequence, once)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from components.supabase.auth_config import AuthConfigProvider
from components.supabase.network_restrictions import NetworkRestrictionsInputs
from components.supabase.network_restrictions import NetworkRestrictionsProvider as Network
from components.supabase.pitr import PitrInputs, PitrProvider
from components.supabase.postgres_config import PostgresConfigInputs, PostgresConfigProvider
from components.supabase.postgrest import PostgrestInputs, PostgrestProvider
from components.supabase.ssl_enforcement import SslEnforcementInputs, SslEnforcementProvider
from components.supabase.surface import SurfaceInputs, SurfaceProvider
from tests.components.supabase.fake_api import FakeManagementApi
from tests.components.supabase.fake_config import ProjectSettings
from tests.components.supabase.support import (
    VirtualClock,
    auth_inputs,
    surface_props,
    surface_provider,
)


@dataclass(frozen=True)
class Case:
    provider: type[SurfaceProvider]
    inputs: SurfaceInputs
    live: Callable[[ProjectSettings], Any]
    """What the project has, read from the fake, for the field the case changes."""
    wanted: Any
    """That field's value as the inputs set it."""
    drift: Callable[[ProjectSettings], None]
    drifted: dict[str, Any]
    """What a refresh reads after the drift."""
    change: dict[str, Any]
    """A one-field update, and then `live` must give `changed`."""
    changed: Any


def _narrowed_in_dashboard(settings: ProjectSettings) -> None:
    settings.cidrs_v4, settings.cidrs_v6 = ["185.199.108.0/22"], []


CASES = {
    "auth": Case(
        AuthConfigProvider,
        auth_inputs(),
        lambda s: s.auth["mailer_otp_exp"],
        3600,
        lambda s: s.auth.update(site_url="http://localhost:3000", mailer_otp_exp=86400),
        {"site_url": "http://localhost:3000", "mailer_otp_exp": 86400},
        {"mailer_otp_exp": 1800},
        1800,
    ),
    "ssl": Case(
        SslEnforcementProvider,
        SslEnforcementInputs(database=True),
        lambda s: s.ssl_enforced,
        True,
        lambda s: setattr(s, "ssl_enforced", False),
        {"database": False},
        {"database": False},
        False,
    ),
    "network": Case(
        Network,
        NetworkRestrictionsInputs(allowed_cidrs=["0.0.0.0/0", "::/0"]),
        lambda s: (s.cidrs_v4, s.cidrs_v6),
        (["0.0.0.0/0"], ["::/0"]),
        _narrowed_in_dashboard,
        {"allowed_cidrs": ["185.199.108.0/22"]},
        {"allowed_cidrs": ["185.199.108.0/22", "2606:50c0::/32"]},
        (["185.199.108.0/22"], ["2606:50c0::/32"]),
    ),
    "pitr": Case(
        PitrProvider,
        PitrInputs(variant="pitr_7"),
        lambda s: s.pitr,
        "pitr_7",
        lambda s: setattr(s, "pitr", None),
        {"variant": "none"},
        {"variant": "pitr_14"},
        "pitr_14",
    ),
    "data-api": Case(
        PostgrestProvider,
        PostgrestInputs(db_schema="public", max_rows=1000),
        lambda s: (s.postgrest["db_schema"], s.postgrest["max_rows"]),
        ("public", 1000),
        lambda s: s.postgrest.update(db_schema="public, audit"),
        {"db_schema": "public, audit"},
        {"max_rows": 500},
        ("public", 500),
    ),
    "postgres": Case(
        PostgresConfigProvider,
        PostgresConfigInputs(statement_timeout="120s"),
        lambda s: s.postgres["statement_timeout"],
        "120s",
        lambda s: s.postgres.update(statement_timeout="0"),
        {"statement_timeout": "0"},
        {"statement_timeout": "60s"},
        "60s",
    ),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES)
def test_create_drift_refresh_update_round_trip(
    api: FakeManagementApi, clock: VirtualClock, project: str, case: Case
) -> None:
    provider = surface_provider(case.provider, clock)
    inputs = surface_props(case.inputs, project, api)
    created = provider.create(inputs)
    assert created.id == project
    assert case.live(api.config.of(project)) == case.wanted
    outs = created.outs or {}
    assert provider.diff(project, outs, inputs).changes is False

    before = len(api.requests)
    unchanged = provider.read(project, outs)
    assert len(api.requests) - before == 1, "a no-change refresh reads once"
    assert provider.diff(project, unchanged.outs or {}, inputs).changes is False

    case.drift(api.config.of(project))  # someone changes it in the dashboard
    drifted = provider.read(project, outs).outs or {}
    assert {key: drifted[key] for key in case.drifted} == case.drifted
    diff = provider.diff(project, drifted, inputs)
    assert (diff.changes, diff.replaces) == (True, [])

    restored = provider.update(project, drifted, inputs).outs or {}
    assert case.live(api.config.of(project)) == case.wanted
    assert (
        provider.diff(project, provider.read(project, restored).outs or {}, inputs).changes is False
    )

    before = len(api.requests)
    provider.update(project, restored, {**inputs, **case.change})
    sent = len(api.requests) - before
    assert sent == len(provider.ownership.update), "a one-field update sends the update alone"
    assert case.live(api.config.of(project)) == case.changed


@pytest.mark.parametrize("case", CASES.values(), ids=CASES)
def test_another_project_replaces_and_nothing_else_does(case: Case) -> None:
    provider = case.provider()
    olds = surface_props(case.inputs, "abcdefghijabcdefghij")
    news = surface_props(case.inputs, "bcdefghijabcdefghija")
    diff = provider.diff("abcdefghijabcdefghij", olds, news)
    assert (diff.changes, diff.replaces, diff.delete_before_replace) == (
        True,
        ["project_ref"],
        False,
    )
    moved = {**olds, "management_api": "http://127.0.0.1:1"}
    assert provider.diff("abcdefghijabcdefghij", olds, moved).replaces == []
