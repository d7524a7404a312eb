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
- `.vercel/project.json` with `settings` lets `vercel build --yes` run without logging in.
Then the output is made deployable (crms_infra/bundle/build_output.py: each function's files inside
its `.func`, nothing the function does not load, nothing that differs from run to run),
checked (the one function's `.vc-config.json`, every vendored wheel, no static file, Vercel's
limits: crms_infra/bundle/vercel_limits.py), and only a build that passes gets BUILD_RECORD, which
the program requires (stacks.bundle.check_build), and the digests the plan reads it by
(crms_infra/bundle/output_tree.py).
"""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from app.aws import SERVICES
from crms_infra.bundle.build_output import (
    VERCEL_COMMAND,
    OutputError,
    drop_per_run_files,
    materialize_functions,
    prune_function,
)
from crms_infra.bundle.output_tree import write_digest_cache
from crms_infra.bundle.vercel_limits import check_output
from crms_infra.bundle.writer import write_bundle
from stacks.bundle import BUILD_RECORD, FUNCTION, PYTHON_VERSION, REPO, digest
from stacks.bundle import stack_function_limits as limits_of
from stacks.settings import StackSettings

VERCEL_CLI = REPO / "node_modules" / ".bin" / "vercel"
MANYLINUX = "manylinux2014_x86_64"  # glibc 2.17: below every runtime image Vercel runs
UV_PLATFORM = "x86_64-manylinux2014"  # the same, in uv's spelling
RUNTIME = f"python{PYTHON_VERSION}"
FUNCTION_DIR = f"functions/{FUNCTION.removesuffix('.py')}.func"
"""The one function in `.vercel/output`."""
_UV_CONFIG = ".vercel/uv-vercel.toml"  # under .vercel/: the builder never ships that folder
_TIMEOUT_SECONDS = 900


class BuildError(Exception):
    """The build cannot run on this host, failed, or gave an output we must not deploy."""


def build(settings: StackSettings, out: Path) -> str:
    """Write the bundle to `out`, build it, check it, record it; return the source digest."""
    python_dir = check_interpreter()
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
            [str(VERCEL_CLI), *VERCEL_COMMAND[1:]],
            cwd=out,
            env=_environment(out, python_dir),
            capture_output=True,
            text=True,
            timeout=_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise BuildError(f"`vercel build` took over {_TIMEOUT_SECONDS} s") from None
    if result.returncode != 0:
        raise BuildError(f"`vercel build` failed:\n{result.stderr[-3000:]}")
    try:
        materialize_functions(out)
    except OutputError as error:
        raise BuildError(str(error)) from None
    verify_output(settings, out)
    # After the wheels' check, which reads their WHEEL files.
    prune_function(out / ".vercel" / "output" / FUNCTION_DIR, SERVICES)
    drop_per_run_files(out)
    findings = check_output(out / ".vercel" / "output")
    if findings:
        raise BuildError(" ".join(findings))
    write_digest_cache(out)
    source_digest = digest(files)
    record = {"sourceSha256": source_digest, "target": "production", "runtime": RUNTIME}
    (out / BUILD_RECORD).write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")
    return source_digest


def check_interpreter() -> Path:
    """The directory of a python3.12 that runs Python 3.12, with pip3.12 beside it: the one on
    PATH, else the newest under pyenv (`$PYENV_ROOT/versions/3.12*`, whose shim on PATH
    answers "command not found" unless that version is selected). The build puts it first
    on PATH. Refuses a host with neither, saying what PATH's python3.12 did.

    The pinned builder takes the newest python3.X that has both `python3.X` and `pip3.X` on
    PATH by looking them up, without running them (@vercel/python 6.0.4, src/version.ts), so
    a shim that is not a Python 3.12 passes its test, and the build silently uses another.
    """
    on_path = shutil.which(RUNTIME)
    refusal = _interpreter_refusal(Path(on_path).parent, pip_on_path=True) if on_path else None
    if on_path and refusal is None:
        return Path(on_path).parent
    pyenv_root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    for directory in sorted(pyenv_root.glob(f"versions/{PYTHON_VERSION}*/bin"), reverse=True):
        if _interpreter_refusal(directory) is None:
            return directory
    fix = f"Install Python {PYTHON_VERSION} with pip, so that `{RUNTIME}` runs it, and retry."
    raise BuildError(f"{refusal or f'{RUNTIME} is not on PATH'}: {fix}")


def _interpreter_refusal(directory: Path, pip_on_path: bool = False) -> str | None:
    """Why `directory`'s python3.12 is not a Python 3.12 with pip3.12 (beside it, or with
    `pip_on_path` anywhere on PATH), or None."""
    try:
        result = subprocess.run(  # noqa: S603  # a fixed command
            [directory / RUNTIME, "--version"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"`{RUNTIME} --version` did not run ({error})"
    printed = (result.stdout + result.stderr).strip()
    if result.returncode != 0 or not re.fullmatch(
        rf"Python {re.escape(PYTHON_VERSION)}\.\d+\S*", printed
    ):
        shown = printed.splitlines()[0][:120] if printed else "nothing"
        return (
            f"`{RUNTIME} --version` printed {shown!r} (exit status {result.returncode}), "
            f"not Python {PYTHON_VERSION}: the Vercel builder would take it for Python "
            f"{PYTHON_VERSION} and build with another"
        )
    pip = f"pip{PYTHON_VERSION}"
    if not ((directory / pip).exists() or (pip_on_path and shutil.which(pip))):
        return f"pip{PYTHON_VERSION} is not on PATH"
    return None


def _environment(out: Path, python_dir: Path) -> dict[str, str]:
    environment = dict(os.environ)
    # The project's own uv (pinned, in .venv) first, the builder looks for `uv` on PATH; then
    # the Python 3.12 found, which the builder looks for there too.
    first = f"{Path(sys.executable).parent}{os.pathsep}{python_dir}"
    environment["PATH"] = f"{first}{os.pathsep}{environment['PATH']}"
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


def verify_output(settings: StackSettings, out: Path) -> None:
    """Refuse an output that is not the one function the stack says, or that serves files."""
    output = out / ".vercel" / "output"
    builds = json.loads((output / "builds.json").read_text())
    if builds.get("target") != "production":
        raise BuildError(f"builds.json says target {builds.get('target')!r}, not 'production'")
    static = sorted(
        p.relative_to(output).as_posix() for p in output.glob("static/**/*") if not p.is_dir()
    )
    if static:
        raise BuildError(
            f"the output would serve {len(static)} static files ({', '.join(static[:3])}"
            f"{', ...' if len(static) > 3 else ''}): the bundle's files belong under api/ "
            "(stacks/bundle.py)"
        )
    functions = sorted(
        config.parent.relative_to(output).as_posix()
        for config in (output / "functions").rglob(".vc-config.json")
    )
    if functions != [FUNCTION_DIR]:
        raise BuildError(f"the build holds the functions {functions}, not just {FUNCTION_DIR}")
    function = json.loads((output / FUNCTION_DIR / ".vc-config.json").read_text())
    limits = limits_of(settings)
    expected = {
        "runtime": RUNTIME,
        "architecture": "x86_64",
        "maxDuration": limits.max_duration_seconds,
        "memory": limits.memory_mb if limits.memory_in_vercel_json else None,
    }
    for key, value in expected.items():
        if function.get(key) != value:
            raise BuildError(f"{FUNCTION_DIR}: {key} is {function.get(key)!r}, expected {value!r}")
    if function.get("filePathMap"):
        raise BuildError(
            f"{FUNCTION_DIR}: .vc-config.json lists files by filePathMap, which the Vercel "
            "provider cannot read (crms_infra/bundle/build_output.py, materialize_functions)"
        )
    for problem in foreign_wheels(output / FUNCTION_DIR):
        raise BuildError(f"{FUNCTION_DIR}: {problem}")


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
