"""The Supabase project is adopted by name, never imported; its password is carried over."""

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest

from crms_infra.adopt.adoption import adoption_of
from crms_infra.adopt.changes import AdoptionRefused, Effect, How
from crms_infra.adopt.program import SUPABASE_PROJECT, ProgramRun
from crms_infra.adopt.terraform_state import TerraformState
from tests.crms_infra.adopt.conftest import LIVE_PASSWORD, LIVE_REF, Document

StateOf = Callable[[Document], TerraformState]
AttributesOf = Callable[[Document, str], dict[str, Any]]


def with_inputs(program: ProgramRun, name: str, **changed: Any) -> ProgramRun:
    """The program, as if one resource had been declared with other inputs or options."""
    (resource,) = [r for r in program.resources.values() if r.name == name]
    options = {key: changed.pop(key) for key in list(changed) if key == "ignore_changes"}
    replaced = dataclasses.replace(resource, inputs={**resource.inputs, **changed}, **options)
    return dataclasses.replace(program, resources={**program.resources, resource.urn: replaced})


def test_the_project_is_adopted_by_name_and_its_password_imported_by_value(
    document: Document, as_state: StateOf, prod_program: ProgramRun
) -> None:
    adoption = adoption_of(as_state(document), prod_program)
    by_name = {item.resource.name: item for item in adoption.adopted}
    project, password = by_name["database-project"], by_name["database-password"]
    assert (project.how, project.import_id, project.state_address) == (
        How.BY_NAME, None, "supabase_project.crms",
    )  # fmt: skip
    assert project.resource.type == SUPABASE_PROJECT
    assert LIVE_REF in project.notes[0]
    assert (password.how, password.import_id, password.import_id_is_secret) == (
        How.IMPORT, LIVE_PASSWORD, True,
    )  # fmt: skip
    # The program ignores the generation parameters the import sets from the value.
    assert password.changes == []


def test_a_project_in_another_region_is_refused(
    document: Document, as_state: StateOf, attributes_of: AttributesOf, prod_program: ProgramRun
) -> None:
    attributes_of(document, "supabase_project")["region"] = "eu-central-1"
    with pytest.raises(AdoptionRefused) as refused:
        adoption_of(as_state(document), prod_program)
    assert str(refused.value) == (
        "supabase_project.crms is in region eu-central-1, but Pulumi.prod.yaml sets "
        "crms:databaseRegion to 'eu-central-2': the program would not adopt it but create "
        "another project there"
    )


@pytest.mark.parametrize(
    ("attribute", "live", "refusal"),
    [
        ("organization_id", "someone-else", "crms:databaseOrganizationSlug to 'crms-swiss'"),
        ("name", "crms-prod", "would create a second, empty project"),
        ("database_password", None, "holds no database_password"),
    ],
)
def test_a_project_adoption_would_not_find_or_could_not_use_is_refused(
    document: Document,
    as_state: StateOf,
    attributes_of: AttributesOf,
    prod_program: ProgramRun,
    attribute: str,
    live: str | None,
    refusal: str,
) -> None:
    attributes_of(document, "supabase_project")[attribute] = live
    with pytest.raises(AdoptionRefused, match=refusal):
        adoption_of(as_state(document), prod_program)


def test_another_live_size_is_reported_as_what_a_later_refresh_changes(
    document: Document, as_state: StateOf, attributes_of: AttributesOf, prod_program: ProgramRun
) -> None:
    attributes_of(document, "supabase_project")["instance_size"] = "small"
    adoption = adoption_of(as_state(document), prod_program)
    (project,) = [item for item in adoption.adopted if item.resource.name == "database-project"]
    (change,) = project.changes
    assert (change.what, change.before, change.after, change.effect) == (
        "instance_size", "small", "medium", Effect.LATER,
    )  # fmt: skip


def test_a_size_only_a_new_project_gives_is_refused(
    document: Document, as_state: StateOf, attributes_of: AttributesOf, prod_program: ProgramRun
) -> None:
    """No add-on gives nano: the provider replaces the project, deleting the live database."""
    attributes_of(document, "supabase_project")["instance_size"] = "small"
    program = with_inputs(prod_program, "database-project", instance_size="nano")
    with pytest.raises(AdoptionRefused) as refused:
        adoption_of(as_state(document), program)
    assert "would replace database-project (instance_size: small -> nano)" in str(refused.value)
    assert "the live database and all its data" in str(refused.value)


def test_a_password_the_import_would_replace_is_refused(
    document: Document, as_state: StateOf, prod_program: ProgramRun
) -> None:
    """Without ignore_changes, the imported length and override_special differ from the
    program's: the replacement would set a new password on the live database."""
    program = with_inputs(prod_program, "database-password", ignore_changes=frozenset())
    with pytest.raises(AdoptionRefused) as refused:
        adoption_of(as_state(document), program)
    message = str(refused.value)
    assert "would replace database-password (length: the live password's -> 40)" in message
    assert LIVE_PASSWORD not in message
