"""`make build`: a production build by Vercel's own CLI, for Python 3.12 on Linux x86_64,
recorded with its source digest; the program refuses any other build."""

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from crms_infra import cli
from crms_infra.build import BuildError, build, check_output, foreign_wheels, materialize_functions
from crms_infra.offline import mocks
from crms_infra.offline.engine import record_stack
from stacks import bundle
from stacks.bundle import BUILD_RECORD, StaleBuildError, bundle_files, check_build, digest
from tests.conftest import REPO, STACKS
from tests.helpers import load

VERCEL = REPO / "node_modules" / ".bin" / "vercel"
SEED_MAX_DURATION = {"dev": 15, "staging": 30, "prod": 60}
needs_vercel_and_python_312 = pytest.mark.skipif(
    not VERCEL.exists() or shutil.which("python3.12") is None or shutil.which("pip3.12") is None,
    reason="Vercel's CLI (`make setup`) and Python 3.12 with pip",
)


@needs_vercel_and_python_312
@pytest.mark.parametrize("stack", STACKS)
def test_make_build_writes_a_production_build_for_linux_and_python_312(
    stack: str, ops_build: Callable[[str], Path]
) -> None:
    out = ops_build(stack)
    output = out / ".vercel" / "output"
    # The file Vercel's CLI wrote; the provider refuses a production Deployment otherwise.
    assert json.loads((output / "builds.json").read_text())["target"] == "production"
    configs = sorted((output / "functions").rglob(".vc-config.json"))
    assert [c.parent.name for c in configs] == [
        "backup.func", "metrics.func", "logs.func", "traces.func", "health.func",
    ]  # fmt: skip
    wheels = 0
    for config_file in configs:
        function = json.loads(config_file.read_text())
        assert function["runtime"] == "python3.12"
        assert function["maxDuration"] == SEED_MAX_DURATION[stack]
        assert "memory" not in function  # Fluid compute: the project's CPU class decides
        # Every file inside the function: nothing left for the provider to misread.
        assert "filePathMap" not in function
        assert foreign_wheels(config_file.parent) == []
        native = [p.name for p in config_file.parent.rglob("*.so")]
        assert native
        assert all("cpython-312-x86_64-linux-gnu" in name for name in native), native
        wheels += len(list(config_file.parent.rglob("*.dist-info/WHEEL")))
    assert wheels > 0
    # What the provider's data source reads, by its rules: the functions' own files.
    read = mocks.prebuilt_project(str(out))["output"]
    assert any("/health.func/_vendor/pydantic_core/" in path for path in read)
    routes = json.loads((output / "config.json").read_text())
    assert routes["crons"] == json.loads(bundle_files(load(stack))["vercel.json"])["crons"]
    record = json.loads((out / BUILD_RECORD).read_text())
    assert record["sourceSha256"] == digest(bundle_files(load(stack)))
    check_build(out, record["sourceSha256"], stack)  # the program accepts it


def test_build_refuses_a_host_without_python_312(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # nothing on it: no python3.12, no pip3.12
    with pytest.raises(BuildError, match=r"python3\.12 and pip3\.12 not found on PATH"):
        build(load("prod"), tmp_path / "out")
    assert not (tmp_path / "out").exists()


def fake_output(out: Path, target: str, wheel_tag: str, runtime: str = "python3.12") -> None:
    """What `vercel build` writes, with the given target, runtime and one vendored wheel
    (listed in filePathMap, as the CLI lists it), then materialized as the build does."""
    function_dir = out / ".vercel" / "output" / "functions" / "api" / "health.func"
    function_dir.mkdir(parents=True)
    (out / ".vercel" / "output" / "builds.json").write_text(json.dumps({"target": target}))
    wheel = ".vercel/python/py3.12/api/_vendor/pydantic_core-2.50.5.dist-info/WHEEL"
    (out / wheel).parent.mkdir(parents=True)
    (out / wheel).write_text(f"Wheel-Version: 1.0\nTag: {wheel_tag}\n")
    config = {
        "runtime": runtime,
        "architecture": "x86_64",
        "maxDuration": 60,
        "filePathMap": {"_vendor/pydantic_core-2.50.5.dist-info/WHEEL": wheel},
    }
    (function_dir / ".vc-config.json").write_text(json.dumps(config))
    materialize_functions(out)


def test_the_cli_s_file_path_map_would_fail_the_provider_and_is_materialized(
    tmp_path: Path,
) -> None:
    function_dir = tmp_path / ".vercel" / "output" / "functions" / "api" / "health.func"
    function_dir.mkdir(parents=True)
    source = tmp_path / ".vercel" / "python" / "_vendor" / "mod.py"
    source.parent.mkdir(parents=True)
    source.write_text("VALUE = 1\n")
    config = {
        "runtime": "python3.12",
        "filePathMap": {"_vendor/mod.py": ".vercel/python/_vendor/mod.py"},
    }
    (function_dir / ".vc-config.json").write_text(json.dumps(config))
    # As the CLI writes it, the provider's data source cannot read it.
    with pytest.raises(FileNotFoundError, match=r"could not stat file _vendor/mod\.py"):
        mocks.prebuilt_project(str(tmp_path))
    materialize_functions(tmp_path)
    assert "filePathMap" not in json.loads((function_dir / ".vc-config.json").read_text())
    assert (function_dir / "_vendor" / "mod.py").read_text() == "VALUE = 1\n"
    read = mocks.prebuilt_project(str(tmp_path))["output"]
    assert (function_dir / "_vendor" / "mod.py").as_posix() in read


def test_an_unmaterialized_output_is_refused(tmp_path: Path) -> None:
    fake_output(tmp_path, "production", "py3-none-any")
    config_file = next((tmp_path / ".vercel" / "output").rglob(".vc-config.json"))
    config = json.loads(config_file.read_text())
    config["filePathMap"] = {"_vendor/x.py": "x.py"}
    config_file.write_text(json.dumps(config))
    with pytest.raises(BuildError, match="filePathMap, which the Vercel provider cannot read"):
        check_output(load("prod"), tmp_path)


def test_a_preview_build_is_refused(tmp_path: Path) -> None:
    # What `vercel build --yes` (no --prod) wrote before: target preview.
    fake_output(tmp_path, "preview", "cp312-cp312-manylinux_2_17_x86_64")
    with pytest.raises(BuildError, match="target 'preview', not 'production'"):
        check_output(load("prod"), tmp_path)


@pytest.mark.parametrize(
    "tag",
    ["cp311-cp311-manylinux_2_17_x86_64", "cp312-cp312-macosx_11_0_arm64",
     "cp312-cp312-manylinux_2_17_aarch64", "cp312-cp312-win_amd64"],
)  # fmt: skip
def test_wheels_for_another_python_or_platform_are_refused(tmp_path: Path, tag: str) -> None:
    fake_output(tmp_path, "production", tag)
    expected = re.escape(f"pydantic_core-2.50.5.dist-info is built for {tag}")
    with pytest.raises(BuildError, match=expected):
        check_output(load("prod"), tmp_path)


@pytest.mark.parametrize(
    "tag", ["py3-none-any", "cp312-cp312-manylinux2014_x86_64", "cp39-abi3-manylinux_2_17_x86_64"]
)
def test_wheels_vercel_can_load_pass(tmp_path: Path, tag: str) -> None:
    fake_output(tmp_path, "production", tag)
    check_output(load("prod"), tmp_path)


def test_a_build_for_another_runtime_is_refused(tmp_path: Path) -> None:
    fake_output(tmp_path, "production", "py3-none-any", runtime="python3.11")
    with pytest.raises(BuildError, match=r"runtime is 'python3\.11', expected 'python3\.12'"):
        check_output(load("prod"), tmp_path)


def write_record(out: Path, source_digest: str, target: str = "production") -> None:
    (out / ".vercel").mkdir(parents=True, exist_ok=True)
    record = {"sourceSha256": source_digest, "target": target}
    (out / BUILD_RECORD).write_text(json.dumps(record))


def test_check_build_accepts_nothing_built_and_a_build_of_these_sources(tmp_path: Path) -> None:
    check_build(tmp_path / "absent", "a" * 64, "prod")
    write_record(tmp_path, "a" * 64)
    check_build(tmp_path, "a" * 64, "prod")


@pytest.mark.parametrize(
    ("record", "message"),
    [(None, "holds no finished build"), ("b" * 64, "was built from other sources"),
     ("preview", "is not a production build")],
)  # fmt: skip
def test_check_build_refuses(tmp_path: Path, record: str | None, message: str) -> None:
    (tmp_path / "app").mkdir()  # a bundle was written, at least
    if record == "preview":
        write_record(tmp_path, "a" * 64, target="preview")
    elif record is not None:
        write_record(tmp_path, record)
    with pytest.raises(StaleBuildError, match=message) as refused:
        check_build(tmp_path, "a" * 64, "prod")
    assert "run `make build STACK=prod`" in str(refused.value)


def test_the_program_refuses_a_build_of_other_sources(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stale = tmp_path / "ops-dev"
    (stale / "app").mkdir(parents=True)
    write_record(stale, "0" * 64)  # built from sources that are no longer there
    monkeypatch.setattr(bundle, "bundle_dir", lambda stack: str(tmp_path / f"ops-{stack}"))
    with pytest.raises(StaleBuildError, match=r"run `make build STACK=dev`"):
        record_stack(REPO, "dev")


def test_the_cli_reports_a_stale_build_plainly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stale = tmp_path / "ops-dev"
    (stale / "app").mkdir(parents=True)
    write_record(stale, "0" * 64)
    monkeypatch.setattr(bundle, "bundle_dir", lambda stack: str(tmp_path / f"ops-{stack}"))
    assert cli.main(["plan", "dev"]) == 2
    error = capsys.readouterr().err
    assert "was built from other sources" in error
    assert "make build STACK=dev" in error
    assert "Traceback" not in error
