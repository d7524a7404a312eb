"""Drains on mocks: the web project's logs and traces go, signed, to the ops app."""

import pytest

from components.drain import LOG_SOURCES, production_host
from tests.conftest import STACKS
from tests.helpers import by_name, inputs_of, resources

LOG_DRAIN = "vercel:index/logDrain:LogDrain"
TRACE_DRAIN = "vercel:index/traceDrain:TraceDrain"
VARIABLE = "vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable"


@pytest.mark.parametrize("stack", STACKS)
def test_the_web_projects_drains_post_to_the_ops_apps_endpoints(stack: str) -> None:
    (log_drain,) = resources(stack, LOG_DRAIN)
    (trace_drain,) = resources(stack, TRACE_DRAIN)
    web = by_name(stack, "vercel:index/project:Project")["compute-web"]
    for drain in (log_drain, trace_drain):
        assert inputs_of(drain)["projectIds"] == [web["id"]]
        assert inputs_of(drain)["secret"] == "[secret]"
        assert inputs_of(drain)["endpoint"].startswith("https://")
    assert inputs_of(log_drain)["endpoint"].endswith("/api/drain/logs")
    assert inputs_of(trace_drain)["endpoint"].endswith("/api/drain/traces")
    # Both formats the endpoint parses; the provider accepts json and ndjson for logs,
    # json and proto for traces (the endpoint reads OTLP JSON only).
    assert inputs_of(log_drain)["deliveryFormat"] in {"json", "ndjson"}
    assert inputs_of(trace_drain)["deliveryFormat"] == "json"
    assert inputs_of(log_drain)["sources"] == LOG_SOURCES
    assert "build" not in LOG_SOURCES
    assert inputs_of(log_drain)["environments"] == ["production"]
    deployment = by_name(stack, "vercel:index/deployment:Deployment")["compute-ops"]
    assert deployment["urn"] in log_drain["dependencies"] or any(
        dependency.endswith("crms:index:Compute::compute")
        for dependency in log_drain["dependencies"]
    )


@pytest.mark.parametrize("stack", STACKS)
def test_the_ops_app_holds_the_drains_secret_as_sensitive(stack: str) -> None:
    variables = {inputs_of(v)["key"]: inputs_of(v) for v in resources(stack, VARIABLE)}
    assert variables["DRAIN_SECRET"]["sensitive"] is True
    assert variables["DRAIN_SECRET"]["targets"] == ["production"]  # no previews of the ops app
    assert variables["DRAIN_VERIFICATION_CODE"]["sensitive"] is False
    assert variables["CONTRACT_CREATION_ROUTE"]["sensitive"] is False
    secret = by_name(stack, "random:index/randomPassword:RandomPassword")["drain-signing-secret"]
    assert inputs_of(secret)["length"] >= 32


def test_the_drain_posts_to_a_production_domain_not_the_protected_deployment_url() -> None:
    url = "crms-ops-prod-abc123-team.vercel.app"
    domains = [url, "crms-ops-prod-team.vercel.app", "crms-ops-prod.vercel.app"]
    assert production_host(domains, url, "crms-ops-prod") == "crms-ops-prod.vercel.app"
    assert production_host(domains[:2], url, "crms-ops-prod") == "crms-ops-prod-team.vercel.app"
    assert production_host([url], url, "crms-ops-prod") == url
    assert production_host(None, url, "crms-ops-prod") == url
