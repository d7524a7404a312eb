"""The ops app's deployable bundle for one stack: what `vercel build` turns into
the Build Output API, and what the Deployment ships.

    api/index.py          the one Vercel function: the app's ASGI app (app.routes.web)
    api/_lib/app/...      the app's modules the function imports (no operators' CLIs, no SQL)
    api/requirements.txt  the app's pinned dependencies (app/requirements.txt)
    vercel.json           the function's limits, a rewrite of each of the app's paths to it,
                          regions and crons, per stack
    .vercel/project.json  lets `vercel build` run without logging in

One function serves every path: without a framework preset each `.py` file in `api/` is a
function of its own (https://vercel.com/docs/functions/runtimes/python/api-directory), so
there is one such file, and vercel.json rewrites each of the app's paths (app.paths) to it.
A rewrite changes what Vercel routes to, not the path the function sees: the pinned builder
(@vercel/python 6.0.4) passes the request's own path to the app, so the app routes by the
caller's path (vercel/vercel #17212, whose description says so, changed this only for
Python framework presets, which the bundle does not use). Everything lives under `api/`:
Vercel's zero-config detection publishes every other file as a static file
(@vercel/fs-detectors 5.7.6, detect-builders.ts: the `!{api/**,...}` static build), and
makes no function of a path with a segment starting with `_` (maybeGetApiBuilder). Only
vercel.json is outside, which that static build never publishes (cli
src/util/build/static-builder.ts). No `.python-version`: the pinned builder reads the
version only from pyproject.toml or Pipfile.lock (packages/python/src/index.ts), and the
build checks the function's runtime instead.

The same sources give byte-identical bundles (no timestamps, fixed order), so an
unchanged app shows no change in a plan. `make build` (crms_infra/bundle/vercel_build.py)
records the digest it built from in BUILD_RECORD; the program refuses a build of other sources.
This module is what the program needs (the files, their digest, the stale-build check);
writing a bundle to disk is the tooling's (crms_infra/bundle/writer.py).
"""

import hashlib
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pulumi

from app import paths
from app.metric_catalog import DISK_PROBE_PERIOD_SECONDS
from stacks import naming
from stacks.settings import StackSettings

if TYPE_CHECKING:
    from components.function_limits import FunctionLimits

REPO = Path(__file__).resolve().parent.parent
FUNCTION = "api/index.py"
"""The one function's entrypoint; `vercel build` writes it as functions/api/index.func."""
FUNCTION_PATH = "/api/index"
LIBRARY = "api/_lib"
"""Where the app's package ships: on the function's import path (FUNCTION adds it)."""
_REQUIREMENTS = "api/requirements.txt"  # the builder installs the one next to the entrypoint
ENTRYPOINT_SOURCE = f'''"""The ops app's one Vercel function: it serves every path in app.paths."""

import sys
from pathlib import Path

# The app's package ships in {LIBRARY}/ (stacks/bundle.py says why): put it on the path.
sys.path.insert(0, str(Path(__file__).resolve().parent / "_lib"))

from app.routes.web import app  # noqa: E402

__all__ = ["app"]
'''
CRONS = [
    {"path": paths.CRON_BACKUP, "schedule": "0 2 * * *"},  # nightly, 02:00 UTC
    # Every DISK_PROBE_PERIOD_SECONDS: the alarms' periods assume this schedule.
    {"path": paths.CRON_METRICS, "schedule": f"*/{DISK_PROBE_PERIOD_SECONDS // 60} * * * *"},
]
BUILD_RECORD = ".vercel/crms-build.json"
"""Written by `make build` after a verified `vercel build --prod`: the digest it built from."""
PYTHON_VERSION = "3.12"
"""Vercel's default Python (https://vercel.com/docs/functions/runtimes/python); `make build`
builds with it and refuses a function for any other."""


def bundle_dir(stack: str) -> str:
    """Where `make build STACK=<stack>` writes and builds the bundle (relative to the project)."""
    return f"build/ops-{stack}"


def stack_function_limits(settings: StackSettings) -> "FunctionLimits":
    """What Vercel applies to the stack's functions in its compute mode."""
    # Imported here: the CLI imports this module before the engine runs the program, which
    # must then import `components` from its own project directory, not this checkout's.
    from components.function_limits import function_limits

    compute = settings.compute
    return function_limits(
        compute.fluid, compute.function_memory_mb, compute.function_max_duration_seconds
    )


def vercel_json(settings: StackSettings) -> dict[str, Any]:
    limits = stack_function_limits(settings)
    function: dict[str, Any] = {"maxDuration": limits.max_duration_seconds}
    if limits.memory_in_vercel_json:
        # Without Fluid compute a vercel.json memory overrides the project's CPU class.
        function["memory"] = limits.memory_mb
    # The builder puts every file of the project into the function but these two (one glob:
    # @vercel/python 6.0.4 takes `excludeFiles` as a single pattern, src/index.ts).
    function["excludeFiles"] = f"{{vercel.json,{_REQUIREMENTS}}}"
    return {
        "$schema": "https://openapi.vercel.sh/vercel.json",
        "functions": {FUNCTION: function},
        "rewrites": [{"source": path, "destination": FUNCTION_PATH} for path in paths.ALL],
        "regions": list(settings.compute.function_regions),
        "crons": CRONS,
    }


def bundle_files(settings: StackSettings, repo: Path = REPO) -> dict[str, bytes]:
    """Every file of the bundle, by its path in the bundle."""
    package = repo / "app"
    files = {
        f"{LIBRARY}/app/{source}": (package / source).read_bytes()
        for source in function_modules(package)
    }
    files[_REQUIREMENTS] = (package / "requirements.txt").read_bytes()
    files[FUNCTION] = ENTRYPOINT_SOURCE.encode()
    files["vercel.json"] = _json(vercel_json(settings))
    files[".vercel/project.json"] = _json(
        {
            "projectId": naming.ops_project(settings),
            "orgId": settings.compute.vercel_team,
            "settings": {"framework": None},
        }
    )
    return dict(sorted(files.items()))


def function_modules(package: Path) -> list[str]:
    """The package's source files the function imports, relative to the package: app.routes.web
    and every module of the package it imports, at any depth and wherever the import is (the
    crons import theirs inside the handler), with the `__init__.py` of every package on each
    module's path (importing `app.jobs.probe` runs `app/jobs/__init__.py` first). The
    operators' CLIs, the migration runner and its SQL stay out."""
    found: set[str] = set()
    pending = ["routes.web"]
    while pending:
        source = _source_of(package, pending.pop())
        if source is None or source in found:
            continue  # `from app.x import name` may name an attribute, not a module
        found.add(source)
        pending.extend(_packages_above(source))
        for match in _IMPORTS_FROM_THE_PACKAGE.finditer((package / source).read_text()):
            module = (match[1] or match[4] or "").removeprefix(".")
            pending.append(module)
            for name in _names(match[2] or match[3] or ""):
                pending.append(f"{module}.{name}".removeprefix("."))  # a submodule, maybe
    return sorted(found)


def _source_of(package: Path, module: str) -> str | None:
    """`jobs.probe` -> `jobs/probe.py`, `jobs` -> `jobs/__init__.py`, `` -> `__init__.py`;
    None when the package has no such module."""
    parts = module.split(".") if module else []
    for source in ("/".join(parts) + ".py", "/".join([*parts, "__init__.py"])):
        if (package / source).is_file():
            return source
    return None


def _packages_above(source: str) -> list[str]:
    """`jobs/probe.py` -> the packages `` and `jobs`, whose `__init__.py` the import runs."""
    parts = source.split("/")[:-1]
    return [".".join(parts[:depth]) for depth in range(len(parts) + 1)]


_IMPORTS_FROM_THE_PACKAGE = re.compile(
    r"^[ \t]*(?:from[ \t]+app((?:\.\w+)*)[ \t]+import[ \t]+(?:\(([\w\s,]+)\)|([\w \t,]+))"
    r"|import[ \t]+app((?:\.\w+)+))",
    re.MULTILINE,
)
"""`from app[.x.y] import a, b as c` (and its parenthesized form), `import app.x.y`. A pattern
rather than the ast module: the program runs this on every plan and `pulumi up`, where
ast.parse cost 80 ms and can fail spuriously on CPython 3.11.7 (python/cpython#106905). Too
wide a match only ships one more file; a missed import fails the tests that start the app
from the bundle alone."""


def _names(imported: str) -> list[str]:
    """`a, b as c` -> [a, b]."""
    return [name.split()[0] for name in imported.split(",") if name.strip()]


def digest(files: dict[str, bytes]) -> str:
    hasher = hashlib.sha256()
    for path, content in sorted(files.items()):
        hasher.update(f"{path}\0{len(content)}\0".encode())
        hasher.update(content)
    return hasher.hexdigest()


refuse_stale_builds = True
"""`pulumi preview` and `pulumi up` refuse a build of other sources (stacks/wiring.py). The
offline plan turns this off while it runs the program and marks the ops deployment stale
itself (crms_infra/offline/stale_build.py): an edit under app/ informs, it does not block."""


class StaleBuildError(pulumi.RunError):
    """The build in the bundle directory is not a finished build of the current sources."""


def check_build(directory: Path, expected_digest: str, stack: str) -> None:
    """Refuse a build whose recorded source digest is not `expected_digest`.

    An absent or empty directory passes: nothing is built yet, the offline plan then shows a
    deployment without files, and a real preview stops in the provider's own check
    ("no prebuilt output was found", vercel/data_source_prebuilt_project.go).
    """
    if not directory.is_dir() or not any(directory.iterdir()):
        return
    fix = f"run `make build STACK={stack}`"
    record_file = directory / BUILD_RECORD
    try:
        record = json.loads(record_file.read_text())
    except (OSError, ValueError):
        raise StaleBuildError(
            f"{directory} holds no finished build (no {BUILD_RECORD}): {fix}"
        ) from None
    built_from = record.get("sourceSha256") if isinstance(record, dict) else None
    if built_from != expected_digest:
        raise StaleBuildError(
            f"{directory} was built from other sources (sha256 {str(built_from)[:16]}, "
            f"the current sources are {expected_digest[:16]}): {fix}"
        )
    if record.get("target") != "production":
        raise StaleBuildError(f"{directory} is not a production build: {fix}")


def _json(value: dict[str, Any]) -> bytes:
    return (json.dumps(value, indent=2, sort_keys=True) + "\n").encode()
