"""The prod build as Vercel gets it: its size, its cold start, and what reading it costs a plan.

Needs `make build STACK=prod` first (build/ops-prod).
- Deployed size: the Deployment's `files` as the provider reads them
  (crms_infra/bundle/output_tree.py), files and MiB per function and in all. Targets: at most
  3,500 files and 60 MiB in all.
- Cold import: from starting a fresh Python 3.12 to the function's `app` object ready, the
  entrypoint loaded as Vercel's handler loads it (@vercel/python vc_init.py: `_vendor` as a
  site dir, then the entrypoint from its file), without writing bytecode (Vercel's file system
  is read-only, and the pinned builder ships none: every cold start compiles the sources).
- Plan cost of a build: `crms-infra plan prod --format json` in a copy of the project without
  a build, and with the build linked in; target: at most 1.2 times.
Run with `make bench`.
"""

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from crms_infra.bundle.output_tree import output_files
from crms_infra.bundle.vercel_build import FUNCTION_DIR
from stacks.bundle import bundle_dir
from tests.helpers import python_312_bin

REPO = Path(__file__).resolve().parent.parent
BUILD = REPO / bundle_dir("prod")
RUNS = 5
TARGET_FILES = 3_500
TARGET_MIB = 60
TARGET_PLAN_RATIO = 1.2
COLD_IMPORT = """
import time
started = float({started!r})
import importlib.util, site, sys
site.addsitedir('_vendor')
sys.path.insert(0, '.')
spec = importlib.util.spec_from_file_location('api.index', 'api/index.py')
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
module.app
print(time.time() - started)
"""


def deployed_size() -> None:
    files = output_files(BUILD)
    per_function: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for file in files:
        figures = per_function[file.function or "(not in a function)"]
        figures[0] += 1
        figures[1] += file.size
    for function, (count, size) in sorted(per_function.items()):
        print(f"  {function:<24}{count:>6,} files {size / 2**20:8.1f} MiB")
    total = sum(file.size for file in files) / 2**20
    met = len(files) <= TARGET_FILES and total <= TARGET_MIB
    print(
        f"  deployed (prod, in all){len(files):>7,} files {total:8.1f} MiB  "
        f"(target {TARGET_FILES:,} files, {TARGET_MIB} MiB: {'met' if met else 'MISSED'})"
    )


def cold_import() -> None:
    python = python_312_bin()
    if python is None:
        print("  cold import: no Python 3.12 found (python3.12 on PATH, or a pyenv install)")
        return
    samples = []
    for _ in range(RUNS):
        script = COLD_IMPORT.format(started=repr(time.time()))
        result = subprocess.run(
            [str(python / "python3.12"), "-I", "-B", "-c", script],
            cwd=BUILD / ".vercel" / "output" / FUNCTION_DIR,
            capture_output=True,
            text=True,
            check=True,
        )
        samples.append(float(result.stdout))
    print(
        f"  cold import of the entrypoint (fresh Python 3.12 to app ready): median "
        f"{statistics.median(samples) * 1000:.0f} ms, {min(samples) * 1000:.0f} to "
        f"{max(samples) * 1000:.0f} ms over {RUNS} runs"
    )


def plan_seconds(project: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [str(Path(sys.executable).parent / "crms-infra"), "plan", "prod", "--format", "json"],
        cwd=project,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def plan_ratio() -> None:
    """The two projects' plans in turn, and the ratio pair by pair: a ratio of two medians
    taken minutes apart would measure the machine's load as much as the build."""
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.split("\0")
    with tempfile.TemporaryDirectory() as temporary:
        without, with_build = Path(temporary) / "without", Path(temporary) / "with"
        for project in (without, with_build):
            for name in filter(None, tracked):
                (project / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(REPO / name, project / name)
        # Hard links: the same files with the same mtimes, so the build's digests still hold.
        shutil.copytree(BUILD, with_build / bundle_dir("prod"), copy_function=os.link)
        plan_seconds(without), plan_seconds(with_build)  # warm the disk cache for both
        pairs = [(plan_seconds(without), plan_seconds(with_build)) for _ in range(RUNS)]
    ratio = statistics.median(built / bare for bare, built in pairs)
    verdict = "met" if ratio <= TARGET_PLAN_RATIO else "MISSED"
    print(
        f"  crms-infra plan prod: {statistics.median(p[0] for p in pairs):.2f} s without a build,"
        f" {statistics.median(p[1] for p in pairs):.2f} s with it (median of {RUNS} pairs): "
        f"ratio {ratio:.2f} (target {TARGET_PLAN_RATIO}: {verdict})"
    )


def main() -> int:
    if not (BUILD / ".vercel" / "output" / FUNCTION_DIR).is_dir():
        print(f"{BUILD.relative_to(REPO)}: no build; run `make build STACK=prod` first")
        return 0
    print(f"{BUILD.relative_to(REPO)}:")
    deployed_size()
    cold_import()
    plan_ratio()
    return 0


if __name__ == "__main__":
    sys.exit(main())
