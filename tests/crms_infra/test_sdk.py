"""The SDK's internals have one door, crms_infra/offline/sdk.py."""

import ast
import pkgutil
import re
from pathlib import Path

import pulumi
import pulumi.dynamic
import pulumi.runtime
import pytest

from crms_infra.offline import sdk
from tests.conftest import REPO

DOOR = REPO / "crms_infra" / "offline" / "sdk.py"
PUBLIC_PACKAGES = {"pulumi", "pulumi.runtime", "pulumi.dynamic"}
"""Where the SDK exports its public names."""
SUBMODULES = {
    package.__name__: {
        module.name
        for module in pkgutil.iter_modules(package.__path__)
        # The runtime's and the dynamic provider's modules are internals; of the top
        # package's, only the underscored ones (pulumi.log, pulumi.output are public).
        if package is not pulumi or module.name.startswith("_")
    }
    for package in (pulumi, pulumi.runtime, pulumi.dynamic)
}
PROGRAM_EXCEPTIONS = {
    ("stacks/loader.py", "pulumi.runtime.config"): "the SDK has no public way to list config "
    "keys, and the program cannot import the tooling's door (tests/test_layout.py)"
}
ROOTS = ["__main__.py", "stacks", "components", "app", "crms_infra", "policies", "tests"]


def private_imports(source: str) -> set[str]:
    """The SDK internals a source imports or reaches by attribute."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if _is_private_module(alias.name)}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if _is_private_module(node.module):
                found.add(node.module)
            elif node.module in PUBLIC_PACKAGES:
                for alias in node.names:
                    if alias.name.startswith("_") or alias.name in SUBMODULES[node.module]:
                        found.add(f"{node.module}.{alias.name}")
        elif isinstance(node, ast.Attribute):
            dotted = ast.unparse(node)
            if _is_private_module(dotted.rpartition(".")[0]):
                found.add(dotted.rpartition(".")[0])
            elif dotted.rpartition(".")[0] in PUBLIC_PACKAGES and node.attr.startswith("_"):
                found.add(dotted)
    return found


def _is_private_module(name: str) -> bool:
    if not name.startswith("pulumi.") or name in PUBLIC_PACKAGES:
        return False
    package, _, first = name.rpartition(".")
    while package not in PUBLIC_PACKAGES and "." in package:
        package, _, first = package.rpartition(".")
    return package in PUBLIC_PACKAGES and first in SUBMODULES[package]


def test_only_the_door_imports_the_sdks_internals() -> None:
    files = [
        path
        for root in ROOTS
        for path in ([REPO / root] if root.endswith(".py") else sorted((REPO / root).rglob("*.py")))
        if path != DOOR and "__pycache__" not in path.parts
    ]
    assert len(files) > 150
    found = {
        (path.relative_to(REPO).as_posix(), name)
        for path in files
        for name in private_imports(path.read_text())
    }
    assert found == set(PROGRAM_EXCEPTIONS)


@pytest.mark.parametrize(
    "source",
    [
        "from pulumi.runtime import rpc",
        "from pulumi.runtime.sync_await import _sync_await",
        "import pulumi.runtime.settings",
        "from pulumi.dynamic.dynamic import serialize_provider",
        "import pulumi\npulumi.runtime.rpc.serialize_properties",
        "from pulumi import _types",
    ],
)
def test_each_way_of_reaching_in_is_seen(source: str) -> None:
    assert private_imports(source)


def test_public_names_are_not_internals() -> None:
    source = (
        "import pulumi\nfrom pulumi.runtime import set_mocks, Mocks\n"
        "from pulumi.dynamic import Config\npulumi.runtime.set_mocks\npulumi.Output.all"
    )
    assert private_imports(source) == set()


def test_the_door_checks_the_pinned_release() -> None:
    (pin,) = re.findall(r"^pulumi==(\S+)$", (REPO / "requirements.txt").read_text(), re.M)
    assert pin == sdk.PINNED
    sdk.require_pinned(pin)
    with pytest.raises(sdk.SdkVersionError, match=rf"internals of pulumi {re.escape(pin)}.*3\.999"):
        sdk.require_pinned("3.999.0")


def test_the_door_says_why_for_each_internal() -> None:
    """Every import in the door follows a comment that gives its reason."""
    lines = DOOR.read_text().splitlines()
    for number, line in enumerate(lines):
        if line.startswith("from pulumi."):
            assert lines[number - 1].startswith("#"), line


def test_a_path_outside_the_roots_would_not_be_missed() -> None:
    assert all((REPO / root).exists() for root in ROOTS)
    assert Path(sdk.__file__).resolve() == DOOR


class _Provider(pulumi.dynamic.ResourceProvider):
    pass


def test_serializing_a_provider_leaves_pickle_wrapped_and_a_run_unwraps_it() -> None:
    """The SDK's serialize_provider never restores the Pickler's methods it wraps: were it to
    (a new release), `pickler_restored` could go."""
    import pickle

    from crms_infra.offline.engine import record_stack

    original = sdk._PICKLER_ORIGINALS["_batch_setitems"]
    sdk.serialize_provider(_Provider())
    assert pickle._Pickler._batch_setitems is not original  # type: ignore[attr-defined]
    record_stack(REPO, "dev")
    assert pickle._Pickler._batch_setitems is original  # type: ignore[attr-defined]
    assert pickle._Pickler.save_dict is sdk._PICKLER_ORIGINALS["save_dict"]  # type: ignore[attr-defined]
