"""What changes in place and what replaces; refresh sees the compute size.

Rename: PATCH /v1/projects/{ref} (V1UpdateProjectBody). Password: PATCH
/v1/projects/{ref}/database/password (V1UpdatePasswordBody). Size: PATCH
/v1/projects/{ref}/billing/addons (ApplyProjectAddonBody), read back from GET of the
same path (ListProjectAddonsResponse). The official Terraform provider does the same
(internal/provider/project_resource.go: updateName, updateDatabasePassword,
updateInstanceSize, readProject).
"""

import pytest

from components.supabase.provider import SupabaseProjectProvider
from tests.components.supabase.fake_api import FakeManagementApi
from tests.components.supabase.support import created, props


def test_a_rename_or_a_new_password_updates_in_place(api: FakeManagementApi) -> None:
    provider = SupabaseProjectProvider()
    old = props(api)
    assert provider.diff("ref", old, dict(old)).changes is False
    for key, value in [("name", "crms-prod"), ("db_pass", "an0ther-pa55")]:
        diff = provider.diff("ref", old, {**old, key: value})
        assert (diff.changes, diff.replaces, diff.delete_before_replace) == (True, [], False)


def test_organization_region_and_nano_replace(api: FakeManagementApi) -> None:
    provider = SupabaseProjectProvider()
    old = props(api)
    for key, value in [("organization_slug", "y"), ("region", "eu-central-1")]:
        diff = provider.diff("ref", old, {**old, key: value})
        assert diff.replaces == [key]
        assert diff.delete_before_replace is True
    resize = provider.diff("ref", old, {**old, "instance_size": "large"})
    assert (resize.changes, resize.replaces) == (True, [])
    assert provider.diff("ref", old, {**old, "instance_size": "nano"}).replaces == ["instance_size"]


def test_update_renames_through_patch_project(
    api: FakeManagementApi, provider: SupabaseProjectProvider
) -> None:
    ref, outs = created(provider, api)
    updated = provider.update(ref, outs, {**outs, "name": "crms-prod"})
    assert api.projects[ref]["name"] == "crms-prod"
    assert updated.outs is not None
    assert updated.outs["ref"] == ref
    assert api.count("PATCH", f"/v1/projects/{ref}", status=200) == 1
    assert api.count("PATCH", f"/v1/projects/{ref}/database/password") == 0
    assert api.count("DELETE", f"/v1/projects/{ref}") == 0
    assert api.count("POST", "/v1/projects") == 1  # the original create only


def test_update_sets_the_new_password_through_patch_database_password(
    api: FakeManagementApi, provider: SupabaseProjectProvider
) -> None:
    ref, outs = created(provider, api)
    provider.update(ref, outs, {**outs, "db_pass": "an0ther-pa55"})
    assert api.passwords[ref] == "an0ther-pa55"
    assert api.count("PATCH", f"/v1/projects/{ref}/database/password", status=200) == 1
    assert api.count("PATCH", f"/v1/projects/{ref}") == 0
    assert api.count("PATCH", f"/v1/projects/{ref}/billing/addons") == 0


def test_update_resizes_through_the_compute_addon(
    api: FakeManagementApi, provider: SupabaseProjectProvider
) -> None:
    ref, outs = created(provider, api)
    updated = provider.update(ref, outs, {**outs, "instance_size": "large"})
    assert api.addons[ref] == "ci_large"
    assert updated.outs is not None
    assert updated.outs["status"] == "ACTIVE_HEALTHY"  # waited out RESIZING


@pytest.mark.parametrize(("variant", "size"), [("ci_xlarge", "xlarge"), (None, "nano")])
def test_refresh_reads_the_compute_size_from_the_billing_addons(
    api: FakeManagementApi, provider: SupabaseProjectProvider, variant: str | None, size: str
) -> None:
    ref, outs = created(provider, api)
    assert provider.read(ref, outs).outs["instance_size"] == "medium"  # type: ignore[index]
    if variant is None:
        del api.addons[ref]
    else:
        api.addons[ref] = variant  # resized in the dashboard
    refreshed = provider.read(ref, outs).outs
    assert refreshed is not None
    assert refreshed["instance_size"] == size
    assert provider.diff(ref, refreshed, outs).changes is True  # the program's size wins back
