"""Compute on mocks: both Vercel projects per stack, every seed variable, secrets sensitive."""

from typing import Any

import pytest

from components.compute import cpu_type_for
from stacks.bundle import bundle_files, digest
from stacks.offline.engine import record_stack
from tests.components.plans import by_name
from tests.conftest import REPO, STACKS
from tests.stacks.test_settings import load

PROJECT = "vercel:index/project:Project"
VARIABLE = "vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable"
SEED_VARIABLES = {
    "NEXT_PUBLIC_SUPABASE_URL", "NEXT_PUBLIC_SUPABASE_ANON_KEY", "SUPABASE_SERVICE_KEY",
    "UPSTASH_REDIS_URL", "UPSTASH_REDIS_TOKEN", "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET",
    "RESEND_API_KEY", "SENTRY_DSN", "NODE_ENV", "NEXT_PUBLIC_APP_ENV", "SENTRY_ENVIRONMENT",
}  # fmt: skip
PLAIN = {"NEXT_PUBLIC_SUPABASE_URL", "NODE_ENV", "NEXT_PUBLIC_APP_ENV", "SENTRY_ENVIRONMENT"}
EXPECTED_LIMITS = {
    "dev": ("standard_legacy", 15),
    "staging": ("standard_legacy", 30),
    "prod": ("performance", 60),
}


def variables(stack: str, project: str) -> dict[str, dict[str, Any]]:
    """The project's variables, values revealed (the provider marks every value secret)."""
    recording = record_stack(REPO, stack)
    found = {}
    for urn, registration in recording.monitor.registrations.items():
        if registration.request.type == VARIABLE and f"::compute-{project}-" in urn:
            inputs = recording.inputs(urn)
            found[inputs["key"]] = inputs
    return found


@pytest.mark.parametrize("stack", STACKS)
def test_both_projects_carry_the_stacks_limits(stack: str) -> None:
    projects = by_name(stack, PROJECT)
    environment = load(stack).environment.value
    web, ops = projects["compute-web"]["inputs"], projects["compute-ops"]["inputs"]
    assert (web["name"], web["framework"]) == (f"crms-{environment}", "nextjs")
    assert ops["name"] == f"crms-ops-{environment}"
    cpu_type, timeout = EXPECTED_LIMITS[stack]
    for project in (web, ops):
        assert project["serverlessFunctionRegion"] == "fra1"
        assert project["resourceConfig"] == {
            "functionDefaultCpuType": cpu_type,
            "functionDefaultTimeout": timeout,
            "functionDefaultRegions": ["fra1"],
        }
    assert ops["oidcTokenConfig"] == {"issuerMode": "team"}


@pytest.mark.parametrize("stack", STACKS)
def test_every_seed_variable_per_target_and_every_secret_sensitive(stack: str) -> None:
    web = variables(stack, "web")
    assert set(web) == SEED_VARIABLES
    for key, variable in web.items():
        if key in PLAIN:
            assert variable["sensitive"] is False, key
            assert variable["targets"] == ["production", "preview", "development"], key
        else:
            assert variable["sensitive"] is True, key
            # Vercel refuses sensitive variables in development.
            assert variable["targets"] == ["production", "preview"], key
    settings = load(stack)
    assert web["NODE_ENV"]["value"] == settings.node_env.value
    assert web["NEXT_PUBLIC_APP_ENV"]["value"] == settings.environment.value
    assert web["SENTRY_ENVIRONMENT"]["value"] == settings.environment.value
    assert web["NEXT_PUBLIC_SUPABASE_URL"]["value"].endswith(".supabase.co")


def test_ops_app_gets_what_its_config_reads() -> None:
    ops = variables("prod", "ops")
    assert {key for key, v in ops.items() if v["sensitive"]} == {
        "DATABASE_URL", "REDIS_URL", "CRON_SECRET", "DRAIN_SECRET",
    }  # fmt: skip
    assert ops["DATABASE_URL"]["value"].endswith(":5432/postgres")  # session-mode pooler
    assert ops["REDIS_URL"]["value"].startswith("rediss://")
    assert ops["METRICS_NAMESPACE"]["value"] == "CRMS/production"
    assert ops["AWS_ROLE_ARN"]["value"].endswith(":role/identity-app")
    assert ops["DATABASE_DISK_BYTES"]["value"] == str(8 * 2**30)


@pytest.mark.parametrize("stack", STACKS)
def test_the_deployment_ships_this_bundle(stack: str) -> None:
    (deployment,) = by_name(stack, "vercel:index/deployment:Deployment").values()
    inputs = deployment["inputs"]
    assert inputs["production"] is True
    assert inputs["pathPrefix"] == f"build/ops-{stack}"
    assert inputs["meta"] == {"bundleSha256": digest(bundle_files(load(stack)))}


@pytest.mark.parametrize(
    ("memory", "cpu_type"),
    [(128, "standard_legacy"), (1024, "standard_legacy"), (1025, "standard"), (1769, "standard"),
     (2048, "performance"), (3008, "performance"), (3009, "performance")],
)  # fmt: skip
def test_memory_picks_the_smallest_cpu_class_that_gives_it(memory: int, cpu_type: str) -> None:
    assert cpu_type_for(memory) == cpu_type


def test_memory_no_class_gives_is_refused() -> None:
    with pytest.raises(ValueError, match="no Vercel CPU class gives 4096 MB"):
        cpu_type_for(4096)
