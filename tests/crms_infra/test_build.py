"""`make build` with Vercel's real CLI: one function within Vercel's limits, nothing served but
the app's paths, the same files from two builds of the same sources, and a build the offline
plan reads."""

import hashlib
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from app import paths
from app.aws import SERVICES
from crms_infra import cli
from crms_infra.bundle.vercel_build import FUNCTION_DIR, foreign_wheels
from crms_infra.bundle.vercel_limits import check_output
from crms_infra.offline import mocks
from stacks import bundle
from stacks.bundle import BUILD_RECORD, bundle_files, check_build, digest
from tests.conftest import REPO
from tests.helpers import load, paths_the_function_serves, python_312_bin, python_312_first

VERCEL = REPO / "node_modules" / ".bin" / "vercel"
pytestmark = pytest.mark.skipif(
    not VERCEL.exists() or python_312_bin() is None,
    reason="Vercel's CLI (`make setup`) and Python 3.12 with pip",
)
TARGET_FILES = 3_500
TARGET_MIB = 60
PRIVATE = [
    "/app/config.py", "/migrations/001_initial_schema.sql", "/requirements.txt",
    "/api/_lib/app/routes/config.py", "/api/requirements.txt", "/vercel.json",
    "/.vercel/project.json",
]  # fmt: skip
"""The files the five-function build served, and where the bundle keeps its files now."""


def built(stack: str, out: Path) -> None:
    with python_312_first():
        assert cli.main(["build", stack, "--out", str(out)]) == 0


def hashed(out: Path) -> dict[str, str]:
    """The output's files by their path in it, as "size~sha1" (the provider's form)."""
    output = out / ".vercel" / "output"
    return {
        path.relative_to(output).as_posix(): (
            f"{path.stat().st_size}~{hashlib.sha1(path.read_bytes()).hexdigest()}"  # noqa: S324
        )
        for path in sorted(output.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def prod_build(
    ops_build: Callable[[str], Path], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, dict[str, str]]:
    """prod built twice in one directory, as `make build` rebuilds build/ops-prod: the
    directory, and the files of the first build (the run's, which other tests read while
    this one rebuilds, so the rebuild is made over a copy of it)."""
    out = tmp_path_factory.mktemp("rebuilt") / "ops-prod"
    shutil.copytree(ops_build("prod"), out, symlinks=True)
    first = hashed(out)
    built("prod", out)
    return out, first


def test_two_builds_of_the_same_sources_give_the_same_files(
    prod_build: tuple[Path, dict[str, str]],
) -> None:
    out, first = prod_build
    assert hashed(out) == first
    # What the plan shows as the Deployment's `files`: the same, so no change to deploy.
    read = mocks.prebuilt_project(str(out))["output"]
    prefix = f"{out.as_posix()}/.vercel/output/"
    assert {path.removeprefix(prefix): value for path, value in read.items()} == first


def test_prod_is_one_function_within_vercel_s_limits(
    prod_build: tuple[Path, dict[str, str]],
) -> None:
    out, files = prod_build
    output = out / ".vercel" / "output"
    # The file Vercel's CLI wrote; the provider refuses a production Deployment otherwise.
    assert json.loads((output / "builds.json").read_text())["target"] == "production"
    configs = sorted(output.rglob(".vc-config.json"))
    assert configs == [output / FUNCTION_DIR / ".vc-config.json"]
    function = json.loads(configs[0].read_text())
    assert function["runtime"] == "python3.12"
    assert function["maxDuration"] == 60
    assert "memory" not in function  # Fluid compute: the project's CPU class decides
    assert "filePathMap" not in function  # every file inside the function
    native = [p.name for p in (output / FUNCTION_DIR).rglob("*.so")]
    assert native
    assert all("cpython-312-x86_64-linux-gnu" in name for name in native), native
    assert check_output(output) == []
    size = sum(p.stat().st_size for p in output.rglob("*") if p.is_file())
    assert len(files) <= TARGET_FILES
    assert size <= TARGET_MIB * 2**20
    assert not (output / "diagnostics").exists()
    record = json.loads((out / BUILD_RECORD).read_text())
    assert record["sourceSha256"] == digest(bundle_files(load("prod")))
    check_build(out, record["sourceSha256"], "prod")  # the program accepts it


def test_the_function_ships_only_what_it_loads(prod_build: tuple[Path, dict[str, str]]) -> None:
    out, files = prod_build
    vendor = f"{FUNCTION_DIR}/_vendor/"
    shipped = [path.removeprefix(vendor) for path in files if path.startswith(vendor)]
    assert shipped
    assert not [p for p in shipped if p.startswith("bin/") or "/tests/" in p]
    assert not [p for p in shipped if p.endswith((".pyc", ".pyi", "py.typed"))]
    dist_info = {p.split("/")[1] for p in shipped if p.split("/")[0].endswith(".dist-info")}
    assert dist_info <= {"METADATA", "entry_points.txt", "LICENSE", "LICENSE.txt", "licenses",
                         "LICENSE.md", "LICENSE.rst", "NOTICE", "NOTICE.txt"}  # fmt: skip
    models = {p.split("/")[2] for p in shipped if re.match(r"botocore/data/[^/]+/", p)}
    assert models == SERVICES
    app_modules = {p.rsplit("/", 1)[1] for p in files if "/api/_lib/app/" in p}
    assert "web.py" in app_modules
    assert not app_modules & {"migrate.py", "migration_set.py", "__main__.py"}
    assert not [p for p in files if p.endswith(".sql")]
    assert foreign_wheels(out / ".vercel" / "python") == []  # what the builder installed


def test_nothing_but_the_app_s_paths_is_served(prod_build: tuple[Path, dict[str, str]]) -> None:
    output = prod_build[0] / ".vercel" / "output"
    routes = json.loads((output / "config.json").read_text())["routes"]

    def served(path: str) -> list[str]:
        """What the output could answer `path` with: a static file or a function at the path
        itself (the filesystem check), or at the `dest` of any route whose `src` matches it,
        its captures filled in (https://vercel.com/docs/build-output-api/configuration)."""
        candidates = [path]
        for route in routes:
            match = re.match(route["src"], path) if "src" in route else None
            if match and "dest" in route:
                candidates.append(match.expand(re.sub(r"\$(\d)", r"\\\1", route["dest"])))
        return [
            candidate
            for candidate in candidates
            if (output / "static" / candidate.lstrip("/")).is_file()
            or (output / "functions" / f"{candidate.lstrip('/')}.func").is_dir()
        ]

    assert not (output / "static").exists()
    for path in paths.ALL:  # the function serves each of the app's paths, as callers ask them
        assert served(path) == [bundle.FUNCTION_PATH], path
    for path in PRIVATE:
        assert served(path) == [], path
    crons = json.loads(bundle_files(load("prod"))["vercel.json"])["crons"]
    assert json.loads((output / "config.json").read_text())["crons"] == crons


def test_the_function_starts_the_app_from_its_own_files(
    prod_build: tuple[Path, dict[str, str]],
) -> None:
    """By Python 3.12, from the built function alone, with a client of each AWS service the
    app uses from the pruned botocore."""
    python_bin = python_312_bin()
    assert python_bin is not None
    clients = (
        "import boto3\n"
        f"for service in {sorted(SERVICES)}:\n"
        "    boto3.client(service, region_name='eu-central-2', aws_access_key_id='a',\n"
        "                 aws_secret_access_key='b')"
    )
    function_dir = prod_build[0] / ".vercel" / "output" / FUNCTION_DIR
    served = paths_the_function_serves(python_bin / "python3.12", function_dir, clients)
    assert served == sorted(paths.ALL)


def test_the_plan_reads_the_build(
    prod_build: tuple[Path, dict[str, str]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out, files = prod_build
    monkeypatch.setattr(bundle, "bundle_dir", lambda stack: str(out.parent / f"ops-{stack}"))
    assert cli.main(["plan", "prod", "--format", "json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    (deployment,) = [
        r for r in plan["resources"] if r["type"] == "vercel:index/deployment:Deployment"
    ]
    assert len(deployment["inputs"]["files"]) == len(files)
    assert deployment["inputs"]["meta"] == {"bundleSha256": digest(bundle_files(load("prod")))}


def test_dev_builds_with_dev_s_limits(tmp_path: Path) -> None:
    out = tmp_path / "ops-dev"
    built("dev", out)
    config = json.loads((out / ".vercel" / "output" / FUNCTION_DIR / ".vc-config.json").read_text())
    assert config["maxDuration"] == 15  # ours: the seed sets none for dev
    assert check_output(out / ".vercel" / "output") == []
