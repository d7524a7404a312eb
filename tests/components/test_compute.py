"""Compute on mocks: both Vercel projects per stack, every seed variable, secrets sensitive."""

import inspect
import re
from typing import Any

import pulumiverse_vercel as vercel
import pytest

from components.function_limits import function_limits, project_config_problems
from crms_infra.offline.engine import record_stack
from stacks.bundle import bundle_files, digest
from tests.conftest import REPO, STACKS
from tests.helpers import by_name, load, plan_of

PROJECT = "vercel:index/project:Project"
VARIABLE = "vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable"
SEED_VARIABLES = {
    "NEXT_PUBLIC_SUPABASE_URL", "NEXT_PUBLIC_SUPABASE_ANON_KEY", "SUPABASE_SERVICE_KEY",
    "UPSTASH_REDIS_URL", "UPSTASH_REDIS_TOKEN", "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET",
    "RESEND_API_KEY", "SENTRY_DSN", "NODE_ENV", "NEXT_PUBLIC_APP_ENV", "SENTRY_ENVIRONMENT",
}  # fmt: skip
SENTRY_REPLAYS = "NEXT_PUBLIC_SENTRY_REPLAYS_ON_ERROR_SAMPLE_RATE"  # ours: what Sentry may get
PLAIN = {"NEXT_PUBLIC_SUPABASE_URL", "NODE_ENV", "NEXT_PUBLIC_APP_ENV", "SENTRY_ENVIRONMENT"}
PLAIN |= {SENTRY_REPLAYS}
EXPECTED_LIMITS = {  # Fluid compute everywhere: 1024 MB asks for standard (2 GB), 3008 MB for
    "dev": ("standard", 15),  # performance (4 GB); see components/function_limits.py
    "staging": ("standard", 30),
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
        assert project["resourceConfig"] == {
            "fluid": True,
            "functionDefaultCpuType": cpu_type,
            "functionDefaultTimeout": timeout,
            "functionDefaultRegions": ["fra1"],
        }
    assert ops["oidcTokenConfig"] == {"issuerMode": "team"}
    # crms:protectStatefulResources: an adopted production project is never deleted by a
    # `pulumi destroy` or a rename.
    assert (
        projects["compute-web"]["protect"] is projects["compute-ops"]["protect"] is (stack != "dev")
    )


@pytest.mark.parametrize("stack", STACKS)
def test_every_seed_variable_per_target_and_every_secret_sensitive(stack: str) -> None:
    web = variables(stack, "web")
    assert set(web) == SEED_VARIABLES | {SENTRY_REPLAYS}
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
    assert web[SENTRY_REPLAYS]["value"] == str(settings.sentry.replays_on_error_sample_rate)
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


def test_a_variable_is_deleted_before_its_replacement() -> None:
    """Vercel refuses a second variable of the same key and target (ENV_CONFLICT), so a
    replacement made first (Pulumi's default) would fail: e.g. turning a live plain variable
    into a sensitive one on adoption."""
    recording = record_stack(REPO, "dev")
    requests = [
        registration.request
        for registration in recording.monitor.registrations.values()
        if registration.request.type == VARIABLE
    ]
    assert len(requests) > 20
    assert all(request.deleteBeforeReplace for request in requests)


@pytest.mark.parametrize("stack", STACKS)
def test_the_deployment_ships_this_bundle(stack: str) -> None:
    (deployment,) = by_name(stack, "vercel:index/deployment:Deployment").values()
    inputs = deployment["inputs"]
    assert inputs["production"] is True
    assert inputs["pathPrefix"] == f"build/ops-{stack}"
    assert inputs["meta"] == {"bundleSha256": digest(bundle_files(load(stack)))}


@pytest.mark.parametrize("stack", STACKS)
def test_no_project_sets_what_the_provider_refuses(stack: str) -> None:
    for name, project in by_name(stack, PROJECT).items():
        inputs = project["inputs"]
        # Deprecated, and ConflictsWith resource_config.function_default_regions.
        assert "serverlessFunctionRegion" not in inputs, name
        assert project_config_problems(inputs) == [], name


def deprecated_arguments(resource_type: str) -> set[str]:
    """Engine names of the arguments the SDK's Args class warns about as deprecated.

    pulumiverse-vercel generates `if <arg> is not None: warnings.warn(..., DeprecationWarning)`
    from the provider schema's DeprecationMessage (e.g. serverless_function_region's)."""
    args_class = getattr(vercel, resource_type.rsplit(":", 1)[-1] + "Args")
    source = inspect.getsource(args_class.__init__)
    names = re.findall(r"if (\w+) is not None:\n\s+warnings\.warn\(", source)
    return {re.sub(r"_(\w)", lambda m: m.group(1).upper(), name) for name in names}


def test_the_sdk_reports_the_deprecated_region_argument() -> None:
    assert "serverlessFunctionRegion" in deprecated_arguments(PROJECT)


@pytest.mark.parametrize("stack", STACKS)
def test_the_program_sets_no_deprecated_vercel_argument(stack: str) -> None:
    for resource in plan_of(stack)["resources"]:
        if resource["type"].startswith("vercel:index/") and resource["custom"]:
            used = deprecated_arguments(resource["type"]) & resource["inputs"].keys()
            assert used == set(), (resource["name"], used)


def test_provider_rules_catch_what_the_old_program_set() -> None:
    old = {
        "serverlessFunctionRegion": "fra1",
        "resourceConfig": {
            "fluid": True,
            "functionDefaultCpuType": "standard_legacy",
            "functionDefaultRegions": ["fra1"],
            "functionDefaultTimeout": 901,
        },
    }
    assert len(project_config_problems(old)) == 3


@pytest.mark.parametrize(
    ("fluid", "memory", "cpu_type", "real_memory"),
    [(True, 128, "standard", 2048), (True, 1024, "standard", 2048),
     (True, 2048, "standard", 2048), (True, 2049, "performance", 4096),
     (True, 3008, "performance", 4096), (True, 4096, "performance", 4096),
     (False, 128, "standard_legacy", 128), (False, 1024, "standard_legacy", 1024),
     (False, 1025, "standard", 1025), (False, 1769, "standard", 1769),
     (False, 2048, "performance", 2048), (False, 3009, "performance", 3009)],
)  # fmt: skip
def test_memory_maps_to_what_vercel_gives_in_the_mode(
    fluid: bool, memory: int, cpu_type: str, real_memory: int
) -> None:
    limits = function_limits(fluid, memory, 60)
    assert (limits.cpu.cpu_type.value, limits.memory_mb) == (cpu_type, real_memory)
    assert limits.memory_in_vercel_json is not fluid
    # Never the class the provider refuses under Fluid compute.
    assert not (fluid and cpu_type == "standard_legacy")


@pytest.mark.parametrize(("fluid", "memory"), [(True, 4097), (False, 3010)])
def test_memory_no_class_gives_is_refused(fluid: bool, memory: int) -> None:
    with pytest.raises(ValueError, match=f"no Vercel CPU class gives {memory} MB"):
        function_limits(fluid, memory, 60)
