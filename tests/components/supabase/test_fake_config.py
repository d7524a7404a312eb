"""The fake's configuration endpoints refuse what the spec refuses, answer inside the spec,
and remember what was set."""

from typing import Any

import httpx
import pytest

from tests.components.supabase.fake_api import FakeManagementApi
from tests.components.supabase.fake_config import FakeProjectConfig
from tests.components.supabase.spec import spec
from tests.components.supabase.support import TOKEN


@pytest.fixture
def ref(api: FakeManagementApi) -> str:
    return api.add_project("crms-test", "crms-swiss")


def call(api: FakeManagementApi, method: str, path: str, **kwargs: Any) -> httpx.Response:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    return httpx.request(method, api.url + path, headers=headers, timeout=5, **kwargs)


@pytest.mark.parametrize(
    ("method", "path", "body", "complaint"),
    [
        ("PATCH", "/config/auth", {"smtp_password": "x"}, "'smtp_password' was unexpected"),
        ("PATCH", "/config/auth", {"mailer_otp_length": 4}, "less than the minimum of 6"),
        ("PATCH", "/config/auth", {"site_url": "https://a,b"}, "does not match"),
        ("PATCH", "/config/auth", {"password_required_characters": "abc"}, "is not one of"),
        ("PUT", "/ssl-enforcement", {"requestedConfig": {}}, "'database' is a required"),
        ("POST", "/network-restrictions/apply", {"dbAllowedCidrs": "1.2.3.4/32"}, "not of type"),
        ("PATCH", "/postgrest", {"max_rows": 2_000_000}, "maximum of 1000000"),
        ("PUT", "/config/database/postgres", {"statement_timeout": "2 minutes"}, "does not match"),
        ("PATCH", "/billing/addons", {"addon_type": "pitr", "addon_variant": "pitr_9"}, "pitr_9"),
    ],
)
def test_bodies_the_spec_forbids_are_refused(
    api: FakeManagementApi, ref: str, method: str, path: str, body: Any, complaint: str
) -> None:
    response = call(api, method, f"/v1/projects/{ref}{path}", json=body)
    assert response.status_code == 400, response.text
    assert complaint in response.json()["message"]


def test_what_is_set_is_remembered_and_read_back(api: FakeManagementApi, ref: str) -> None:
    base = f"/v1/projects/{ref}"
    assert call(api, "GET", f"{base}/config/auth").json()["site_url"] == "http://localhost:3000"
    call(api, "PATCH", f"{base}/config/auth", json={"site_url": "https://crms.swiss"})
    assert call(api, "GET", f"{base}/config/auth").json()["site_url"] == "https://crms.swiss"
    call(api, "POST", f"{base}/network-restrictions/apply", json={"dbAllowedCidrs": ["1.1.1.1/32"]})
    assert call(api, "GET", f"{base}/network-restrictions").json()["config"] == {
        "dbAllowedCidrs": ["1.1.1.1/32"],
        "dbAllowedCidrsV6": [],
    }
    api.addons[ref] = "ci_small"
    pitr = {"addon_type": "pitr", "addon_variant": "pitr_14"}
    assert call(api, "PATCH", f"{base}/billing/addons", json=pitr).status_code == 200
    selected = call(api, "GET", f"{base}/billing/addons").json()["selected_addons"]
    assert {"type": "pitr"}.items() <= selected[-1].items()
    assert call(api, "DELETE", f"{base}/billing/addons/pitr_14").status_code == 200
    assert call(api, "DELETE", f"{base}/billing/addons/pitr_14").status_code == 404


def test_every_configuration_answer_matches_its_schema() -> None:
    """Each answer, in each state the tests drive it to, checked against the spec directly."""
    ref = "abcdefghijabcdefghij"
    config = FakeProjectConfig(ssl_reads_until_applied=1)
    settings = config.of(ref)
    settings.postgres["statement_timeout"] = "8s"
    settings.cidrs_v6 = ["2606:50c0::/32"]
    routes = [
        ("GET", "/config/auth", None), ("PATCH", "/config/auth", {"smtp_pass": "re_x"}),
        ("PUT", "/ssl-enforcement", {"requestedConfig": {"database": True}}),
        ("GET", "/ssl-enforcement", None), ("GET", "/network-restrictions", None),
        ("POST", "/network-restrictions/apply", {"dbAllowedCidrs": ["1.1.1.1/32"]}),
        ("GET", "/postgrest", None), ("PATCH", "/postgrest", {"max_rows": 5}),
        ("GET", "/config/database/postgres", None),
        ("PUT", "/config/database/postgres", {"statement_timeout": "9s"}),
    ]  # fmt: skip
    for method, path, body in routes:
        operation, _ = spec().operation(method, f"/v1/projects/{ref}{path}")
        template = operation.template.removeprefix("/v1/projects/{ref}")
        status, answer = config.route(ref, (method, template), {}, {}, body, "ci_small")
        spec().check_response(operation, status, answer)


def test_the_smtp_password_is_answered_as_its_hash(api: FakeManagementApi, ref: str) -> None:
    answer = call(
        api, "PATCH", f"/v1/projects/{ref}/config/auth", json={"smtp_pass": "re_Secret123"}
    ).json()
    assert answer["smtp_pass"] != "re_Secret123"
    assert len(answer["smtp_pass"]) == 64  # hex HMAC-SHA256, as the Supabase CLI compares it
