"""The import rules of the layout (docs/design.md, "Layout").

The program (`__main__.py`, `stacks/`, `components/`, `app/`) never imports the tooling
(`crms_infra/`) that runs it offline: the tooling imports the program. The policy pack
runs in its own environment and imports neither the tooling nor, through it, this
checkout's program. Read from the sources (ast), so a lazy import inside a function or
an `importlib.import_module("crms_infra...")` counts as much as a top-level one.
"""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

TOOLING = "crms_infra"
PROGRAM = [REPO / "__main__.py", REPO / "stacks", REPO / "components", REPO / "app"]
POLICY_PACK = [REPO / "policies"]


def python_files(roots: list[Path]) -> list[Path]:
    files: list[Path] = []
    for root in roots:
        files += [root] if root.is_file() else sorted(root.rglob("*.py"))
    return [path for path in files if "__pycache__" not in path.parts]


def imported_modules(source: str) -> set[str]:
    """Every module a source names in an import statement or an import call."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.Call) and node.args:
            function = node.func
            called = function.attr if isinstance(function, ast.Attribute) else None
            called = function.id if isinstance(function, ast.Name) else called
            first = node.args[0]
            if called in {"import_module", "__import__"} and isinstance(first, ast.Constant):
                names.add(str(first.value))
    return names


def imports_of(roots: list[Path], package: str) -> list[str]:
    found = []
    for path in python_files(roots):
        for name in imported_modules(path.read_text()):
            if name == package or name.startswith(f"{package}."):
                found.append(f"{path.relative_to(REPO)} imports {name}")
    return found


def test_the_program_never_imports_the_tooling() -> None:
    assert len(python_files(PROGRAM)) > 40  # the packages are where this test looks
    assert imports_of(PROGRAM, TOOLING) == []


def test_the_policy_pack_never_imports_the_tooling() -> None:
    assert python_files(POLICY_PACK)
    assert imports_of(POLICY_PACK, TOOLING) == []


@pytest.mark.parametrize(
    "source",
    [
        "import crms_infra.cli",
        "from crms_infra import cli",
        "from crms_infra.offline.engine import plan_stack",
        "def late():\n    from crms_infra.bundle.writer import write_bundle",
        "import importlib\nimportlib.import_module('crms_infra.plan.render')",
    ],
)
def test_every_form_of_import_is_seen(source: str) -> None:
    assert any(name.startswith(TOOLING) for name in imported_modules(source))


def test_a_similar_name_is_not_an_import_of_the_tooling() -> None:
    names = imported_modules("import crms_infrastructure\nfrom stacks import settings")
    assert not any(name == TOOLING or name.startswith(f"{TOOLING}.") for name in names)


APP = REPO / "app"
SHARED = [path for path in APP.glob("*.py") if path.name != "__main__.py"]
"""The modules every role may use; `python -m app serve` (app/__main__.py) serves the routes."""
APP_ROLES_NEVER_IMPORT = {
    "routes": ["app.operators"],
    "jobs": ["app.routes", "app.operators"],
    "operators": ["app.routes"],
}
"""app/__init__.py: imports between the roles go one way, so the deployment, which ships what
app.routes.web imports (stacks/bundle.py), ships no operator's module."""


@pytest.mark.parametrize(("role", "forbidden"), APP_ROLES_NEVER_IMPORT.items())
def test_each_role_of_the_app_imports_only_what_it_may(role: str, forbidden: list[str]) -> None:
    assert len(python_files([APP / role])) > 3
    assert [found for package in forbidden for found in imports_of([APP / role], package)] == []


def test_the_app_s_shared_modules_import_no_role() -> None:
    assert len(SHARED) > 4
    roles = [f"app.{role}" for role in APP_ROLES_NEVER_IMPORT]
    assert [found for role in roles for found in imports_of(SHARED, role)] == []


def test_benchmarks_use_the_tests_doubles_never_their_tests_or_fixtures() -> None:
    """Benchmarks measure against the same doubles the tests use (the spec-strict Management
    API fake, the local services, the fault proxy, the drain payloads), imported from their
    helper modules: never a test module, nor a conftest (pytest's, loaded by pytest)."""
    found = [
        f"{path.relative_to(REPO)} imports {name}"
        for path in python_files([REPO / "benchmarks"])
        for name in imported_modules(path.read_text())
        if name.startswith("tests.") and name.rpartition(".")[2].startswith(("test_", "conftest"))
    ]
    assert found == []


def test_no_test_module_imports_another() -> None:
    """Shared helpers live in helper modules (tests/helpers.py, tests/policies/views.py, ...),
    so that running one test module never runs or depends on another's tests."""
    found = [
        f"{path.relative_to(REPO)} imports {name}"
        for path in python_files([REPO / "tests"])
        for name in imported_modules(path.read_text())
        if name.startswith("tests.") and name.rpartition(".")[2].startswith("test_")
    ]
    assert found == []


def test_the_cli_imports_no_component_before_the_program_runs() -> None:
    # The engine runs a project's program from its own directory (`--project-dir`, the base
    # of a pull request): `components` imported earlier would be this checkout's instead.
    code = (
        "import sys, crms_infra.cli; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'components'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]"


NOT_THE_TREE = {".git", ".venv", "venv", "node_modules", "build", "__pycache__"}
"""Folders that are installed or generated, not the project's own files."""


def tree_files(suffix: str) -> list[Path]:
    return [
        path
        for path in sorted(REPO.rglob(f"*{suffix}"))
        if not NOT_THE_TREE & set(path.relative_to(REPO).parts) and not path.name.startswith(".")
    ]


def test_no_module_of_the_tree_is_a_copy_of_another() -> None:
    """Two runtimes that need the same code install one package (STYLE 12): a module held
    equal to another by a test is still two places to read and review."""
    by_content: dict[bytes, list[str]] = {}
    for path in tree_files(".py"):
        content = path.read_bytes()
        if content.strip():
            by_content.setdefault(content, []).append(str(path.relative_to(REPO)))
    assert len(by_content) > 200  # the tree is where this test looks
    assert [paths for paths in by_content.values() if len(paths) > 1] == []


def test_the_price_files_and_the_pricing_exist_once() -> None:
    folders = {path.parent for path in tree_files(".json") if path.parent.name == "prices"}
    assert [str(folder.relative_to(REPO)) for folder in folders] == [
        "policies/pricing/src/crms_pricing/prices"
    ]
    assert [str(path.relative_to(REPO)) for path in tree_files("table.py")] == [
        "policies/pricing/src/crms_pricing/table.py"
    ]


def test_a_checkout_planned_by_its_own_code_imports_its_own_pricing() -> None:
    """tree_plan puts a checkout's pricing source on PYTHONPATH: where this one's is."""
    import crms_pricing

    from crms_infra.diff.tree_plan import IMPORT_ROOTS

    assert (REPO / IMPORT_ROOTS[1]).resolve() == Path(crms_pricing.__file__).parent.parent
