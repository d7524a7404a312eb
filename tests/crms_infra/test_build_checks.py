"""The build's checks of what Vercel's CLI wrote, on outputs made to fail them, and the
program's refusal of a build of other sources."""

import json
import re
from pathlib import Path

import pytest

from crms_infra import cli
from crms_infra.bundle.build_output import materialize_functions
from crms_infra.bundle.vercel_build import (
    FUNCTION_DIR,
    BuildError,
    build,
    check_interpreter,
    verify_output,
)
from crms_infra.offline.engine import record_stack
from stacks import bundle
from stacks.bundle import BUILD_RECORD, StaleBuildError, check_build
from tests.conftest import REPO
from tests.helpers import load


def fake_output(out: Path, target: str, wheel_tag: str, runtime: str = "python3.12") -> None:
    """What `vercel build` writes, with the given target, runtime and one vendored wheel
    (listed in filePathMap, as the CLI lists it), then materialized as the build does."""
    function_dir = out / ".vercel" / "output" / FUNCTION_DIR
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


def test_an_unmaterialized_output_is_refused(tmp_path: Path) -> None:
    fake_output(tmp_path, "production", "py3-none-any")
    config_file = next((tmp_path / ".vercel" / "output").rglob(".vc-config.json"))
    config = json.loads(config_file.read_text())
    config["filePathMap"] = {"_vendor/x.py": "x.py"}
    config_file.write_text(json.dumps(config))
    with pytest.raises(BuildError, match="filePathMap, which the Vercel provider cannot read"):
        verify_output(load("prod"), tmp_path)


def test_a_preview_build_is_refused(tmp_path: Path) -> None:
    # What `vercel build --yes` (no --prod) wrote before: target preview.
    fake_output(tmp_path, "preview", "cp312-cp312-manylinux_2_17_x86_64")
    with pytest.raises(BuildError, match="target 'preview', not 'production'"):
        verify_output(load("prod"), tmp_path)


@pytest.mark.parametrize(
    "tag",
    ["cp311-cp311-manylinux_2_17_x86_64", "cp312-cp312-macosx_11_0_arm64",
     "cp312-cp312-manylinux_2_17_aarch64", "cp312-cp312-win_amd64"],
)  # fmt: skip
def test_wheels_for_another_python_or_platform_are_refused(tmp_path: Path, tag: str) -> None:
    fake_output(tmp_path, "production", tag)
    expected = re.escape(f"pydantic_core-2.50.5.dist-info is built for {tag}")
    with pytest.raises(BuildError, match=expected):
        verify_output(load("prod"), tmp_path)


@pytest.mark.parametrize(
    "tag", ["py3-none-any", "cp312-cp312-manylinux2014_x86_64", "cp39-abi3-manylinux_2_17_x86_64"]
)
def test_wheels_vercel_can_load_pass(tmp_path: Path, tag: str) -> None:
    fake_output(tmp_path, "production", tag)
    verify_output(load("prod"), tmp_path)


def test_a_build_for_another_runtime_is_refused(tmp_path: Path) -> None:
    fake_output(tmp_path, "production", "py3-none-any", runtime="python3.11")
    with pytest.raises(BuildError, match=r"runtime is 'python3\.11', expected 'python3\.12'"):
        verify_output(load("prod"), tmp_path)


def test_an_output_that_serves_static_files_is_refused(tmp_path: Path) -> None:
    # What the five-function bundle gave: the app's sources published by @vercel/static.
    fake_output(tmp_path, "production", "py3-none-any")
    static = tmp_path / ".vercel" / "output" / "static" / "app" / "config.py"
    static.parent.mkdir(parents=True)
    static.write_text("SECRET_NAMES = []\n")
    with pytest.raises(BuildError, match=r"would serve 1 static files \(static/app/config\.py"):
        verify_output(load("prod"), tmp_path)


def test_an_output_of_more_than_the_one_function_is_refused(tmp_path: Path) -> None:
    fake_output(tmp_path, "production", "py3-none-any")
    functions = tmp_path / ".vercel" / "output" / "functions"
    (functions / "api" / "health.func").mkdir()
    (functions / "api" / "health.func" / ".vc-config.json").write_text("{}")
    with pytest.raises(BuildError, match=r"functions/api/health\.func', 'functions/api/index"):
        verify_output(load("prod"), tmp_path)


def stub(directory: Path, name: str, script: str) -> None:
    (directory / name).write_text(f"#!/bin/sh\n{script}\n")
    (directory / name).chmod(0o755)


def test_build_refuses_a_host_without_python_312(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # nothing on it: no python3.12, no pip3.12
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path / "no-pyenv"))
    with pytest.raises(BuildError, match=r"python3\.12 is not on PATH"):
        build(load("prod"), tmp_path / "out")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("script", "printed"),
    [('echo "pyenv: python3.12: command not found" >&2; exit 127',
      "'pyenv: python3.12: command not found' (exit status 127)"),
     ('echo "Python 3.11.7"', "'Python 3.11.7' (exit status 0)"),
     ("exit 0", "'nothing' (exit status 0)")],
)  # fmt: skip
def test_build_refuses_a_python312_that_does_not_run_python_312(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, script: str, printed: str
) -> None:
    # A pyenv shim for a version that is not selected: found on PATH, but no Python 3.12.
    stub(tmp_path, "python3.12", script)
    stub(tmp_path, "pip3.12", "exit 0")
    monkeypatch.setenv("PATH", f"{tmp_path}:/usr/bin:/bin")
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path / "no-pyenv"))
    with pytest.raises(BuildError) as refused:
        build(load("prod"), tmp_path / "out")
    assert f"`python3.12 --version` printed {printed}, not Python 3.12" in str(refused.value)
    assert not (tmp_path / "out").exists()


def test_build_refuses_a_host_without_pip_312(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stub(tmp_path, "python3.12", 'echo "Python 3.12.4"')
    monkeypatch.setenv("PATH", f"{tmp_path}:/usr/bin:/bin")
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path / "no-pyenv"))
    with pytest.raises(BuildError, match=r"pip3\.12 is not on PATH"):
        build(load("prod"), tmp_path / "out")


def test_build_finds_python_312_under_pyenv_when_the_shim_is_not_selected(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As the tests find it: pyenv's shim on PATH answers "command not found" for a version
    that is installed but not selected; the build takes the newest 3.12 under PYENV_ROOT."""
    shims, root = tmp_path / "shims", tmp_path / "pyenv"
    shims.mkdir()
    stub(shims, "python3.12", 'echo "pyenv: python3.12: command not found" >&2; exit 127')
    for version, printed in (("3.12.1", "Python 3.12.1"), ("3.12.9", "Python 3.12.9")):
        directory = root / "versions" / version / "bin"
        directory.mkdir(parents=True)
        stub(directory, "python3.12", f'echo "{printed}"')
        stub(directory, "pip3.12", "exit 0")
    (root / "versions" / "3.12.9" / "bin" / "pip3.12").unlink()  # no pip: passed over
    monkeypatch.setenv("PATH", f"{shims}:/usr/bin:/bin")
    monkeypatch.setenv("PYENV_ROOT", str(root))
    assert check_interpreter() == root / "versions" / "3.12.1" / "bin"


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


def test_a_stale_build_informs_plan_cost_and_check_and_stops_preflight(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """After an edit under app/, everyday work goes on: the plan marks the deployment and
    warns; preflight, like `pulumi up` (above), still refuses the build."""
    stale = tmp_path / "ops-dev"
    (stale / "app").mkdir(parents=True)
    write_record(stale, "0" * 64)
    monkeypatch.setattr(bundle, "bundle_dir", lambda stack: str(tmp_path / f"ops-{stack}"))
    warning = "warning: dev: the ops deployment is stale, planned from the build as it is ("
    assert cli.main(["plan", "dev", "--format", "json"]) == cli.EXIT_OK
    out, err = capsys.readouterr()
    (deployment,) = [r for r in json.loads(out)["resources"] if "stale" in r]
    assert deployment["type"] == "vercel:index/deployment:Deployment"
    assert "was built from other sources" in deployment["stale"]
    assert err.startswith(warning)
    assert "run `make build STACK=dev`" in err
    assert cli.main(["plan", "dev"]) == cli.EXIT_OK
    assert "compute-ops  (vercel:index/deployment:Deployment)  [stale build: make build]" in (
        capsys.readouterr().out
    )
    assert cli.main(["cost", "dev"]) == cli.EXIT_OK
    assert capsys.readouterr().err.startswith(warning)
    cli.main(["check"])  # its exit code is the pack's verdicts on every stack
    assert warning in capsys.readouterr().err
    assert cli.main(["preflight", "dev"]) == cli.EXIT_POLICY
    report = capsys.readouterr().out
    assert "was built from other sources" in report
    assert "[build]" in report
    assert "not checked" not in report
