"""The helpers tests share (test modules import from here, never from each other): a
stack's settings, each stack's offline plan (computed once per session) and ways to look
into it, and what an Output is."""

import contextlib
import dataclasses
import datetime as dt
import functools
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Awaitable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pulumi
import pytest
from crms_pricing.prices import PriceBook

from crms_infra.bundle.vercel_build import BuildError, check_interpreter
from crms_infra.cost import plan_costs
from crms_infra.offline.engine import plan_stack
from crms_infra.plan_model import Plan, PlanResource
from crms_infra.stack_file.reader import load_yaml_file
from stacks.loader import SettingsError, settings_from_config
from stacks.secrets import StackSecrets
from stacks.settings import StackSettings
from tests.cli_process import run_command
from tests.conftest import REPO
from tests.shared_work import once_per_run

S3 = "aws:s3/"
BACKUP_NOW = dt.datetime(2026, 11, 25, 3, 0, tzinfo=dt.UTC)
"""When the backup and restore tests run their backups."""


@functools.cache
def plan_of(stack: str) -> Plan:
    """The committed stack's offline plan: computed once per test run, whatever the number
    of workers (tests read it, never change it)."""
    return once_per_run(f"plan-{stack}", lambda: plan_stack(REPO, stack))


def price_book_with(key: str, usd: Decimal | None) -> PriceBook:
    """The prices the estimates use, with `key` at `usd` (a test's figure, not a vendor's) or,
    with None, unknown, as a price no source gave is."""
    book = plan_costs.price_book()
    unknown = "" if usd is not None else "a test's price of no source"
    changed = dataclasses.replace(book.price(key), usd=usd, unknown=unknown)
    return PriceBook({**book.prices, key: changed}, book.allowances)


def resources(stack: str, type_: str | None = None) -> list[PlanResource]:
    return [r for r in plan_of(stack)["resources"] if type_ is None or r["type"] == type_]


def by_name(stack: str, type_: str) -> dict[str, PlanResource]:
    return {r["name"]: r for r in resources(stack, type_)}


def inputs_of(resource: PlanResource) -> dict[str, Any]:
    """A resource's inputs for a test to read by the exact path it asserts on: a wrong path
    fails that assertion, so tests read them untyped; the tooling reads them through
    crms_infra.plan_model's narrowing helpers."""
    return resource["inputs"]


def outputs_of(plan: Plan) -> dict[str, Any]:
    """The stack's outputs, read as `inputs_of` reads a resource's."""
    return plan["outputs"]


def policy_document(resource: PlanResource, key: str = "policy") -> dict[str, Any]:
    document = json.loads(str(resource["inputs"][key]))
    assert isinstance(document, dict)
    return document


def config_of(stack: str, kind: str, bucket: str) -> dict[str, Any]:
    """The one configuration resource of `kind` that belongs to `bucket`."""
    matches = [r for r in resources(stack) if r["type"].startswith(S3 + kind)]
    (found,) = [r for r in matches if r["inputs"].get("bucket") == f"{bucket}-mock"]
    inputs: dict[str, Any] = found["inputs"]
    return inputs


def stack_config(stack: str) -> dict[str, str]:
    """A stack file's config as the engine hands it to the program (strings, JSON)."""
    return dict(_stack_file_config(stack))  # a copy: callers change it


@functools.cache
def _stack_file_config(stack: str) -> dict[str, str]:
    # Read once a session: the strict reader costs tens of milliseconds a file, which
    # property tests calling `load` for every example would pay each time.
    raw = load_yaml_file(REPO / f"Pulumi.{stack}.yaml")["config"]
    return {
        key: value if isinstance(value, str) else json.dumps(value) for key, value in raw.items()
    }


def load(stack: str, **overrides: Any) -> StackSettings:
    config = stack_config(stack)
    for key, value in overrides.items():
        full_key = f"crms:{key}"
        if value is None:
            config.pop(full_key)
        else:
            config[full_key] = value if isinstance(value, str) else json.dumps(value)
    return settings_from_config(config, f"Pulumi.{stack}.yaml")


def assert_refused_in_one_line(key: str, value: Any, allowed: str) -> None:
    """Staging with `key` set to `value` is refused in one line naming the file, the key,
    the value and what is `allowed`."""
    with pytest.raises(SettingsError) as caught:
        load("staging", **{key: value})
    message = str(caught.value)
    assert message.startswith(f"Pulumi.staging.yaml: crms:{key}")
    assert "\n" not in message, "one problem, one line"
    shown = value if isinstance(value, str) else json.dumps(value)
    assert shown.strip('[]"')[:70] in message
    assert allowed.lower() in message.lower()
    assert len(message) < 500


def program_secrets() -> StackSecrets:
    """The stack's secrets as the program reads them (secret Outputs), with test values."""
    return StackSecrets(
        stripe_secret_key=pulumi.Output.secret("sk_test_0000000000000000"),
        resend_api_key=pulumi.Output.secret(TEST_RESEND_KEY),
    )


TEST_RESEND_KEY = "re_Helper1234567890abcdefXYZ"  # shaped like a Resend key, never a real one


def secret_flag(output: pulumi.Output[Any]) -> pulumi.Output[bool]:
    flag: Awaitable[bool] = output.is_secret()
    return pulumi.Output.from_input(flag)


CLI = str(Path(sys.executable).parent / "crms-infra")


def copy_project(target: Path) -> Path:
    """The program, prod's stack file (and staging's, whose data plane prod's previews
    use) and the pack, in `target`: a copy safe to break.

    Planned through the CLI in a process of its own, a copy's `components` and pack are
    its own; `stacks` is not (the CLI has imported it already)."""
    for name in ("__main__.py", "Pulumi.yaml", "Pulumi.prod.yaml", "Pulumi.staging.yaml"):
        shutil.copy(REPO / name, target / name)
    for directory in ("components", "policies", "app"):
        shutil.copytree(REPO / directory, target / directory, ignore=shutil.ignore_patterns("venv"))
    return target


def plan_copy(project_dir: Path, stack: str = "prod") -> subprocess.CompletedProcess[str]:
    """`crms-infra plan STACK --format json` of a project copy, in a process of its own."""
    args = ["plan", stack, "--format", "json", "--project-dir", str(project_dir)]
    return run_command(args, cwd=Path.cwd(), timeout=300)


def assert_refused(result: subprocess.CompletedProcess[str], *words: str) -> str:
    """The CLI refused: exit 2, nothing on stdout, no traceback, each of `words` said."""
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in result.stderr
    return result.stderr


def line_of(stack_file: Path, text: str) -> int:
    """The number of the stack file's line holding `text`."""
    return next(n for n, line in enumerate(stack_file.read_text().splitlines(), 1) if text in line)


def edit(stack_file: Path, old: str, new: str) -> None:
    text = stack_file.read_text()
    assert old in text
    stack_file.write_text(text.replace(old, new))


def run_cli(
    *args: str, cwd: Path = REPO, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`crms-infra` as a user runs it, in its own process (tests/cli_process.py)."""
    return run_command(args, cwd=cwd, env=env)


@functools.cache
def python_312_bin() -> Path | None:
    """The directory of a Python 3.12 with pip, found as `make build` finds it
    (crms_infra.bundle.vercel_build.check_interpreter); None where the host has none."""
    try:
        return check_interpreter()
    except BuildError:
        return None


@contextlib.contextmanager
def python_312_first() -> Iterator[None]:
    """PATH with python_312_bin() first, as `make build` needs it (it runs `python3.12`)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PATH", f"{python_312_bin()}{os.pathsep}{os.environ['PATH']}")
        yield


def paths_the_function_serves(python: Path | str, directory: Path, then: str = "") -> list[str]:
    """Start the function in `directory` (a bundle, or a built `.func`) as Vercel's handler
    does (@vercel/python vc_init.py: `_vendor` added as a site dir, the entrypoint imported
    from its file), in a fresh `python` without this checkout on its path and without
    writing bytecode; import every module the crons load, run `then`, and return the paths
    the app routes. Fails if any module comes from anywhere but the function's own files."""
    script = (
        "import importlib.util, site, sys\n"
        f"sys.path = [p for p in sys.path if p not in ('', {str(REPO)!r})]\n"
        "site.addsitedir('_vendor'); sys.path.insert(0, '.')\n"
        "spec = importlib.util.spec_from_file_location('api.index', 'api/index.py')\n"
        "entry = importlib.util.module_from_spec(spec); spec.loader.exec_module(entry)\n"
        "import app, app.jobs.backup, app.metrics, app.jobs.probe, app.jobs.payments\n"
        "assert app.__file__.startswith(sys.path[0]), app.__file__\n"
        f"{then}\n"
        "print('\\n'.join(sorted(route.path for route in entry.app.routes)))\n"
    )
    result = subprocess.run(
        [str(python), "-I", "-B", "-c", script],
        cwd=directory,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


# Every flag of `pulumi preview` and `pulumi up`: the Flags() calls of pulumi/pulumi
# pkg/cmd/pulumi/operations/preview.go and up.go (CLI 3.26x sources).
COMMON_FLAGS = {
    "attach-debugger", "client", "config", "config-file", "config-path", "copilot", "debug",
    "diff", "event-log", "exclude", "exclude-dependents", "expect-no-changes", "ignore-protect",
    "json", "message", "neo", "neo-task-on-failure", "policy-pack", "policy-pack-config",
    "refresh", "replace", "run-program", "show-config", "show-full-output",
    "show-policy-remediations", "show-reads", "show-replacement-steps", "show-sames",
    "show-secrets", "skip-config-validation", "skip-plugin-pre-install", "stack",
    "suppress-outputs", "suppress-permalink", "suppress-progress", "target",
    "target-dependents", "target-replace", "urns",
}  # fmt: skip
CLI_FLAGS = {
    "preview": COMMON_FLAGS | {"import-file", "output", "save-plan"},
    "up": COMMON_FLAGS | {"continue-on-error", "plan", "secrets-provider", "skip-preview",
                          "strict", "yes"},
}  # fmt: skip


def flag_values(words: list[str]) -> dict[str, list[str]]:
    """`--flag value` and `--flag` (a boolean: "") of a command line, by flag name."""
    values: dict[str, list[str]] = {}
    for index, word in enumerate(words):
        if word.startswith("--"):
            following = words[index + 1] if index + 1 < len(words) else "--"
            values.setdefault(word[2:], []).append("" if following.startswith("--") else following)
    return values


def doc_pages() -> list[Path]:
    """The pages a reader follows: the README and every page under docs/."""
    return [REPO / "README.md", *sorted((REPO / "docs").glob("**/*.md"))]
