"""The Supabase dynamic provider over real HTTP against the spec-strict fake: the basics."""

import base64
import logging

import pytest

from components.supabase.api import RetryPolicy, SupabaseApiError
from components.supabase.provider import SupabaseProjectProvider, Waiting
from crms_infra.offline.sdk import serialize_provider
from tests.components.supabase.conftest import configured
from tests.components.supabase.fake_api import FakeManagementApi, Fault
from tests.components.supabase.support import TOKEN, VirtualClock, created, props


def test_create_waits_until_healthy_and_returns_keys(
    api: FakeManagementApi, provider: SupabaseProjectProvider
) -> None:
    ref, outs = created(provider, api)
    (body,) = api.bodies
    assert body["region_selection"] == {"type": "specific", "code": "eu-central-2"}
    assert body["desired_instance_size"] == "medium"
    assert ref in api.projects
    assert outs["status"] == "ACTIVE_HEALTHY"
    assert outs["api_url"] == f"https://{ref}.supabase.co"
    assert outs["anon_key"] == f"anon-{ref}"
    assert outs["service_role_key"] == f"service-{ref}"
    assert outs["db_host"] == f"db.{ref}.supabase.co"
    assert (outs["pooler_port"], outs["pooler_user"]) == (6543, f"postgres.{ref}")
    assert api.count("GET", r"/v1/projects/[a-j]+") >= 3  # polled through COMING_UP


def test_create_adopts_a_project_of_the_same_name(
    api: FakeManagementApi, provider: SupabaseProjectProvider
) -> None:
    ref = api.add_project("crms-production", "crms-swiss")
    assert provider.create(props(api)).id == ref
    assert api.count("POST", "/v1/projects") == 0


def test_create_that_failed_after_the_server_acted_adopts_instead_of_twinning(
    api: FakeManagementApi, provider: SupabaseProjectProvider
) -> None:
    api.faults.append(Fault("POST", "/v1/projects", 502, carry_out=True))
    ref, _ = created(provider, api)
    assert list(api.projects) == [ref]
    assert api.count("POST", "/v1/projects") == 1


def test_server_errors_on_reads_are_retried(
    api: FakeManagementApi, provider: SupabaseProjectProvider
) -> None:
    api.faults += [Fault("GET", "/v1/projects", 500), Fault("GET", "/v1/projects", 503)]
    assert provider.create(props(api)).id in api.projects


def test_client_errors_carry_the_api_message_and_are_not_retried(
    api: FakeManagementApi, provider: SupabaseProjectProvider
) -> None:
    api.faults.append(Fault("POST", "/v1/projects", 400, body={"message": "Invalid region"}))
    with pytest.raises(SupabaseApiError, match=r"POST /v1/projects: HTTP 400: Invalid region"):
        provider.create(props(api))
    assert api.count("POST", "/v1/projects") == 1


def test_a_hanging_api_times_out_and_is_reported(
    api: FakeManagementApi, provider: SupabaseProjectProvider
) -> None:
    api.faults += [Fault("GET", "/v1/projects", 200, delay=1.5) for _ in range(4)]
    with pytest.raises(SupabaseApiError, match=r"GET /v1/projects: timed out"):
        provider.create(props(api))


def test_project_stuck_coming_up_fails_clearly(api: FakeManagementApi, clock: VirtualClock) -> None:
    api.polls_until_healthy = 10_000
    impatient = configured(
        SupabaseProjectProvider(
            retry=RetryPolicy(sleep=clock.sleep, clock=clock),
            waiting=Waiting(timeout=0.2, first_interval=0.01),
        )
    )
    with pytest.raises(SupabaseApiError, match=r"still COMING_UP after 0.2 s.*pulumi refresh"):
        impatient.create(props(api))


def test_init_failed_fails_clearly(
    api: FakeManagementApi, provider: SupabaseProjectProvider
) -> None:
    api.final_status = "INIT_FAILED"
    with pytest.raises(SupabaseApiError, match=r"is INIT_FAILED: Supabase could not create it"):
        provider.create(props(api))


def test_read_refreshes_and_reports_a_deleted_project_as_gone(
    api: FakeManagementApi, provider: SupabaseProjectProvider
) -> None:
    ref, outs = created(provider, api)
    api.projects[ref]["name"] = "renamed-in-dashboard"
    read = provider.read(ref, outs)
    assert read.id == ref
    assert read.outs is not None
    assert read.outs["name"] == "renamed-in-dashboard"
    del api.projects[ref]
    assert provider.read(ref, outs).id == ""


def test_delete_deletes_and_tolerates_an_already_deleted_project(
    api: FakeManagementApi, provider: SupabaseProjectProvider
) -> None:
    ref, outs = created(provider, api)
    provider.delete(ref, outs)
    assert api.projects[ref]["status"] == "GOING_DOWN"
    provider.delete(ref, outs)  # second time: already going, "Resource has been removed"
    assert api.count("DELETE", f"/v1/projects/{ref}", status=400) == 1


def test_missing_token_is_a_clear_error(
    api: FakeManagementApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SUPABASE_ACCESS_TOKEN", raising=False)
    with pytest.raises(SupabaseApiError, match=r"no access token: set the secret config"):
        SupabaseProjectProvider().create(props(api))


def test_token_from_the_environment(
    api: FakeManagementApi, clock: VirtualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUPABASE_ACCESS_TOKEN", TOKEN)
    provider = SupabaseProjectProvider(
        retry=RetryPolicy(sleep=clock.sleep, clock=clock), waiting=Waiting(first_interval=0.01)
    )
    assert provider.create(props(api)).id in api.projects


def test_token_is_in_no_serialized_provider_output_error_or_log(
    api: FakeManagementApi,
    provider: SupabaseProjectProvider,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    serialized = base64.b64decode(serialize_provider(provider))
    assert TOKEN.encode() not in serialized
    ref, outs = created(provider, api)
    assert TOKEN not in repr(outs)
    api.faults.append(Fault("DELETE", f"/v1/projects/{ref}", 403, body={"message": "nope"}))
    with pytest.raises(SupabaseApiError) as caught:
        provider.delete(ref, outs)
    assert TOKEN not in str(caught.value)
    assert TOKEN not in repr(caught.value)
    assert TOKEN not in caplog.text
    assert caplog.records  # httpx did log the requests, without the header
