"""`crms-infra adopt` end to end on the fixture state: what it writes, reports and refuses."""

import json
import re
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from crms_infra.adopt.adoption import adoption_of
from crms_infra.adopt.changes import AdoptionRefused, How
from crms_infra.adopt.program import ProgramRun
from crms_infra.adopt.report import adoption_text
from crms_infra.adopt.terraform_state import TerraformState
from tests.crms_infra.adopt.conftest import LIVE_PASSWORD, Document, refused_in_one_line
from tests.helpers import run_cli

StateOf = Callable[[Document], TerraformState]


def test_every_live_resource_is_taken_over_and_nothing_with_data_replaced(
    document: Document, as_state: StateOf, prod_program: ProgramRun
) -> None:
    adoption = adoption_of(as_state(document), prod_program)
    assert adoption.state_only == []
    assert adoption.unmanaged_variables == []
    assert sorted(item.resource.name for item in adoption.adopted if item.how is How.BY_NAME) == [
        "database-project"
    ]
    assert len([item for item in adoption.adopted if item.how is How.IMPORT]) == 11
    assert all(not item.replaces for item in adoption.adopted if item.replacement_loses)
    created = {resource.name for resource in adoption.created}
    assert {"schema-migrations", "compute-ops", "cache-redis"} <= created
    assert not created & {item.resource.name for item in adoption.adopted}


def test_the_report_lists_what_the_program_does_not_manage_and_what_runs_on_live_data(
    document: Document, as_state: StateOf, prod_program: ProgramRun
) -> None:
    document["resources"].append(
        {
            "mode": "managed",
            "type": "vercel_project_domain",
            "name": "crms",
            "provider": 'provider["registry.terraform.io/vercel/vercel"]',
            "instances": [{"schema_version": 0, "attributes": {"domain": "crms.swiss"}}],
        }
    )
    adoption = adoption_of(as_state(document), prod_program)
    assert adoption.state_only == ["vercel_project_domain.crms"]
    text = adoption_text(adoption)
    assert "Only in the Terraform state (left alone" in text
    assert "\n  vercel_project_domain.crms\n" in text
    (migrations,) = [line for line in text.splitlines() if "+ schema-migrations " in line]
    assert migrations.startswith("  ! + schema-migrations")
    assert "python -m app.operators.migrate --baseline" in migrations
    assert "None replaces a resource that holds data or serves the live app." in text
    assert LIVE_PASSWORD not in text


def test_adopt_writes_the_import_file_for_its_owner_and_prints_no_secret(
    state_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "import.json"
    result = run_cli("adopt", "prod", "--terraform-state", str(state_file), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    entries = json.loads(out.read_text())["resources"]
    assert {"id": LIVE_PASSWORD, "name": "database-password"}.items() <= entries[1].items()
    printed = result.stdout + result.stderr
    assert LIVE_PASSWORD not in printed
    live_values = [
        entry["value"]
        for resource in json.loads(state_file.read_text())["resources"]
        for entry in resource["instances"][0]["attributes"].get("environment") or []
        if entry["value"]
    ]
    assert [value for value in live_values if value in printed] == []
    assert "Adopted by name on `pulumi up`" in result.stdout
    assert "holds the live database password" in result.stderr


def test_a_state_of_another_region_is_refused_in_one_sentence_and_nothing_written(
    document: Document, tmp_path: Path
) -> None:
    supabase = next(r for r in document["resources"] if r["type"] == "supabase_project")
    supabase["instances"][0]["attributes"]["region"] = "eu-west-1"
    state_file = tmp_path / "state.json"
    state_file.write_text(json.dumps(document))
    assert refused_in_one_line(state_file, tmp_path).startswith(
        "error: refused: supabase_project.crms is in region eu-west-1, but Pulumi.prod.yaml sets "
        "crms:databaseRegion to 'eu-central-2'"
    )


def test_text_from_the_state_is_printed_escaped(
    document: Document, as_state: StateOf, prod_program: ProgramRun
) -> None:
    """A key could carry a newline that a CI runner would read as a command of its own."""
    vercel = next(r for r in document["resources"] if r["type"] == "vercel_project")
    environment = vercel["instances"][0]["attributes"]["environment"]
    environment.append({**environment[0], "key": "X\n::stop-commands::t", "id": "Zz9Yy8Xx7Ww6Vv5U"})
    text = adoption_text(adoption_of(as_state(document), prod_program))
    assert 'environment "X\\n::stop-commands::t"' in text
    assert "\n::stop-commands" not in text


def test_a_state_without_a_supabase_project_is_refused_and_nothing_written(
    document: Document, tmp_path: Path
) -> None:
    """Adopted without one, the live web app's database URL would point at a new, empty
    project: the outcome adopt refuses for a project of another name."""
    document["resources"] = [r for r in document["resources"] if r["type"] != "supabase_project"]
    state_file = tmp_path / "state.json"
    state_file.write_text(json.dumps(document))
    assert refused_in_one_line(state_file, tmp_path).startswith(
        "error: refused: the state holds no supabase_project"
    )


def duplicate(document: Document, resource_type: str, name: str) -> Document:
    (resource,) = [r for r in document["resources"] if r["type"] == resource_type]
    document["resources"].append(
        {**resource, "name": name, "instances": [dict(resource["instances"][0])]}
    )
    return document


@pytest.mark.parametrize(
    ("resource_type", "message"),
    [
        (
            "vercel_project",
            "vercel_project.crms and vercel_project.twin are both the Vercel project "
            "'crms-production' the program declares",
        ),
        (
            "supabase_project",
            "supabase_project.crms and supabase_project.twin are both Supabase projects",
        ),
    ],
)
def test_two_live_resources_for_one_program_resource_are_refused(
    resource_type: str, message: str, document: Document, as_state: StateOf,
    prod_program: ProgramRun,
) -> None:  # fmt: skip
    """Which one the import took depended on the state's order."""
    duplicate(document, resource_type, "twin")
    with pytest.raises(AdoptionRefused, match="^" + re.escape(message)):
        adoption_of(as_state(document), prod_program)


def test_a_variable_of_a_project_the_state_does_not_hold_is_refused(
    document: Document, as_state: StateOf, prod_program: ProgramRun
) -> None:
    document["resources"].append(
        {
            "mode": "managed",
            "type": "vercel_project_environment_variable",
            "name": "stray",
            "provider": 'provider["registry.terraform.io/vercel/vercel"]',
            "instances": [
                {
                    "schema_version": 0,
                    "attributes": {"id": "env1", "key": "X", "project_id": "prj_elsewhere",
                                   "target": ["production"], "value": "v"},
                }
            ],
        }
    )  # fmt: skip
    with pytest.raises(
        AdoptionRefused,
        match=r"^vercel_project_environment_variable\.stray belongs to project prj_elsewhere, "
        "which this state does not hold",
    ):
        adoption_of(as_state(document), prod_program)


def test_a_live_app_pointed_at_a_supabase_project_the_state_does_not_hold_is_refused(
    document: Document, as_state: StateOf, prod_program: ProgramRun
) -> None:
    """The live app reads another project than the state's: adopting would repoint it."""
    vercel = next(r for r in document["resources"] if r["type"] == "vercel_project")
    (url,) = [
        entry
        for entry in vercel["instances"][0]["attributes"]["environment"]
        if entry["key"] == "NEXT_PUBLIC_SUPABASE_URL"
    ]
    url["value"] = "https://abcdefghijklmnopqrst.supabase.co"
    with pytest.raises(
        AdoptionRefused,
        match=r'^vercel_project\.crms environment "NEXT_PUBLIC_SUPABASE_URL" reads the Supabase '
        r"project abcdefghijklmnopqrst, which this state does not hold",
    ):
        adoption_of(as_state(document), prod_program)


def test_the_report_says_the_sentry_project_and_key_are_taken_over_not_duplicated(
    document: Document, as_state: StateOf, prod_program: ProgramRun
) -> None:
    text = adoption_text(adoption_of(as_state(document), prod_program))
    (project,) = [line for line in text.splitlines() if "+ error-tracking-project " in line]
    assert "takes over project crms-production of Sentry organization crms-swiss" in project
    assert "never a second one" in project
    (key,) = [line for line in text.splitlines() if "+ error-tracking-key " in line]
    assert "client key named crms-web" in key
