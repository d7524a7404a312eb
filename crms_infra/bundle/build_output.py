"""What `make build` does to the output `vercel build` wrote before it deploys it.

- materialize_functions: the CLI lists a function's files in its `.vc-config.json`
  `filePathMap` (keys inside the function, values on disk relative to the project: cli
  src/util/build/write-build-result.ts, filesWithoutFsRefs), but the Vercel provider's
  prebuilt-project data source stats each *key* relative to the project instead
  (vercel/terraform-provider-vercel, vercel/data_source_prebuilt_project.go,
  processVCConfigFile): `_vendor/...` is not there, and every real preview would fail. So
  each listed file goes into its function's `.func` directory, where the Build Output API
  keeps a function's files anyway, and the map is dropped.
- prune_function: the function keeps only what it loads at run time.
- drop_per_run_files: two builds of the same sources give the same files, byte for byte.
"""

import json
import os
import shutil
from collections.abc import Collection
from pathlib import Path

from stacks.bundle import REPO

VERCEL_COMMAND = ["vercel", "build", "--prod", "--yes"]
_DIST_INFO_KEPT = ("METADATA", "entry_points.txt", "LICENSE", "NOTICE", "licenses")
"""importlib.metadata reads METADATA for a version (redis, pydantic and psycopg ask at
import) and entry_points.txt for plugins (pydantic's plugin loader); the licence texts
travel with every copy of a package. The rest of a `.dist-info` is the installer's."""


class OutputError(Exception):
    """The CLI's output holds something the build must not deploy."""


def materialize_functions(out: Path) -> None:
    """Put every file a function's filePathMap lists into its `.func` directory; drop the map."""
    output = out / ".vercel" / "output"
    for config_file in sorted((output / "functions").rglob(".vc-config.json")):
        function_dir = config_file.parent
        config = json.loads(config_file.read_text())
        for inside, on_disk in sorted((config.pop("filePathMap", None) or {}).items()):
            target = (function_dir / inside).resolve()
            if not target.is_relative_to(function_dir.resolve()):
                raise OutputError(f"{config_file}: filePathMap entry {inside!r} is outside it")
            target.parent.mkdir(parents=True, exist_ok=True)
            # A hard link: no second copy of the dependencies on disk.
            os.link(out / on_disk, target, follow_symlinks=False)
        config_file.write_text(json.dumps(config, indent=2) + "\n")
    # The CLI's deduplicated copies, now inside each function; nothing refers to them.
    shutil.rmtree(output / "shared", ignore_errors=True)


def prune_function(function_dir: Path, aws_services: Collection[str]) -> None:
    """Remove from a function what it never loads: the installers' console scripts
    (`_vendor/bin/`), bytecode of the build host if any (the builder passes --no-compile),
    type stubs, vendored packages' own test suites, the `.dist-info` files imports do not
    read (_DIST_INFO_KEPT), and botocore's models of every AWS service not in
    `aws_services` (each service's models sit in botocore/data/<service>/, read when a
    client of it is made)."""
    vendor = function_dir / "_vendor"
    shutil.rmtree(vendor / "bin", ignore_errors=True)
    models = vendor / "botocore" / "data"
    if models.is_dir():
        for service in models.iterdir():
            if service.is_dir() and service.name not in aws_services:
                shutil.rmtree(service)
    for path in sorted(function_dir.rglob("*"), reverse=True):  # children before parents
        if not path.exists():
            continue
        if path.is_dir() and (
            path.name == "__pycache__" or (path.name == "tests" and path.is_relative_to(vendor))
        ):
            shutil.rmtree(path)
        elif path.suffix in (".pyc", ".pyi") or path.name == "py.typed":
            path.unlink()
        elif path.parent.name.endswith(".dist-info") and not path.name.startswith(_DIST_INFO_KEPT):
            _remove(path)


def drop_per_run_files(out: Path) -> None:
    """Leave out, or make the same, what the CLI writes differently on every run or host."""
    output = out / ".vercel" / "output"
    # diagnostics/cli_traces.json is the CLI's trace of this run (its reporter's events with
    # their timestamps, written in `vercel build`'s finally block: cli
    # src/commands/build/index.ts), so it differs on every build. It is not part of the
    # Build Output API (https://vercel.com/docs/build-output-api: config.json, static/,
    # functions/), and neither Vercel nor the provider reads it.
    shutil.rmtree(output / "diagnostics", ignore_errors=True)
    # builds.json is "not part of the Build Output API" (its own `//` line); of it the
    # provider reads only `target` and the builds' `error`s (validatePrebuiltOutput in
    # vercel/data_source_prebuilt_project.go). Its `argv` and each `requirePath` name this
    # host's node and checkout: the same build from another checkout would differ.
    builds_file = output / "builds.json"
    builds = json.loads(builds_file.read_text())
    builds["argv"] = VERCEL_COMMAND
    for entry in builds.get("builds", []):
        if os.path.isabs(entry.get("requirePath", "")):  # empty for the CLI's own builders
            entry["requirePath"] = os.path.relpath(entry["requirePath"], REPO)
    builds_file.write_text(json.dumps(builds, indent=2) + "\n")


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()
