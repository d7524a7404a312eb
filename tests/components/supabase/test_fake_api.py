"""The fake refuses what the Management API refuses, and cannot answer outside the spec."""

import hashlib
from typing import Any

import httpx
import pytest

from tests.components.supabase import fake_records
from tests.components.supabase.fake_api import FakeManagementApi
from tests.components.supabase.spec import SPEC_FILE, spec
from tests.components.supabase.support import TOKEN

CREATE = {
    "name": "crms-test",
    "organization_slug": "crms-swiss",
    "db_pass": "pa55-word",
    "region_selection": {"type": "specific", "code": "eu-central-2"},
}


def call(api: FakeManagementApi, method: str, path: str, **kwargs: Any) -> httpx.Response:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    return httpx.request(method, api.url + path, headers=headers, timeout=5, **kwargs)


def test_the_spec_is_the_published_document_its_readme_names() -> None:
    document = spec().document
    assert document["openapi"].startswith("3.0")
    assert len(document["paths"]) == 109
    digest = hashlib.sha256(SPEC_FILE.read_bytes()).hexdigest()
    assert digest in (SPEC_FILE.parent / "README.md").read_text(encoding="utf-8")


def test_a_valid_create_is_accepted(api: FakeManagementApi) -> None:
    response = call(api, "POST", "/v1/projects", json=CREATE)
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "UNKNOWN"  # as recorded; the next read: COMING_UP
    read = call(api, "GET", f"/v1/projects/{response.json()['ref']}")
    assert read.json()["status"] == "COMING_UP"


def test_the_deprecated_region_is_taken_as_the_api_takes_it(api: FakeManagementApi) -> None:
    # recorded/POST_v1_projects: the Supabase CLI still sends `region`, and gets a 201.
    legacy = {k: v for k, v in CREATE.items() if k != "region_selection"}
    response = call(api, "POST", "/v1/projects", json={**legacy, "region": "eu-central-2"})
    assert response.status_code == 201, response.text
    assert response.json()["region"] == "eu-central-2"


def test_an_invalid_region_is_refused_with_400(api: FakeManagementApi) -> None:
    body = {**CREATE, "region_selection": {"type": "specific", "code": "eu-central-9"}}
    response = call(api, "POST", "/v1/projects", json=body)
    assert response.status_code == 400
    assert "region_selection" in response.json()["message"]
    assert api.projects == {}


def test_an_unknown_field_is_refused_with_400(api: FakeManagementApi) -> None:
    response = call(api, "POST", "/v1/projects", json={**CREATE, "db_password": "x"})
    assert response.status_code == 400
    assert "'db_password' was unexpected" in response.json()["message"]


@pytest.mark.parametrize(
    ("body", "complaint"),
    [
        ({k: v for k, v in CREATE.items() if k != "db_pass"}, "'db_pass' is a required property"),
        ({**CREATE, "desired_instance_size": "huge"}, "'huge' is not one of"),
        ({**CREATE, "region_selection": {"type": "specific"}}, "region_selection"),
        ({**CREATE, "organization_slug": "crms swiss"}, "does not match"),
    ],
)
def test_create_bodies_the_spec_forbids_are_refused(
    api: FakeManagementApi, body: dict[str, Any], complaint: str
) -> None:
    response = call(api, "POST", "/v1/projects", json=body)
    assert response.status_code == 400
    assert complaint in response.json()["message"]


def test_update_bodies_are_checked_too(api: FakeManagementApi) -> None:
    ref = api.add_project("crms-test", "crms-swiss")
    too_short = call(api, "PATCH", f"/v1/projects/{ref}/database/password", json={"password": "x"})
    assert too_short.status_code == 400
    nano = {"addon_type": "compute_instance", "addon_variant": "ci_nano"}
    assert call(api, "PATCH", f"/v1/projects/{ref}/billing/addons", json=nano).status_code == 400
    missing = call(api, "PATCH", f"/v1/projects/{ref}")
    assert (missing.status_code, missing.json()["message"]) == (400, "a JSON body is required")


def test_paths_and_query_parameters_are_checked(api: FakeManagementApi) -> None:
    ref = api.add_project("crms-test", "crms-swiss")
    assert call(api, "GET", "/v1/projects/NOT-A-REF").status_code == 400
    assert call(api, "GET", "/v1/nothing-here").status_code == 404
    assert call(api, "PUT", "/v1/projects").status_code == 405
    unknown = call(api, "GET", f"/v1/projects/{ref}/api-keys", params={"show": "true"})
    assert (unknown.status_code, unknown.json()["message"]) == (
        400,
        "unknown query parameter 'show'",
    )
    not_boolean = call(api, "GET", f"/v1/projects/{ref}/api-keys", params={"reveal": "yes"})
    assert not_boolean.status_code == 400


def test_a_secret_keys_value_is_served_only_when_revealed(api: FakeManagementApi) -> None:
    # recorded/GET_..._api_keys: without `reveal=true` the secret key is its prefix and dots;
    # the legacy and publishable values come either way.
    ref = api.add_project("crms-test", "crms-swiss")
    hidden = call(api, "GET", f"/v1/projects/{ref}/api-keys").json()
    shown = call(api, "GET", f"/v1/projects/{ref}/api-keys", params={"reveal": "true"}).json()
    assert {key["type"] for key in shown} == {"legacy", "publishable", "secret"}
    assert all(key["api_key"] for key in shown + hidden)
    masked = {key["type"]: key["api_key"] for key in hidden}["secret"]
    assert masked.endswith("\u00b7" * 26)
    assert masked.removesuffix("\u00b7" * 26) == f"sb_secret_{ref[:4]}"
    assert [key["api_key"] for key in hidden if key["type"] != "secret"] == [
        key["api_key"] for key in shown if key["type"] != "secret"
    ]


def test_without_a_token_the_answer_is_401(api: FakeManagementApi) -> None:
    assert httpx.get(api.url + "/v1/projects", timeout=5).status_code == 401


def test_an_answer_that_drifts_from_the_spec_is_caught(
    api: FakeManagementApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    ref = api.add_project("crms-test", "crms-swiss")

    def drifted(*_args: Any) -> list[dict[str, Any]]:
        return [{"name": "anon", "type": "jwt", "api_key": "x"}]  # `type` outside the enum

    monkeypatch.setattr("tests.components.supabase.fake_projects.keys_answer", drifted)
    response = call(api, "GET", f"/v1/projects/{ref}/api-keys", params={"reveal": "true"})
    assert response.status_code == 500
    assert "'jwt' is not one of" in api.violations.pop()


def test_every_fake_answer_kind_matches_its_schema() -> None:
    """The records themselves, checked directly, whatever a test happens to call."""
    ref = "abcdefghijabcdefghij"
    checks = [
        ("GET", f"/v1/projects/{ref}", 200,
         fake_records.project_record(ref, "n", "o", "r", "COMING_UP")),
        ("GET", f"/v1/projects/{ref}/api-keys", 200,
         fake_records.keys_answer(ref, fake_records.ALL_KEY_TYPES, revealed=False)),
        ("GET", f"/v1/projects/{ref}/config/database/pooler", 200,
         fake_records.pooler_answer(ref, "eu-central-2")),
        ("GET", f"/v1/projects/{ref}/billing/addons", 200, fake_records.addons_answer("ci_small")),
        ("GET", f"/v1/projects/{ref}/billing/addons", 200, fake_records.addons_answer(None)),
    ]  # fmt: skip
    for method, path, status, body in checks:
        operation, _ = spec().operation(method, path)
        spec().check_response(operation, status, body)
