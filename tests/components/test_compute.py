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
SENTRY_TRACES = "NEXT_PUBLIC_SENTRY_TRACES_SAMPLE_RATE"  # the seed's tracesSampleRate
PLAIN = {"NEXT_PUBLIC_SUPABASE_URL", "NODE_ENV", "NEXT_PUBLIC_APP_ENV", "SENTRY_ENVIRONMENT"}
PLAIN |= {SENTRY_REPLAYS, SENTRY_TRACES}
EVERY = ("production", "preview", "development")
DATA_PLANE = SEED_VARIABLES - {"NODE_ENV", "NEXT_PUBLIC_APP_ENV", "SENTRY_ENVIRONMENT"}
EXPECTED_LIMITS = {  # Fluid compute everywhere: 1024 MB asks for standard (2 GB), 3008 MB for
    "dev": ("standard", 15),  # performance (4 GB); see components/function_limits.py
    "staging": ("standard", 30),
    "prod": ("performance", 60),
}


def variables(stack: str, project: str) -> list[dict[str, Any]]:
    """The project's variables, values revealed (the provider marks every value secret)."""
    recording = record_stack(REPO, stack)
    return [
        recording.inputs(urn)
        for urn, registration in recording.monitor.registrations.items()
        if registration.request.type == VARIABLE and f"::compute-{project}-" in urn
    ]


def by_target(stack: str, project: str) -> dict[tuple[str, str], dict[str, Any]]:
    """(key, target) -> the variable that reaches it; a second one would fail here."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for variable in variables(stack, project):
        for target in variable["targets"]:
            assert (variable["key"], target) not in found, "Vercel refuses it: ENV_CONFLICT"
            found[variable["key"], target] = variable
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
def test_every_seed_variable_reaches_each_target_once_and_every_secret_is_sensitive(
    stack: str,
) -> None:
    web = by_target(stack, "web")
    assert {key for key, _ in web} == SEED_VARIABLES | {SENTRY_REPLAYS, SENTRY_TRACES}
    for (key, _), variable in web.items():
        assert variable["sensitive"] is (key not in PLAIN), key
    for key in SEED_VARIABLES | {SENTRY_REPLAYS, SENTRY_TRACES}:
        # Vercel refuses sensitive variables in development: local development brings its own.
        expected = {"production", "preview"} if key not in PLAIN else set(EVERY)
        assert {target for k, target in web if k == key} == expected, key
    settings = load(stack)
    assert web["NODE_ENV", "preview"]["value"] == settings.node_env.value
    assert web[SENTRY_REPLAYS, "development"]["value"] == str(
        settings.sentry.replays_on_error_sample_rate
    )
    assert web[SENTRY_TRACES, "production"]["value"] == "0.1"  # the seed's


@pytest.mark.parametrize("stack", STACKS)
def test_each_target_is_told_its_own_environment(stack: str) -> None:
    web = by_target(stack, "web")
    environment = load(stack).environment.value
    for key in ("NEXT_PUBLIC_APP_ENV", "SENTRY_ENVIRONMENT"):
        assert [web[key, target]["value"] for target in EVERY] == [
            environment, "preview", "development",
        ]  # fmt: skip


def test_prods_previews_get_stagings_data_plane_and_production_gets_its_own() -> None:
    """Offline, staging's values are those of its own offline plan (different secrets than
    prod's, as the real ones are), read through the reference prod's previews use."""
    prod, staging = by_target("prod", "web"), by_target("staging", "web")
    for key in DATA_PLANE:
        assert prod[key, "preview"]["value"] == staging[key, "production"]["value"], key
        assert prod[key, "preview"]["value"] != prod[key, "production"]["value"], key
        assert prod[key, "production"]["targets"] == ["production"], key
    url = prod["NEXT_PUBLIC_SUPABASE_URL", "development"]
    assert url["value"] == staging["NEXT_PUBLIC_SUPABASE_URL", "production"]["value"]


@pytest.mark.parametrize("stack", ["dev", "staging"])
def test_other_stacks_preview_on_their_own_data_plane_under_their_own_variables(
    stack: str,
) -> None:
    web = by_target(stack, "web")
    for key in DATA_PLANE:
        assert web[key, "preview"]["value"] == web[key, "production"]["value"], key
        assert web[key, "production"]["targets"] == ["production"], key


def test_a_preview_variable_is_made_after_the_production_one_of_its_key() -> None:
    """The live variable still reaches preview until the `up` narrows it to production;
    Vercel refuses the preview's own (ENV_CONFLICT) until then."""
    recording = record_stack(REPO, "prod")
    requests = {
        urn.rsplit("::", 1)[-1]: registration.request
        for urn, registration in recording.monitor.registrations.items()
        if registration.request.type == VARIABLE
    }
    waits = requests["compute-web-preview-stripe-secret-key"].dependencies
    assert any(urn.endswith("::compute-web-stripe-secret-key") for urn in waits)
    waits = requests["compute-web-development-next-public-app-env"].dependencies
    assert any(urn.endswith("::compute-web-preview-next-public-app-env") for urn in waits)


@pytest.mark.parametrize("stack", STACKS)
def test_the_ops_app_has_production_variables_only(stack: str) -> None:
    assert {target for _, target in by_target(stack, "ops")} == {"production"}


@pytest.mark.parametrize("stack", STACKS)
def test_both_projects_protect_their_previews_explicitly(stack: str) -> None:
    projects = by_name(stack, PROJECT)
    web, ops = projects["compute-web"]["inputs"], projects["compute-ops"]["inputs"]
    assert web["vercelAuthentication"] == {"deploymentType": "standard_protection_new"}
    # Production's domains stay public on the ops app: the drains deliver there.
    assert ops["vercelAuthentication"] == {"deploymentType": "standard_protection"}
    assert web["gitForkProtection"] is ops["gitForkProtection"] is True
    assert "trustedIps" not in web


def test_ops_app_gets_what_its_config_reads() -> None:
    ops = {key: variable for (key, _), variable in by_target("prod", "ops").items()}
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
