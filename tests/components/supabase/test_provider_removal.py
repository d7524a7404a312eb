"""A project removed outside Pulumi, and one deleted moments after its create, as the API
answers them in the Supabase CLI's recordings: 400 "Resource has been removed" and 400
"Project not ready for deletion."."""

import pytest

from components.supabase.api import SupabaseApiError
from components.supabase.provider import SupabaseProjectProvider
from tests.components.supabase.fake_api import FakeManagementApi, Fault
from tests.components.supabase.support import created, props


def test_a_project_removed_outside_pulumi_leaves_the_state_on_refresh_and_delete(
    api: FakeManagementApi, provider: SupabaseProjectProvider
) -> None:
    ref, outs = created(provider, api)
    api.projects[ref]["status"] = "REMOVED"  # deleted in the dashboard, since long
    assert provider.read(ref, outs).id == ""  # `pulumi refresh` drops it
    assert api.count("GET", f"/v1/projects/{ref}", status=400) == 1
    provider.delete(ref, outs)  # `pulumi destroy` goes on
    assert api.count("DELETE", f"/v1/projects/{ref}", status=400) == 1


def test_a_delete_soon_after_the_create_waits_until_the_project_is_ready(
    api: FakeManagementApi, provider: SupabaseProjectProvider
) -> None:
    # a replacement's new twin, moments old: up after two more calls
    ref = api.add_project("crms-production", "crms-swiss", status="COMING_UP")
    provider.delete(ref, props(api))
    assert api.count("DELETE", f"/v1/projects/{ref}", status=400) == 2
    assert api.count("DELETE", f"/v1/projects/{ref}", status=200) == 1
    assert api.projects[ref]["status"] == "GOING_DOWN"


def test_a_project_never_ready_for_deletion_fails_plainly_within_the_wait(
    api: FakeManagementApi, provider: SupabaseProjectProvider
) -> None:
    api.polls_until_healthy = 10_000
    ref = api.add_project("crms-production", "crms-swiss", status="COMING_UP")
    with pytest.raises(SupabaseApiError) as caught:
        provider.delete(ref, props(api))
    message = str(caught.value)
    assert "still answers 'Project not ready for deletion.' after 1 s" in message
    assert "run the same command again" in message
    assert api.projects[ref]["status"] == "COMING_UP"


def test_a_refusal_that_is_not_about_readiness_is_not_retried(
    api: FakeManagementApi, provider: SupabaseProjectProvider
) -> None:
    ref, outs = created(provider, api)
    api.faults.append(Fault("DELETE", f"/v1/projects/{ref}", 400, body={"message": "Nope"}))
    with pytest.raises(SupabaseApiError, match="HTTP 400: Nope"):
        provider.delete(ref, outs)
    assert api.count("DELETE", f"/v1/projects/{ref}") == 1
