"""The Supabase dynamic provider over real HTTP against a local stand-in of the API."""

import base64
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config
from pulumi.dynamic.dynamic import serialize_provider

from components.supabase.api import RetryPolicy, SupabaseApiError
from components.supabase.provider import SupabaseProjectProvider, Waiting
from tests.components.fake_supabase import FakeManagementApi, Fault

TOKEN = "sbp_test_5c9d2e7f1a3b"


class Sleeps:
    """Records the waits instead of waiting."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def api() -> Iterator[FakeManagementApi]:
    server = FakeManagementApi(token=TOKEN).start()
    yield server
    server.stop()


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def provider(sleeps: Sleeps, monkeypatch: pytest.MonkeyPatch) -> SupabaseProjectProvider:
    monkeypatch.delenv("SUPABASE_ACCESS_TOKEN", raising=False)
    provider = SupabaseProjectProvider(
        retry=RetryPolicy(attempts=4, base_delay=0.01, sleep=sleeps),
        waiting=Waiting(timeout=5, first_interval=0.01, max_interval=0.02),
        request_timeout=0.5,
    )
    provider.configure(ConfigureRequest(Config({"crms:supabaseAccessToken": TOKEN}, "crms")))
    return provider


def props(api: FakeManagementApi, **overrides: Any) -> dict[str, Any]:
    return {
        "name": "crms-production",
        "organization_slug": "crms-swiss",
        "region": "eu-central-2",
        "instance_size": "medium",
        "management_api": api.url,
        "db_pass": "pa55-word",
        **overrides,
    }


def created(
    provider: SupabaseProjectProvider, api: FakeManagementApi
) -> tuple[str, dict[str, Any]]:
    result = provider.create(props(api))
    assert result.outs is not None
    return result.id, result.outs


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


def test_throttling_is_retried_honouring_retry_after(
    api: FakeManagementApi, provider: SupabaseProjectProvider, sleeps: Sleeps
) -> None:
    api.faults.append(Fault("POST", "/v1/projects", 429, headers={"Retry-After": "3"}))
    provider.create(props(api))
    assert 3.0 in sleeps.calls
    assert api.count("POST", "/v1/projects") == 2


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


def test_project_stuck_coming_up_fails_clearly(api: FakeManagementApi, sleeps: Sleeps) -> None:
    api.polls_until_healthy = 10_000
    impatient = SupabaseProjectProvider(
        retry=RetryPolicy(sleep=sleeps), waiting=Waiting(timeout=0.2, first_interval=0.01)
    )
    impatient.configure(ConfigureRequest(Config({"crms:supabaseAccessToken": TOKEN}, "crms")))
    with pytest.raises(SupabaseApiError, match=r"still COMING_UP after 0.2 s.*pulumi refresh"):
        impatient.create(props(api))


def test_init_failed_fails_clearly(
    api: FakeManagementApi, provider: SupabaseProjectProvider
) -> None:
    api.final_status = "INIT_FAILED"
    with pytest.raises(SupabaseApiError, match=r"project is INIT_FAILED"):
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


def test_diff_replaces_on_identity_changes_and_updates_size(api: FakeManagementApi) -> None:
    provider = SupabaseProjectProvider()
    old = props(api)
    assert provider.diff("ref", old, dict(old)).changes is False
    for key, value in [("name", "x"), ("organization_slug", "y"), ("region", "eu-central-1")]:
        diff = provider.diff("ref", old, {**old, key: value})
        assert diff.replaces == [key]
        assert diff.delete_before_replace is True
    resize = provider.diff("ref", old, {**old, "instance_size": "large"})
    assert (resize.changes, resize.replaces) == (True, [])
    to_nano = provider.diff("ref", old, {**old, "instance_size": "nano"})
    assert to_nano.replaces == ["instance_size"]


def test_update_resizes_through_the_compute_addon(
    api: FakeManagementApi, provider: SupabaseProjectProvider
) -> None:
    ref, outs = created(provider, api)
    updated = provider.update(ref, outs, {**outs, "instance_size": "large"})
    assert api.addons[ref] == "ci_large"
    assert updated.outs is not None
    assert updated.outs["status"] == "ACTIVE_HEALTHY"


def test_delete_deletes_and_tolerates_an_already_deleted_project(
    api: FakeManagementApi, provider: SupabaseProjectProvider
) -> None:
    ref, outs = created(provider, api)
    provider.delete(ref, outs)
    assert ref not in api.projects
    provider.delete(ref, outs)  # second time: already gone, no error


def test_missing_token_is_a_clear_error(
    api: FakeManagementApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SUPABASE_ACCESS_TOKEN", raising=False)
    with pytest.raises(SupabaseApiError, match=r"no access token: set the secret config"):
        SupabaseProjectProvider().create(props(api))


def test_token_from_the_environment(
    api: FakeManagementApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUPABASE_ACCESS_TOKEN", TOKEN)
    provider = SupabaseProjectProvider(waiting=Waiting(first_interval=0.01))
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
