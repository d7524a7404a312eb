"""Wall time of `crms-infra preflight prod` beside `crms-infra plan prod`, without a build
and with one (`make build STACK=prod`, in a copy of the project, built once here: about
half a minute). Every rule runs in each case; the committed stack file has no secrets, so
preflight exits 1 on them, which is not what is timed. Run with `make bench`.
"""

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CLI = str(Path(sys.executable).parent / "crms-infra")
RUNS = 5
PROJECT_FILES = ("__main__.py", "Pulumi.yaml", "Pulumi.prod.yaml")
PROJECT_DIRS = ("policies", "components", "app")


def median_seconds(*args: str) -> float:
    samples = []
    for _ in range(RUNS):
        started = time.perf_counter()
        subprocess.run([CLI, *args], cwd=REPO, capture_output=True, check=False)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def built_project(root: Path) -> Path:
    """A copy of the project whose build/ops-prod holds a production build."""
    project = root / "project"
    project.mkdir()
    for name in PROJECT_FILES:
        shutil.copy(REPO / name, project / name)
    for name in PROJECT_DIRS:
        (project / name).symlink_to(REPO / name)
    build = [CLI, "build", "prod", "--out", str(project / "build" / "ops-prod")]
    subprocess.run(build, check=True, capture_output=True)
    return project


def main() -> int:
    print(f"median of {RUNS} runs each")
    rows = {
        "plan prod, no build": median_seconds("plan", "prod", "--format", "json"),
        "preflight prod, no build": median_seconds("preflight", "prod"),
    }
    with tempfile.TemporaryDirectory() as root:
        project = str(built_project(Path(root)))
        rows["plan prod, built"] = median_seconds(
            "plan", "prod", "--format", "json", "--project-dir", project
        )
        rows["preflight prod, built"] = median_seconds(
            "preflight", "prod", "--project-dir", project
        )
        files = sum(1 for p in Path(project, "build").rglob("*") if p.is_file())
    for name, seconds in rows.items():
        print(f"crms-infra {name:<28}{seconds:8.2f} s")
    print(f"the build holds {files:,} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
