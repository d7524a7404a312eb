"""The live project's variables: each the program declares is imported by its ID, and the
report says what the first `up` does to it, never showing a value."""

from collections.abc import Callable
from typing import Any

from crms_infra.adopt.adoption import adoption_of
from crms_infra.adopt.changes import Adopted, Effect
from crms_infra.adopt.program import ProgramRun
from crms_infra.adopt.terraform_state import TerraformState
from tests.crms_infra.adopt.conftest import TEAM_AND_PROJECT, Document

StateOf = Callable[[Document], TerraformState]
AttributesOf = Callable[[Document, str], dict[str, Any]]
VARIABLE = "vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable"


def variables(state: TerraformState, program: ProgramRun) -> dict[str, Adopted]:
    adopted = adoption_of(state, program).adopted
    return {item.resource.inputs["key"]: item for item in adopted if item.resource.type == VARIABLE}


def test_each_live_variable_is_imported_under_the_programs_name_by_its_id(
    document: Document, as_state: StateOf, attributes_of: AttributesOf, prod_program: ProgramRun
) -> None:
    live = {e["key"]: e["id"] for e in attributes_of(document, "vercel_project")["environment"]}
    found = variables(as_state(document), prod_program)
    assert set(found) == set(live)
    for key, item in found.items():
        assert item.import_id == f"{TEAM_AND_PROJECT}/{live[key]}"
        assert item.resource.name == "compute-web-" + key.lower().replace("_", "-")
        assert item.state_address == f'vercel_project.crms environment "{key}"'


def test_the_supabase_url_keeps_its_value_and_leaves_previews_to_stagings(
    document: Document, as_state: StateOf, prod_program: ProgramRun
) -> None:
    """The program builds it from the adopted project's ref: the same URL as the live one,
    for production only; previews get staging's, from a variable of their own."""
    (change,) = variables(as_state(document), prod_program)["NEXT_PUBLIC_SUPABASE_URL"].changes
    assert (change.what, change.effect) == ("targets", Effect.UPDATE)
    assert (change.before, change.after) == (
        "preview, production",
        "production; preview: compute-web-preview-development-next-public-supabase-url "
        "(from organization/crms/staging)",
    )
    assert "previews lose production's value" in change.note


def test_every_live_variable_stops_reaching_previews_and_says_what_they_get_instead(
    document: Document, as_state: StateOf, attributes_of: AttributesOf, prod_program: ProgramRun
) -> None:
    """The live variables reach production and preview: after the first `up`, production
    only, and each preview gets its own from staging's data plane."""
    environment = attributes_of(document, "vercel_project")["environment"]
    assert {tuple(sorted(e["target"])) for e in environment} == {("preview", "production")}
    for key, item in variables(as_state(document), prod_program).items():
        (targets,) = [change for change in item.changes if change.what == "targets"]
        assert targets.after.startswith("production; preview: compute-web-preview-"), key
        assert targets.after.endswith("(from organization/crms/staging)"), key
        assert item.resource.inputs["targets"] == ["production"], key
    stripe = variables(as_state(document), prod_program)["STRIPE_SECRET_KEY"]
    (targets,) = [change for change in stripe.changes if change.what == "targets"]
    # docs/takeover.md quotes it.
    assert f"targets: {targets.before} -> {targets.after}" == (
        "targets: preview, production -> production; preview: "
        "compute-web-preview-stripe-secret-key (from organization/crms/staging)"
    )


def test_a_plain_variable_the_program_makes_sensitive_is_replaced(
    document: Document, as_state: StateOf, prod_program: ProgramRun
) -> None:
    changes = variables(as_state(document), prod_program)["SENTRY_DSN"].changes
    sensitive = next(change for change in changes if change.what == "sensitive")
    assert (sensitive.before, sensitive.after, sensitive.effect) == (
        "false",
        "true",
        Effect.REPLACE,
    )
    assert "deleted, then created" in sensitive.note


def test_a_value_never_shows_only_where_it_comes_from(
    document: Document, as_state: StateOf, attributes_of: AttributesOf, prod_program: ProgramRun
) -> None:
    environment = attributes_of(document, "vercel_project")["environment"]
    found = variables(as_state(document), prod_program)
    redis = next(c for c in found["UPSTASH_REDIS_URL"].changes if c.what == "value")
    assert redis.after == "from cache-redis, created by this up"
    stripe = next(c for c in found["STRIPE_SECRET_KEY"].changes if c.what == "value")
    assert (stripe.before, stripe.after) == ("[sensitive]", "the program's")
    printed = " ".join(
        f"{c.before} {c.after} {c.note}" for item in found.values() for c in item.changes
    )
    assert not [e["key"] for e in environment if e["value"] and e["value"] in printed]


def test_a_live_variable_the_program_does_not_declare_stays_listed(
    document: Document, as_state: StateOf, attributes_of: AttributesOf, prod_program: ProgramRun
) -> None:
    environment = attributes_of(document, "vercel_project")["environment"]
    environment.append({**environment[0], "key": "LEGACY_FLAG", "id": "Qq1Ww2Ee3Rr4Tt5Y"})
    adoption = adoption_of(as_state(document), prod_program)
    assert adoption.unmanaged_variables == ['vercel_project.crms environment "LEGACY_FLAG"']


def test_a_standalone_variable_resource_is_matched_and_accounted(
    document: Document, as_state: StateOf, attributes_of: AttributesOf, prod_program: ProgramRun
) -> None:
    project = attributes_of(document, "vercel_project")
    (entry,) = [e for e in project["environment"] if e["key"] == "SENTRY_DSN"]
    project["environment"].remove(entry)
    standalone = {**entry, "project_id": project["id"], "team_id": project["team_id"]}
    document["resources"].append(
        {
            "mode": "managed",
            "type": "vercel_project_environment_variable",
            "name": "sentry_dsn",
            "provider": 'provider["registry.terraform.io/vercel/vercel"]',
            "instances": [{"schema_version": 0, "attributes": standalone}],
        }
    )
    adoption = adoption_of(as_state(document), prod_program)
    found = variables(as_state(document), prod_program)
    assert found["SENTRY_DSN"].state_address == "vercel_project_environment_variable.sentry_dsn"
    assert found["SENTRY_DSN"].import_id == f"{TEAM_AND_PROJECT}/{entry['id']}"
    assert adoption.state_only == []


def test_the_reference_to_staging_is_neither_imported_nor_created(
    document: Document, as_state: StateOf, prod_program: ProgramRun
) -> None:
    """`pulumi up` reads staging's outputs; it makes nothing of them."""
    adoption = adoption_of(as_state(document), prod_program)
    types = {item.resource.type for item in adoption.adopted} | {r.type for r in adoption.created}
    assert "pulumi:pulumi:StackReference" not in types
    assert "compute-web-preview-stripe-secret-key" in {r.name for r in adoption.created}
