"""The `pulumi import --file` file: the program's own names, parents and provider versions,
so the URNs the CLI builds from it are the ones the program registers."""

import importlib.resources
import json
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from crms_infra.adopt.adoption import adoption_of
from crms_infra.adopt.changes import Adopted, How
from crms_infra.adopt.import_file import ImportFileError, import_file, write_import_file
from crms_infra.adopt.program import ProgramRun
from crms_infra.adopt.terraform_state import TerraformState
from tests.conftest import REPO
from tests.crms_infra.adopt.conftest import LIVE_PASSWORD, TEAM_AND_PROJECT, Document

StateOf = Callable[[Document], TerraformState]


def cli_urn(entry: dict[str, Any], by_name: dict[str, dict[str, Any]]) -> str:
    """The URN `pulumi import` gives an entry: the parents' type chain, the type, the name
    (parseImportFile, pkg/cmd/pulumi/operations/import.go; resource.NewURN)."""
    types = [entry["type"]]
    parent = entry.get("parent")
    while parent:
        types.insert(0, by_name[parent]["type"])
        parent = by_name[parent].get("parent")
    name = entry.get("logicalName", entry["name"])
    return f"urn:pulumi:prod::crms::{'$'.join(types)}::{name}"


def plugin_version(sdk: str) -> str:
    plugin = json.loads((importlib.resources.files(sdk) / "pulumi-plugin.json").read_text())
    version: str = plugin["version"]
    return version


@pytest.fixture
def prod_file(document: Document, as_state: StateOf, prod_program: ProgramRun) -> dict[str, Any]:
    return import_file(adoption_of(as_state(document), prod_program).adopted, prod_program)


def test_every_entry_lands_on_the_urn_the_program_registers(
    prod_file: dict[str, Any], prod_program: ProgramRun
) -> None:
    entries = prod_file["resources"]
    by_name = {entry["name"]: entry for entry in entries}
    assert len(by_name) == len(entries) == 13
    assert "nameTable" not in prod_file  # default providers only
    for entry in entries:
        assert cli_urn(entry, by_name) in prod_program.resources, entry["name"]


def test_the_parents_are_components_without_ids_and_the_rest_carry_the_live_ids(
    prod_file: dict[str, Any],
) -> None:
    by_name = {entry["name"]: entry for entry in prod_file["resources"]}
    assert by_name["database"] == {
        "type": "crms:index:Database",
        "name": "database",
        "component": True,
    }
    assert by_name["compute"]["component"] is True
    assert by_name["database-password"] == {
        "type": "random:index/randomPassword:RandomPassword",
        "name": "database-password",
        "id": LIVE_PASSWORD,
        "parent": "database",
        "version": plugin_version("pulumi_random"),
    }
    assert by_name["compute-web"]["id"] == TEAM_AND_PROJECT
    assert by_name["compute-web"]["version"] == plugin_version("pulumiverse_vercel")
    assert by_name["compute-web"]["pluginDownloadUrl"] == "github://api.github.com/pulumiverse"
    assert "compute-web-node-env" not in by_name  # the live project has no such variable


def test_a_name_used_twice_gets_a_suffix_and_keeps_its_logical_name(
    prod_program: ProgramRun,
) -> None:
    """compute-ops names both the ops project and its deployment."""
    same_name = sorted(
        (r for r in prod_program.resources.values() if r.name == "compute-ops"),
        key=lambda r: r.type,
    )
    adopted = [Adopted("x", r, How.IMPORT, "", import_id=f"id-{r.type}") for r in same_name]
    entries = import_file(adopted, prod_program)["resources"]
    by_name = {entry["name"]: entry for entry in entries}
    assert {"compute-ops", "compute-ops-2"} <= by_name.keys()
    assert by_name["compute-ops-2"]["logicalName"] == "compute-ops"
    for entry in entries:
        assert cli_urn(entry, by_name) in prod_program.resources


def test_an_explicit_provider_is_named_through_the_name_table(prod_program: ProgramRun) -> None:
    (bucket,) = [r for r in prod_program.resources.values() if r.name == "storage-photos"
                 and r.type == "aws:s3/bucket:Bucket"]  # fmt: skip
    document = import_file([Adopted("x", bucket, How.IMPORT, "", import_id="b")], prod_program)
    (entry,) = [e for e in document["resources"] if "id" in e]
    assert entry["logicalName"] == "storage-photos"  # its component has that name too
    assert document["nameTable"] == {entry["provider"]: bucket.provider}
    assert bucket.provider == "urn:pulumi:prod::crms::pulumi:providers:aws::aws"


def test_the_file_is_written_for_its_owner_only(tmp_path: Path) -> None:
    target = tmp_path / "import.json"
    write_import_file(target, {"resources": [{"id": LIVE_PASSWORD}]}, REPO)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert json.loads(target.read_text()) == {"resources": [{"id": LIVE_PASSWORD}]}
    assert [path.name for path in tmp_path.iterdir()] == ["import.json"]


def test_a_file_already_there_is_never_written_through_even_a_hard_link(tmp_path: Path) -> None:
    """`ln README.md ../x.json`: the path is outside the repository, the file is not."""
    tracked = tmp_path / "README.md"  # stands for a file of the repository
    tracked.write_text("# CRMS\n")
    os.link(tracked, tmp_path / "x.json")
    with pytest.raises(ImportFileError, match=r"x\.json is already there"):
        write_import_file(tmp_path / "x.json", {"resources": [{"id": LIVE_PASSWORD}]}, REPO)
    assert tracked.read_text() == "# CRMS\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["README.md", "x.json"]


def test_a_file_that_cannot_be_written_whole_is_not_written_at_all(tmp_path: Path) -> None:
    target = tmp_path / "import.json"
    with pytest.raises(ImportFileError, match="cannot be written"):
        write_import_file(target, {"resources": [{"id": "pass\ud800word"}]}, REPO)
    assert list(tmp_path.iterdir()) == []


def test_the_file_is_never_written_into_the_repository_nor_through_a_link(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="outside the repository"):
        write_import_file(REPO / "import.json", {}, REPO)
    link = tmp_path / "import.json"
    link.symlink_to(REPO / "README.md")
    with pytest.raises(ImportFileError, match="outside the repository"):
        write_import_file(link, {}, REPO)
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_text("unchanged")
    os.symlink(elsewhere, tmp_path / "link.json")
    with pytest.raises(ImportFileError, match=r"link\.json is already there"):
        write_import_file(tmp_path / "link.json", {}, REPO)
    assert elsewhere.read_text() == "unchanged"
