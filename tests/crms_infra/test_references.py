"""crms_infra/offline/references.py: a stack the program references is planned first, and
the reference reads what that plan exports, as the engine reads a stack's outputs."""

from pathlib import Path

from crms_infra.offline.engine import record_stack
from crms_infra.offline.mocks import STACK_REFERENCE
from tests.conftest import REPO
from tests.helpers import assert_refused, edit, line_of, outputs_of, plan_of
from tests.helpers import run_cli as run

STAGING = "organization/crms/staging"


def test_prods_reference_reads_what_stagings_plan_exports() -> None:
    recording = record_stack(REPO, "prod")
    (reference,) = [(urn, r) for urn, r in recording.monitor.registrations.items() if r.read]
    urn, registration = reference
    assert registration.request.type == STACK_REFERENCE
    assert registration.id == STAGING
    state = recording.monitor.resources[urn].state
    secret = ["databaseUrl", "redisUrl", "supabaseAnonKey", "supabasePublishableKey"]
    assert state["secretOutputNames"] == [*secret, "webDataPlaneSecrets"]
    staging = outputs_of(plan_of("staging"))
    assert state["outputs"]["webDataPlane"] == staging["webDataPlane"]
    assert state["outputs"]["environment"] == "staging"


def test_the_plan_shows_the_reference_and_the_pack_is_not_given_it() -> None:
    plan = plan_of("prod")
    (reference,) = [r for r in plan["resources"] if r["type"] == STACK_REFERENCE]
    assert (reference["id"], reference["inputs"]) == (STAGING, {"name": STAGING})
    assert outputs_of(plan)["previews"]["dataPlane"] == STAGING
    assert all(v["urn"] != reference["urn"] for v in plan["policy"]["violations"])


def test_staging_secrets_stay_masked_in_prods_plan() -> None:
    text = str(plan_of("prod"))
    assert "offline-placeholder-staging" not in text
    assert "offline-placeholder-prod" not in text


def test_a_stack_named_but_missing_is_refused(project_copy: Path) -> None:
    edit(
        project_copy / "Pulumi.prod.yaml",
        "crms:previewsDataPlaneStack: staging",
        "crms:previewsDataPlaneStack: stagin",
    )
    assert_refused(
        run("plan", "prod", "--project-dir", str(project_copy)),
        "Pulumi.prod.yaml: crms:previewsDataPlaneStack names the stack stagin, which has no "
        "stack file here (stacks: dev, prod, staging)",
    )


def test_stacks_that_reference_each_other_are_refused(project_copy: Path) -> None:
    edit(
        project_copy / "Pulumi.staging.yaml",
        'crms:previewsDataPlaneStack: ""',
        "crms:previewsDataPlaneStack: prod",
    )
    assert_refused(
        run("plan", "prod", "--project-dir", str(project_copy)),
        "stacks reference each other: prod -> staging -> prod",
    )


def test_a_stack_whose_previews_would_use_prods_data_plane_is_refused(project_copy: Path) -> None:
    """Dev's stack file naming prod: prod's live keys would reach dev's previews. Prod
    exports none, and the program says why in one sentence (the pack would refuse the
    `previews` output besides: tests/policies/test_previews_rules.py)."""
    stack_file = project_copy / "Pulumi.dev.yaml"
    edit(stack_file, 'crms:previewsDataPlaneStack: ""', "crms:previewsDataPlaneStack: prod")
    assert_refused(
        run("plan", "dev", "--project-dir", str(project_copy)),
        f"Pulumi.dev.yaml: line {line_of(stack_file, 'previewsDataPlaneStack')}: "
        'crms:previewsDataPlaneStack has the bad value "prod": names a production stack: '
        "previews never get production's secrets, and it exports none",
    )


def test_only_a_stack_that_is_not_production_exports_its_secrets_for_previews() -> None:
    assert "webDataPlaneSecrets" not in outputs_of(plan_of("prod"))
    assert outputs_of(plan_of("prod"))["webDataPlane"]["stripeMode"] == "live"
    for stack in ("dev", "staging"):
        assert outputs_of(plan_of(stack))["webDataPlaneSecrets"] == "[secret]"
