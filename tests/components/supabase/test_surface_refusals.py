"""What each surface does beyond the round trip: waits, refusals the API documents, what a
delete leaves, values that read alike though spelt differently, and a project gone."""

import pytest

from components.supabase.api import SupabaseApiError
from components.supabase.network_restrictions import (
    NetworkRestrictionsInputs,
    NetworkRestrictionsProvider,
)
from components.supabase.pitr import PitrInputs, PitrProvider
from components.supabase.postgres_config import PostgresConfigInputs, PostgresConfigProvider
from components.supabase.postgrest import PostgrestInputs, PostgrestProvider
from components.supabase.ssl_enforcement import SslEnforcementInputs, SslEnforcementProvider
from tests.components.supabase.fake_api import FakeManagementApi, Fault
from tests.components.supabase.support import VirtualClock, surface_props, surface_provider


def test_ssl_enforcement_is_waited_for_until_applied(
    api: FakeManagementApi, clock: VirtualClock, project: str
) -> None:
    api.config.ssl_reads_until_applied = 2  # the database restarts first
    provider = surface_provider(SslEnforcementProvider, clock)
    provider.create(surface_props(SslEnforcementInputs(), project, api))
    assert api.count("GET", rf"/v1/projects/{project}/ssl-enforcement") == 3
    assert api.config.of(project).ssl_enforced is True


def test_ssl_enforcement_never_applied_fails_plainly(
    api: FakeManagementApi, clock: VirtualClock, project: str
) -> None:
    api.config.ssl_reads_until_applied = 10_000
    provider = surface_provider(SslEnforcementProvider, clock)
    with pytest.raises(
        SupabaseApiError, match=r"still not applied after 5 s; run `pulumi refresh`"
    ):
        provider.create(surface_props(SslEnforcementInputs(), project, api))


def test_a_project_without_ssl_enforcement_says_what_to_do(
    api: FakeManagementApi, clock: VirtualClock, project: str
) -> None:
    api.config.ssl_supported = False
    provider = surface_provider(SslEnforcementProvider, clock)
    with pytest.raises(SupabaseApiError, match=r"HTTP 400: .*not allowed to configure SSL .*paid"):
        provider.create(surface_props(SslEnforcementInputs(), project, api))


@pytest.mark.parametrize(("plan", "compute"), [("free", "ci_medium"), ("pro", "ci_micro")])
def test_pitr_refused_by_the_plan_or_the_size_says_why(
    api: FakeManagementApi, clock: VirtualClock, project: str, plan: str, compute: str
) -> None:
    api.config.plan, api.addons[project] = plan, compute
    provider = surface_provider(PitrProvider, clock)
    with pytest.raises(SupabaseApiError, match=r"HTTP 403: Forbidden: PITR needs the Pro plan"):
        provider.create(surface_props(PitrInputs(variant="pitr_7"), project, api))
    assert api.config.of(project).pitr is None


def test_pitr_none_removes_an_addon_turned_on_elsewhere_and_delete_removes_it(
    api: FakeManagementApi, clock: VirtualClock, project: str
) -> None:
    api.config.of(project).pitr = "pitr_28"
    provider = surface_provider(PitrProvider, clock)
    outs = provider.create(surface_props(PitrInputs(), project, api)).outs or {}
    assert (outs["variant"], api.config.of(project).pitr) == ("none", None)
    assert api.count("DELETE", rf"/v1/projects/{project}/billing/addons/pitr_28") == 1
    on = provider.update(project, outs, {**outs, "variant": "pitr_7"}).outs or {}
    provider.delete(project, on)
    assert api.config.of(project).pitr is None
    provider.delete(project, on)  # already removed: a log line, not an error


def test_network_restrictions_never_applied_read_as_open_and_delete_leaves_them(
    api: FakeManagementApi, clock: VirtualClock, project: str
) -> None:
    provider = surface_provider(NetworkRestrictionsProvider, clock)
    read = provider.read(project, {"management_api": api.url}).outs or {}
    assert read["allowed_cidrs"] == ["0.0.0.0/0", "::/0"]  # the docs: no list lets all in
    props = surface_props(
        NetworkRestrictionsInputs(allowed_cidrs=["185.199.108.0/22"]), project, api
    )
    outs = provider.create(props).outs or {}
    before = len(api.requests)
    provider.delete(project, outs)
    assert len(api.requests) == before
    assert api.config.of(project).cidrs_v4 == ["185.199.108.0/22"]


def test_data_api_keeps_neither_the_jwt_secret_nor_a_spacing_difference(
    api: FakeManagementApi, clock: VirtualClock, project: str
) -> None:
    provider = surface_provider(PostgrestProvider, clock)
    inputs = surface_props(
        PostgrestInputs(db_schema="public,graphql_public", max_rows=100), project, api
    )
    outs = provider.create(inputs).outs or {}
    read = provider.read(project, outs).outs or {}
    assert "jwt_secret" not in read
    assert "fake-jwt-secret" not in repr(read)
    api.config.of(project).postgrest["db_schema"] = "public, graphql_public"
    assert provider.diff(project, provider.read(project, outs).outs or {}, inputs).changes is False
    reordered = {**inputs, "db_schema": "graphql_public,public"}  # the first is the default
    assert provider.diff(project, outs, reordered).changes is True


def test_postgres_timeout_compares_by_duration(
    api: FakeManagementApi, clock: VirtualClock, project: str
) -> None:
    provider = surface_provider(PostgresConfigProvider, clock)
    inputs = surface_props(PostgresConfigInputs(statement_timeout="120s"), project, api)
    outs = provider.create(inputs).outs or {}
    api.config.of(project).postgres["statement_timeout"] = "2min"
    assert provider.diff(project, provider.read(project, outs).outs or {}, inputs).changes is False


@pytest.mark.parametrize("how", ["never known (404)", "removed (400)", "not acceptable (406)"])
def test_a_setting_of_a_deleted_project_reads_as_gone_and_deletes_quietly(
    api: FakeManagementApi, clock: VirtualClock, project: str, how: str
) -> None:
    provider = surface_provider(PostgresConfigProvider, clock)
    outs = (
        provider.create(surface_props(PostgresConfigInputs(statement_timeout="9s"), project, api))
    ).outs or {}
    path = f"/v1/projects/{project}/config/database/postgres"
    if how.startswith("never"):
        del api.projects[project]
    elif how.startswith("removed"):
        api.projects[project]["status"] = "REMOVED"  # answers 400 "Resource has been removed"
    else:  # the Terraform provider's settings reads take 406 for gone too
        api.faults.append(Fault("GET", path, 406, body={"message": "Not Acceptable"}))
    assert provider.read(project, outs).id == ""
    if not how.startswith("not acceptable"):
        provider.delete(project, outs)  # a log line, not an error


def test_a_refusal_on_read_that_is_not_gone_fails_the_refresh(
    api: FakeManagementApi, clock: VirtualClock, project: str
) -> None:
    provider = surface_provider(PostgresConfigProvider, clock)
    path = f"/v1/projects/{project}/config/database/postgres"
    api.faults.append(Fault("GET", path, 400, body={"message": "Invalid request"}))
    with pytest.raises(SupabaseApiError, match="HTTP 400: Invalid request"):
        provider.read(project, {"management_api": api.url})
