"""`make build STACK=...`: the ops app's bundle built by Vercel's own CLI, for production,
for Linux x86_64 and Python 3.12 on any host, checked, and recorded with its source digest.

How the pinned builder behaves (npm `vercel` 48.10.0 with `@vercel/python` 6.0.4; sources in
vercel/vercel at tag @vercel/python@6.0.4, packages/python/src):
- version.ts: the runtime is the newest python3.X that has both `python3.X` and `pip3.X`
  on PATH; a declared version that is not installed is ignored with a warning. So a host
  without Python 3.12 would silently build for 3.11: we refuse such a host instead.
- install.ts: dependencies are installed by `uv pip install --target ... -r
  requirements.txt` (uv from PATH, pip if uv fails), for whatever interpreter and platform
  uv finds. It has no switch for another platform, and it always installs (only `vercel
  dev` skips), so pre-installing wheels ourselves would be overwritten or duplicated.
  Instead we steer its installer: UV_CONFIG_FILE points uv at a `[pip]` config with
  `python-platform`/`python-version`/`only-binary` (uv's settings reference), UV_PYTHON
  picks the 3.12 interpreter, and PIP_PLATFORM / PIP_PYTHON_VERSION / PIP_ONLY_BINARY do
  the same for the pip fallback (pip reads every option from PIP_<NAME>).
- cli src/commands/build/index.ts and util/parse-target.ts: `--prod` sets `target` to
  `production` in .vercel/output/builds.json; the provider refuses a production
  Deployment of a build with another target (validatePrebuiltBuilds,
  vercel/terraform-provider-vercel vercel/resource_deployment.go).
- The CLI lists a function's files in its `.vc-config.json` `filePathMap`: keys are paths
  inside the function, values paths on disk relative to the project (cli src/util/build/
  write-build-result.ts, filesWithoutFsRefs). The Vercel provider's prebuilt-project data
  source stats each *key* relative to the project instead (vercel/terraform-provider-vercel
  vercel/data_source_prebuilt_project.go, processVCConfigFile): `_vendor/...` is not there,
  and every real preview would fail. So each listed file is put into its function's `.func`
  directory, where the Build Output API v3 keeps a function's files anyway, and the map is
  dropped (`materialize_functions`).
- `.vercel/project.json` with `settings` lets `vercel build --yes` run without logging in.
Then every function's `.vc-config.json` and every vendored wheel is checked, and only a
build that passes gets BUILD_RECORD, which the program requires (stacks.bundle.check_build).
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from crms_infra.bundle_writer import write_bundle
from stacks.bundle import BUILD_RECORD, PYTHON_VERSION, REPO, digest
from stacks.bundle import stack_function_limits as limits_of
from stacks.settings import StackSettings

VERCEL_CLI = REPO / "node_modules" / ".bin" / "vercel"
MANYLINUX = "manylinux2014_x86_64"  # glibc 2.17: below every runtime image Vercel runs
UV_PLATFORM = "x86_64-manylinux2014"  # the same, in uv's spelling
_UV_CONFIG = ".vercel/uv-vercel.toml"  # under .vercel/: the builder never ships that folder
_TIMEOUT_SECONDS = 900


class BuildError(Exception):
    """The build cannot run on this host, failed, or gave an output we must not deploy."""


def build(settings: StackSettings, out: Path) -> str:
    """Write the bundle to `out`, build it, check it, record it; return the source digest."""
    runtime = f"python{PYTHON_VERSION}"
    missing = [tool for tool in (runtime, f"pip{PYTHON_VERSION}") if shutil.which(tool) is None]
    if missing:
        raise BuildError(
            f"{' and '.join(missing)} not found on PATH: the Vercel builder would silently "
            f"build for another Python. Install Python {PYTHON_VERSION} (with pip) and retry."
        )
    if not VERCEL_CLI.exists():
        raise BuildError(f"{VERCEL_CLI.relative_to(REPO)} is missing: run `make setup`")
    files = write_bundle(settings, out)
    (out / _UV_CONFIG).write_text(
        "[pip]\n"
        f'python-platform = "{UV_PLATFORM}"\n'
        f'python-version = "{PYTHON_VERSION}"\n'
        'only-binary = [":all:"]\n'
    )
    try:
        result = subprocess.run(  # noqa: S603  # our pinned CLI, fixed arguments
            [str(VERCEL_CLI), "build", "--prod", "--yes"],
            cwd=out,
            env=_environment(out),
            capture_output=True,
            text=True,
            timeout=_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise BuildError(f"`vercel build` took over {_TIMEOUT_SECONDS} s") from None
    if result.returncode != 0:
        raise BuildError(f"`vercel build` failed:\n{result.stderr[-3000:]}")
    materialize_functions(out)
    check_output(settings, out)
    source_digest = digest(files)
    record = {"sourceSha256": source_digest, "target": "production", "runtime": runtime}
    (out / BUILD_RECORD).write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")
    return source_digest


def _environment(out: Path) -> dict[str, str]:
    environment = dict(os.environ)
    # The project's own uv (pinned, in .venv) first; the builder looks for `uv` on PATH.
    environment["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{environment['PATH']}"
    environment.update(
        {
            "VERCEL_TELEMETRY_DISABLED": "1",
            "UV_CONFIG_FILE": str(out / _UV_CONFIG),
            "UV_PYTHON": f"python{PYTHON_VERSION}",
            "PIP_PLATFORM": MANYLINUX,
            "PIP_PYTHON_VERSION": PYTHON_VERSION,
            "PIP_ONLY_BINARY": ":all:",
        }
    )
    return environment


def materialize_functions(out: Path) -> None:
    """Put every file a function's filePathMap lists into its `.func` directory; drop the map."""
    output = out / ".vercel" / "output"
    for config_file in sorted((output / "functions").rglob(".vc-config.json")):
        function_dir = config_file.parent
        config = json.loads(config_file.read_text())
        for inside, on_disk in sorted((config.pop("filePathMap", None) or {}).items()):
            target = (function_dir / inside).resolve()
            if not target.is_relative_to(function_dir.resolve()):
                raise BuildError(f"{config_file}: filePathMap entry {inside!r} leaves the function")
            target.parent.mkdir(parents=True, exist_ok=True)
            # A hard link: five functions share one set of dependencies on disk.
            os.link(out / on_disk, target, follow_symlinks=False)
        config_file.write_text(json.dumps(config, indent=2) + "\n")
    # The CLI's deduplicated copies, now inside each function; nothing refers to them.
    shutil.rmtree(output / "shared", ignore_errors=True)


def check_output(settings: StackSettings, out: Path) -> None:
    """Refuse an output Vercel would run differently from what the stack says."""
    output = out / ".vercel" / "output"
    builds = json.loads((output / "builds.json").read_text())
    if builds.get("target") != "production":
        raise BuildError(f"builds.json says target {builds.get('target')!r}, not 'production'")
    limits = limits_of(settings)
    configs = sorted((output / "functions").rglob(".vc-config.json"))
    if not configs:
        raise BuildError("the build holds no function")
    for config_file in configs:
        function = json.loads(config_file.read_text())
        name = config_file.parent.relative_to(output / "functions").as_posix()
        expected = {
            "runtime": f"python{PYTHON_VERSION}",
            "architecture": "x86_64",
            "maxDuration": limits.max_duration_seconds,
            "memory": limits.memory_mb if limits.memory_in_vercel_json else None,
        }
        for key, value in expected.items():
            if function.get(key) != value:
                raise BuildError(f"{name}: {key} is {function.get(key)!r}, expected {value!r}")
        if function.get("filePathMap"):
            raise BuildError(
                f"{name}: .vc-config.json lists files by filePathMap, which the Vercel "
                "provider cannot read (see materialize_functions)"
            )
        for problem in foreign_wheels(config_file.parent):
            raise BuildError(f"{name}: {problem}")


def foreign_wheels(function_dir: Path) -> list[str]:
    """Vendored wheels of a function that would not load on Vercel (CPython 3.12, x86_64)."""
    problems = []
    for wheel in sorted(function_dir.rglob("*.dist-info/WHEEL")):
        tags = [
            line.removeprefix("Tag:").strip()
            for line in wheel.read_text().splitlines()
            if line.startswith("Tag:")
        ]
        if not any(_loads_on_vercel(tag) for tag in tags):
            problems.append(f"{wheel.parent.name} is built for {', '.join(tags)}")
    return problems


def _loads_on_vercel(tag: str) -> bool:
    """A wheel tag (PEP 425) CPython 3.12 on manylinux x86_64 can load."""
    python, abi, platform = tag.split("-")
    if platform == "any":
        return True
    ours = "cp" + PYTHON_VERSION.replace(".", "")
    platform_ok = platform.startswith("manylinux") and platform.endswith("_x86_64")
    # abi3 wheels built for CPython 3.N load on every later 3.x.
    stable_abi = abi == "abi3" and python.startswith("cp3") and int(python[3:]) <= int(ours[3:])
    return platform_ok and (abi == ours or stable_abi or abi == "none")
