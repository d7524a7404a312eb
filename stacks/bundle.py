"""The ops app's deployable bundle for one stack: what `vercel build` turns into
the Build Output API, and what the Deployment ships.

    app/               the package's sources (no caches, no tests)
    api/...py          one Vercel function per route, each serving the one ASGI app
    requirements.txt   the app's pinned dependencies (app/requirements.txt)
    vercel.json        functions (memory, maxDuration), regions and crons, per stack
    .vercel/project.json  lets `vercel build` run without logging in

The same sources give byte-identical bundles (no timestamps, fixed order), so an
unchanged app shows no change in a plan.
"""

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

from stacks import naming
from stacks.settings import StackSettings

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
    {"path": "/api/cron/metrics", "schedule": "*/5 * * * *"},  # the disk probe's period
]
FUNCTION_GLOB = "api/**/*.py"
_SOURCE_SUFFIXES = {".py", ".sql"}
_MARKER = ".vercel/crms-bundle"
_LOCAL_ONLY = {"app/__main__.py"}  # `python -m app serve`: development only


def bundle_dir(stack: str) -> str:
    """Where `make build STACK=<stack>` writes and builds the bundle (relative to the project)."""
    return f"build/ops-{stack}"


def vercel_json(settings: StackSettings) -> dict[str, Any]:
    compute = settings.compute
    return {
        "$schema": "https://openapi.vercel.sh/vercel.json",
        "functions": {
            FUNCTION_GLOB: {
                "memory": compute.function_memory_mb,
                "maxDuration": compute.function_max_duration_seconds,
            }
        },
        "regions": list(compute.function_regions),
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


def write_bundle(settings: StackSettings, out: Path, repo: Path = REPO) -> dict[str, bytes]:
    """Write the bundle to `out`, replacing an earlier bundle there (and nothing else)."""
    if out.exists():
        if any(out.iterdir()) and not (out / _MARKER).exists():
            raise FileExistsError(f"{out} is not empty and holds no bundle: refusing to replace it")
        shutil.rmtree(out)
    files = bundle_files(settings, repo)
    for relative, content in files.items():
        target = out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    (out / _MARKER).write_text(digest(files) + "\n")
    return files


def _json(value: dict[str, Any]) -> bytes:
    return (json.dumps(value, indent=2, sort_keys=True) + "\n").encode()
