"""Adopt only a project that can become healthy; stop at once on a status no wait leaves.

Statuses: the enum of V1ProjectWithDatabaseResponse.status. GET /v1/projects keeps
listing a deleted project (GOING_DOWN, then REMOVED). Terminal statuses as the official
Terraform provider treats them (internal/provider/utils.go, terminalProjectStatuses).
"""

import pytest

from components.supabase.api import SupabaseApiError
from components.supabase.provider import SupabaseProjectProvider
from tests.components.supabase.fake_api import FakeManagementApi
from tests.components.supabase.support import created, props


@pytest.mark.parametrize(
    ("status", "advice"),
    [
        ("INIT_FAILED", r"Supabase could not create it; delete it .*then run `pulumi up` again"),
        ("INACTIVE", r"it is paused; restore it .*POST /v1/projects/\w+/restore"),
        ("PAUSE_FAILED", r"pausing it failed; ask Supabase support"),
        ("RESTORE_FAILED", r"restoring it failed; ask Supabase support"),
    ],
)
def test_a_same_named_project_that_cannot_become_healthy_is_not_adopted(
    api: FakeManagementApi, provider: SupabaseProjectProvider, status: str, advice: str
) -> None:
    ref = api.add_project("crms-production", "crms-swiss", status=status)
    with pytest.raises(
        SupabaseApiError, match=rf"project 'crms-production' \({ref}\) is {status}: {advice}"
    ):
        provider.create(props(api))
    assert api.count("POST", "/v1/projects") == 0
    assert api.count("GET", f"/v1/projects/{ref}.*") == 0  # not adopted, not waited on


def test_after_a_delete_the_create_makes_a_new_project_instead_of_adopting_the_old(
    api: FakeManagementApi, provider: SupabaseProjectProvider
) -> None:
    old_ref, old_outs = created(provider, api)
    provider.delete(old_ref, old_outs)  # delete-before-replace: the old one is GOING_DOWN
    new_ref, outs = created(provider, api, region="eu-central-2")
    assert new_ref != old_ref
    assert outs["status"] == "ACTIVE_HEALTHY"
    assert api.projects[old_ref]["status"] in ("GOING_DOWN", "REMOVED")
    created(provider, api, name="crms-other")  # the old project is listed as REMOVED by now
    assert api.projects[old_ref]["status"] == "REMOVED"
    again_ref, _ = created(provider, api)
    assert again_ref == new_ref  # the live one is adopted, the removed one passed over


def test_a_same_named_project_in_another_region_stops_the_create(
    api: FakeManagementApi, provider: SupabaseProjectProvider
) -> None:
    ref = api.add_project("crms-production", "crms-swiss", region="eu-central-1")
    with pytest.raises(SupabaseApiError, match=rf"\({ref}\) exists in eu-central-1, not eu-c"):
        provider.create(props(api))
    assert api.count("POST", "/v1/projects") == 0


def test_two_live_projects_of_the_same_name_stop_the_create(
    api: FakeManagementApi, provider: SupabaseProjectProvider
) -> None:
    api.add_project("crms-production", "crms-swiss")
    api.add_project("crms-production", "crms-swiss", status="COMING_UP")
    with pytest.raises(SupabaseApiError, match=r"2 Supabase projects are named 'crms-production'"):
        provider.create(props(api))


@pytest.mark.parametrize("status", ["INACTIVE", "PAUSE_FAILED", "RESTORE_FAILED", "REMOVED"])
def test_a_terminal_status_while_waiting_fails_at_once(
    api: FakeManagementApi, provider: SupabaseProjectProvider, status: str
) -> None:
    api.final_status = status
    with pytest.raises(SupabaseApiError, match=rf"\) is {status}: "):
        provider.create(props(api))
    # Failed on the first look at the status, not after the 20-minute wait.
    assert api.count("GET", r"/v1/projects/[a-j]{20}") == api.polls_until_healthy + 1


def test_a_project_deleted_outside_pulumi_reads_as_gone_while_still_listed(
    api: FakeManagementApi, provider: SupabaseProjectProvider
) -> None:
    ref, outs = created(provider, api)
    api.projects[ref]["status"] = "REMOVED"
    assert provider.read(ref, outs).id == ""


def test_a_paused_project_fails_the_refresh_with_what_to_do(
    api: FakeManagementApi, provider: SupabaseProjectProvider
) -> None:
    ref, outs = created(provider, api)
    api.projects[ref]["status"] = "INACTIVE"
    with pytest.raises(SupabaseApiError, match=r"is INACTIVE: it is paused; restore it"):
        provider.read(ref, outs)
