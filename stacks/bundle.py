"""The ops app's deployable bundle for one stack: what `vercel build` turns into
the Build Output API, and what the Deployment ships.

    app/               the package's sources (no caches, no tests)
    api/...py          one Vercel function per route, each serving the one ASGI app
    requirements.txt   the app's pinned dependencies (app/requirements.txt)
    .python-version    the functions' Python (PYTHON_VERSION)
    vercel.json        functions (maxDuration; memory only without Fluid compute), regions
                       and crons, per stack
    .vercel/project.json  lets `vercel build` run without logging in

The same sources give byte-identical bundles (no timestamps, fixed order), so an
unchanged app shows no change in a plan. `make build` (crms_infra/build.py) records the
digest it built from in BUILD_RECORD; the program refuses a build of other sources.
This module is what the program needs (the files, their digest, the stale-build check);
writing a bundle to disk is the tooling's (crms_infra/bundle_writer.py).
"""

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pulumi

from app.metric_catalog import DISK_PROBE_PERIOD_SECONDS
from stacks import naming
from stacks.settings import StackSettings

if TYPE_CHECKING:
    from components.function_limits import FunctionLimits

REPO = Path(__file__).resolve().parent.parent
ROUTES = {
    "api/health.py": "/api/health",
    "api/cron/backup.py": "/api/cron/backup",
    "api/cron/metrics.py": "/api/cron/metrics",
    "api/drain/logs.py": "/api/drain/logs",
    "api/drain/traces.py": "/api/drain/traces",
}
CRONS = [
    {"path": "/api/cron/backup", "schedule": "0 2 * * *"},  # nightly, 02:00 UTC
    # Every DISK_PROBE_PERIOD_SECONDS: the alarms' periods assume this schedule.
    {"path": "/api/cron/metrics", "schedule": f"*/{DISK_PROBE_PERIOD_SECONDS // 60} * * * *"},
]
FUNCTION_GLOB = "api/**/*.py"
_SOURCE_SUFFIXES = {".py", ".sql"}
BUILD_RECORD = ".vercel/crms-build.json"
"""Written by `make build` after a verified `vercel build --prod`: the digest it built from."""
PYTHON_VERSION = "3.12"
"""Vercel's default Python (https://vercel.com/docs/functions/runtimes/python); the bundle pins
it in `.python-version`, and `make build` refuses a build for any other."""
_LOCAL_ONLY = {"app/__main__.py"}  # `python -m app serve`: development only


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
    function: dict[str, int] = {"maxDuration": limits.max_duration_seconds}
    if limits.memory_in_vercel_json:
        # Without Fluid compute a vercel.json memory overrides the project's CPU class.
        function["memory"] = limits.memory_mb
    return {
        "$schema": "https://openapi.vercel.sh/vercel.json",
        "functions": {FUNCTION_GLOB: function},
        "regions": list(settings.compute.function_regions),
        "crons": CRONS,
    }


def bundle_files(settings: StackSettings, repo: Path = REPO) -> dict[str, bytes]:
    """Every file of the bundle, by its path in the bundle."""
    files: dict[str, bytes] = {}
    package = repo / "app"
    for path in sorted(package.rglob("*")):
        relative = path.relative_to(repo)
        if (
            path.is_file()
            and path.suffix in _SOURCE_SUFFIXES
            and "__pycache__" not in path.parts
            and relative.as_posix() not in _LOCAL_ONLY
        ):
            files[relative.as_posix()] = path.read_bytes()
    files["requirements.txt"] = (package / "requirements.txt").read_bytes()
    # Vercel's Python runtime respects `.python-version` at the project root
    # (https://vercel.com/docs/functions/runtimes/python); the pinned builder
    # (@vercel/python 6.0.4, packages/python/src/version.ts) picks the newest
    # python3.X with pip3.X on PATH, which `make build` checks is this one.
    files[".python-version"] = f"{PYTHON_VERSION}\n".encode()
    for function, route in ROUTES.items():
        files[function] = (
            f'"""Vercel function for {route}: the ops app serves every route."""\n\n'
            "from app.web import app\n\n"
            '__all__ = ["app"]\n'
        ).encode()
    files["vercel.json"] = _json(vercel_json(settings))
    files[".vercel/project.json"] = _json(
        {
            "projectId": naming.ops_project(settings),
            "orgId": settings.compute.vercel_team,
            "settings": {"framework": None},
        }
    )
    return dict(sorted(files.items()))


def digest(files: dict[str, bytes]) -> str:
    hasher = hashlib.sha256()
    for path, content in sorted(files.items()):
        hasher.update(f"{path}\0{len(content)}\0".encode())
        hasher.update(content)
    return hasher.hexdigest()


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
