"""The live web project: imported by team and ID, and what the first `up` changes on it."""

from collections.abc import Callable
from typing import Any

import pulumiverse_vercel as vercel

from crms_infra.adopt.adoption import adoption_of
from crms_infra.adopt.changes import UNSET, Adopted, Effect
from crms_infra.adopt.program import ProgramRun
from crms_infra.adopt.terraform_state import TerraformState
from tests.crms_infra.adopt.conftest import TEAM_AND_PROJECT, Document

StateOf = Callable[[Document], TerraformState]
AttributesOf = Callable[[Document, str], dict[str, Any]]


def web_project(state: TerraformState, program: ProgramRun) -> Adopted:
    (project,) = [
        i for i in adoption_of(state, program).adopted if i.resource.name == "compute-web"
    ]
    return project


def changes_of(item: Adopted) -> dict[str, tuple[str, str, Effect]]:
    return {change.what: (change.before, change.after, change.effect) for change in item.changes}


def test_the_project_is_imported_by_team_and_id_and_its_limits_change_in_place(
    document: Document, as_state: StateOf, prod_program: ProgramRun
) -> None:
    project = web_project(as_state(document), prod_program)
    assert (project.state_address, project.import_id) == ("vercel_project.crms", TEAM_AND_PROJECT)
    assert project.resource.type == "vercel:index/project:Project"
    assert project.resource.parent == "urn:pulumi:prod::crms::crms:index:Compute::compute"
    assert changes_of(project) == {
        "resource_config.fluid": ("false", "true", Effect.UPDATE),
        "resource_config.function_default_cpu_type": (
            "standard_legacy", "performance", Effect.UPDATE,
        ),
        # The live project's previews need a login already; now its .vercel.app domain too.
        "vercel_authentication.deployment_type": (
            "standard_protection", "standard_protection_new", Effect.UPDATE,
        ),
    }  # fmt: skip
    assert project.replaces == []


def test_an_older_project_is_flagged_and_its_region_read_from_the_legacy_attribute(
    document: Document, as_state: StateOf, attributes_of: AttributesOf, prod_program: ProgramRun
) -> None:
    """pulumiverse/pulumi-vercel#395: the live region may be only in serverless_function_region."""
    attributes = attributes_of(document, "vercel_project")
    attributes["serverless_function_region"] = "iad1"
    attributes["resource_config"]["function_default_regions"] = []
    project = web_project(as_state(document), prod_program)
    assert changes_of(project)["resource_config.function_default_regions"] == (
        "iad1", "fra1", Effect.UPDATE,
    )  # fmt: skip
    assert "pulumiverse/pulumi-vercel#395" in project.notes[0]


def test_the_pinned_sdk_bridges_a_provider_that_imports_older_projects() -> None:
    """The region fix is in terraform-provider-vercel 5.1.2 (#496); `vercel_oauth_app`
    first appears in 5.10.0, so an SDK that has it bridges the fix."""
    assert hasattr(vercel, "OauthApp")


def test_what_the_program_leaves_unset_is_removed_or_reset(
    document: Document, as_state: StateOf, attributes_of: AttributesOf, prod_program: ProgramRun
) -> None:
    attributes = attributes_of(document, "vercel_project")
    attributes["build_command"] = "pnpm build"  # Optional only: the program's up removes it
    attributes["auto_assign_custom_domains"] = False  # default true
    attributes["node_version"] = "18.x"  # Optional and Computed: kept
    changes = changes_of(web_project(as_state(document), prod_program))
    assert changes["build_command"] == ("pnpm build", UNSET, Effect.UPDATE)
    assert changes["auto_assign_custom_domains"] == ("false", "true", Effect.UPDATE)
    assert "node_version" not in changes
