"""Reading a Terraform state of format version 4, and refusing anything else plainly."""

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from crms_infra.adopt.terraform_state import (
    TerraformState,
    TerraformStateError,
    parse_state,
    read_state,
)
from tests.crms_infra.adopt.conftest import Document


def test_the_fixture_reads_as_the_two_resources_of_the_seed(state_file: Path) -> None:
    state = read_state(state_file)
    assert (state.terraform_version, state.serial) == ("1.12.2", 57)
    assert [r.address for r in state.resources] == ["supabase_project.crms", "vercel_project.crms"]
    (project,) = state.of_type("supabase_project")
    assert project.sensitive == {"database_password"}
    assert project.provider == 'provider["registry.terraform.io/supabase/supabase"]'


def test_data_sources_and_deposed_objects_are_not_resources_to_adopt(
    document: Document, as_state: Callable[[Document], TerraformState]
) -> None:
    vercel = document["resources"][1]
    data = {**vercel, "mode": "data", "type": "vercel_project", "name": "read"}
    deposed = {**vercel["instances"][0], "deposed": "00000001"}
    vercel["instances"].append(deposed)
    document["resources"].append(data)
    assert [r.address for r in as_state(document).resources] == [
        "supabase_project.crms",
        "vercel_project.crms",
    ]


def test_module_and_index_keys_are_part_of_the_address(
    document: Document, as_state: Callable[[Document], TerraformState]
) -> None:
    supabase = document["resources"][0]
    supabase["module"] = "module.database"
    supabase["instances"][0]["index_key"] = "prod"
    assert (
        as_state(document).resources[0].address == 'module.database.supabase_project.crms["prod"]'
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "not JSON; pass the output of `terraform state pull`"),
        (b"[]", "not a Terraform state (no format version)"),
        (json.dumps({"version": 3}).encode(), "format version 3 is not supported"),
        (
            json.dumps({"version": 4, "terraform_version": "1.9.0", "serial": 1}).encode(),
            "not a Terraform state of format version 4: lineage: Field required",
        ),
    ],
)
def test_what_is_not_a_version_4_state_is_refused_with_a_reason(
    content: bytes, message: str
) -> None:
    with pytest.raises(TerraformStateError, match=r"^case\.json: ") as refused:
        parse_state(content, "case.json")
    assert message in str(refused.value)
