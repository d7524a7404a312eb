"""A change of SSL enforcement restarts the database: the surface returns only once the
project's services are healthy again, within a bound, as the Terraform provider waits
(internal/provider/utils.go, waitForServicesActive)."""

import pytest

from components.supabase.api import SupabaseApiError
from components.supabase.services import SERVICES
from components.supabase.ssl_enforcement import SslEnforcementInputs, SslEnforcementProvider
from tests.components.supabase.fake_api import FakeManagementApi, Fault
from tests.components.supabase.fake_records import service_health
from tests.components.supabase.support import VirtualClock, surface_props, surface_provider


def enforce(api: FakeManagementApi, clock: VirtualClock, project: str) -> None:
    provider = surface_provider(SslEnforcementProvider, clock)
    provider.create(surface_props(SslEnforcementInputs(database=True), project, api))


def test_the_change_waits_until_every_service_is_back(
    api: FakeManagementApi, clock: VirtualClock, project: str
) -> None:
    api.config.services_reads_after_reboot = 2
    enforce(api, clock, project)
    assert api.count("GET", rf"/v1/projects/{project}/health") == 3
    assert api.config.of(project).services_coming_up == 0
    assert len(clock.sleeps) == 2  # waited between the reads, not before the first


def test_services_that_never_come_back_fail_plainly_within_the_wait(
    api: FakeManagementApi, clock: VirtualClock, project: str
) -> None:
    api.config.services_reads_after_reboot = 10_000
    with pytest.raises(SupabaseApiError) as caught:
        enforce(api, clock, project)
    message = str(caught.value)
    assert "after SSL enforcement was turned on (the database restarts)" in message
    assert "still are coming up after 5 s" in message
    assert "auth, db, db_postgres_user" in message
    # 5 s of polls every 0.02 s, not one more (the fake's rate limit costs one wait of 60 s)
    assert api.count("GET", rf"/v1/projects/{project}/health", status=200) <= 5 / 0.02 + 1


def test_an_unhealthy_service_fails_at_once_with_its_error(
    api: FakeManagementApi, clock: VirtualClock, project: str
) -> None:
    api.config.unhealthy_service = "realtime"
    with pytest.raises(
        SupabaseApiError, match=r"services of the project are unhealthy: realtime: "
    ):
        enforce(api, clock, project)
    assert api.count("GET", rf"/v1/projects/{project}/health") == 1


@pytest.mark.parametrize(
    ("service", "error"),
    [
        ("storage", "Failed to retrieve project's storage service health"),
        ("pooler", "not found"),  # a pooler still being provisioned
    ],
)
def test_an_unhealthy_answer_the_terraform_provider_retries_is_waited_out(
    api: FakeManagementApi, clock: VirtualClock, project: str, service: str, error: str
) -> None:
    path = f"/v1/projects/{project}/health"
    answer = [service_health(name, "ACTIVE_HEALTHY") for name in SERVICES]
    for entry in answer:
        if entry["name"] == service:
            entry.update(status="UNHEALTHY", healthy=False, error=f'{{"error":"{error}"}}')
    api.faults.append(Fault("GET", path, 200, body=answer))
    enforce(api, clock, project)
    assert api.count("GET", path) == 2


def test_with_the_data_api_off_postgrest_is_not_waited_for(
    api: FakeManagementApi, clock: VirtualClock, project: str
) -> None:
    api.config.of(project).postgrest["db_schema"] = ""  # how the dashboard turns it off
    enforce(api, clock, project)
    (query,) = [q for q in api.queries if "services" in q]
    assert "rest" not in query["services"]
    assert set(query["services"]) == set(SERVICES) - {"rest"}
