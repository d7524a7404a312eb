"""A pull request's base diff: each side planned by its own code, in its own process.

Two copies of the project differ only in a settings default (with the Pulumi.yaml
block derived from it) and in `stacks/wiring.py`. Planned each by its own code, the
diff shows both changes; planned the way CI used to (the head's CLI with
`--project-dir` pointing at the base), the wiring change disappears.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import venv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from crms_infra.diff.tree_entry import entry_point
from crms_infra.diff.tree_plan import TreePlanError, interpreter_for, plan_in_tree, run_in_tree
from tests.conftest import REPO

CLI = str(Path(sys.executable).parent / "crms-infra")
STACK = "dev"
PROBE = "PLAN_PROBE"
"""The environment variable the head's wiring adds to the ops app."""
PROBE_RESOURCE = "compute-ops-plan-probe"
"""The Vercel environment variable resource that wiring makes of it."""
RETENTION_KEY = "crms:storageAccessLogRetentionDays"
OLD_RETENTION, NEW_RETENTION = 365, 400
NOT_PROJECT_FILES = shutil.ignore_patterns(
    ".venv", "node_modules", ".git", "__pycache__", ".*_cache", "build", "*.egg-info"
)


@dataclass(frozen=True)
class Trees:
    base: Path
    head: Path


def copy_project(destination: Path) -> Path:
    shutil.copytree(REPO, destination, ignore=NOT_PROJECT_FILES)
    return destination


def rewrite(path: Path, pattern: str, replacement: str) -> None:
    """Apply one regex edit, failing loudly if the code it targets has moved."""
    text, count = re.subn(pattern, replacement, path.read_text(), count=1, flags=re.DOTALL)
    assert count == 1, f"{path.name}: {pattern!r} not found; update this test's edit"
    path.write_text(text)


def drop_retention_from_stack_file(tree: Path) -> None:
    """Both sides leave the key unset, so the settings default decides it."""
    rewrite(tree / f"Pulumi.{STACK}.yaml", rf"\n  {RETENTION_KEY}: {OLD_RETENTION}\n", "\n")


@pytest.fixture(scope="module")
def trees(tmp_path_factory: pytest.TempPathFactory) -> Trees:
    root = tmp_path_factory.mktemp("trees")
    base, head = copy_project(root / "base"), copy_project(root / "head")
    for tree in (base, head):
        drop_retention_from_stack_file(tree)
    rewrite(
        head / "stacks" / "settings.py",
        rf"(access_log_retention_days: int = Field\(\s*){OLD_RETENTION}\b",
        rf"\g<1>{NEW_RETENTION}",
    )
    rewrite(
        head / "stacks" / "wiring.py",
        r"(def ops_environment\(.*?return \[\n)",
        rf'\g<1>        EnvVar("{PROBE}", "head-wiring", sensitive=False),\n',
    )
    # The schema block of Pulumi.yaml follows the settings, derived by the head's own code.
    schema = run_in_tree(head, ["schema", "--project-dir", str(head)])
    assert schema.exit_code == 0, schema.stderr
    return Trees(base, head)


def save(run_stdout: str, path: Path) -> Path:
    json.loads(run_stdout)  # a whole plan, not an error message
    path.write_text(run_stdout)
    return path


def diff(before: Path, after: Path) -> dict[str, Any]:
    result = subprocess.run(
        [CLI, "diff", str(before), str(after), "--format", "json"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert isinstance(loaded, dict)
    return loaded


def expiration_days(value: Any) -> set[int]:
    """Every `expiration.days` inside a (nested) property value."""
    if isinstance(value, list):
        return {days for item in value for days in expiration_days(item)}
    if not isinstance(value, dict):
        return set()
    found = {value["expiration"]["days"]} if "days" in value.get("expiration", {}) else set()
    return found | {days for item in value.values() for days in expiration_days(item)}


def retention_changes(report: dict[str, Any]) -> list[str]:
    """The resources whose lifecycle went from the old retention to the new."""
    return [
        resource["name"]
        for resource in report["changed"]
        for change in resource["changes"]
        if (expiration_days(change["before"]), expiration_days(change["after"]))
        == ({OLD_RETENTION}, {NEW_RETENTION})
    ]


def added_names(report: dict[str, Any]) -> list[str]:
    return [key.rpartition("::")[2] for key in report["added"]]


@pytest.fixture(scope="module")
def plans(trees: Trees, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("plans")
    base_run, head_run = plan_in_tree(trees.base, STACK), plan_in_tree(trees.head, STACK)
    assert (base_run.exit_code, head_run.exit_code) == (0, 0), base_run.stderr + head_run.stderr
    # How the workflow planned the base before: the head's CLI, --project-dir at the base.
    old_way = subprocess.run(
        [sys.executable, "-c", "import sys; from crms_infra.cli import main; sys.exit(main())",
         "plan", STACK, "--format", "json", "--project-dir", str(trees.base)],
        cwd=trees.head, env={**os.environ, "PYTHONPATH": str(trees.head)},
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert old_way.returncode == 0, old_way.stderr
    return {
        "base": base_run,
        "head": head_run,
        "diff": diff(save(base_run.stdout, out / "base.json"), save(head_run.stdout, out / "h")),
        "old_diff": diff(save(old_way.stdout, out / "old-base.json"), out / "h"),
    }


def test_the_head_tree_really_changed_the_default_and_its_schema(trees: Trees) -> None:
    project = (trees.head / "Pulumi.yaml").read_text()
    assert f"default: {NEW_RETENTION}" in project
    assert RETENTION_KEY not in (trees.base / f"Pulumi.{STACK}.yaml").read_text()


def test_the_diff_shows_the_changed_settings_default(plans: dict[str, Any]) -> None:
    assert retention_changes(plans["diff"]) == ["storage-access-logs-lifecycle"]
    # Nothing else changed: the two trees differ in these two edits only.
    assert [resource["name"] for resource in plans["diff"]["changed"]] == [
        "storage-access-logs-lifecycle"
    ]


def test_the_diff_shows_the_changed_wiring(plans: dict[str, Any]) -> None:
    assert added_names(plans["diff"]) == [PROBE_RESOURCE]
    assert not plans["diff"]["removed"]


def test_each_process_imported_only_its_own_tree(trees: Trees, plans: dict[str, Any]) -> None:
    for side, tree in (("base", trees.base), ("head", trees.head)):
        modules = plans[side].modules
        command = entry_point(tree).partition(":")[0]
        for name in (command, "stacks.settings", "stacks.wiring", "components.compute"):
            assert modules[name].is_relative_to(tree), (side, name, modules[name])
        assert all(path.is_relative_to(tree) for path in modules.values())
        assert plans[side].interpreter == Path(sys.executable)  # same pins: this venv


def test_the_old_way_loses_the_wiring_change(plans: dict[str, Any]) -> None:
    """Planned in the head's interpreter, the base runs the head's wiring: no diff."""
    assert PROBE_RESOURCE not in added_names(plans["old_diff"])
    # The default arrives through the base's own Pulumi.yaml, so that part survived.
    assert retention_changes(plans["old_diff"])


def test_code_from_outside_the_tree_is_refused(tmp_path: Path) -> None:
    """A base without `app/` would import this checkout's `app` (the editable install
    puts it on sys.path): refused rather than planned with mixed code."""
    tree = copy_project(tmp_path / "base")
    shutil.rmtree(tree / "app")
    with pytest.raises(TreePlanError, match=r"imported modules from outside it: app"):
        plan_in_tree(tree, STACK)


def test_a_tree_with_other_pins_needs_its_own_virtualenv(tmp_path: Path) -> None:
    tree = tmp_path / "base"
    tree.mkdir()
    for name in ("requirements.txt", "requirements-dev.txt"):
        shutil.copy(REPO / name, tree / name)
    assert interpreter_for(tree) == Path(sys.executable)
    with (tree / "requirements.txt").open("a") as pins:
        pins.write("six==1.17.0\n")
    with pytest.raises(TreePlanError, match=r"make -C .* setup"):
        interpreter_for(tree)
    venv.create(tree / ".venv", with_pip=False)
    assert interpreter_for(tree) == tree / ".venv" / "bin" / "python"
