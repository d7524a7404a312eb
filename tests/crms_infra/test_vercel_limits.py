"""Vercel's deployment limits: one sentence per limit an output is over, from the build, the
offline plan and preflight alike."""

import asyncio
import json
from pathlib import Path

import pytest

from crms_infra import cli
from crms_infra.bundle import vercel_limits
from crms_infra.bundle.build_output import materialize_functions
from crms_infra.bundle.vercel_limits import (
    FILES_PER_DEPLOYMENT,
    FUNCTION_UNCOMPRESSED_BYTES,
    Limit,
    check_output,
)
from crms_infra.preflight.build_rule import output_findings
from stacks import bundle
from stacks.bundle import BUILD_RECORD, bundle_files, digest
from tests.helpers import load


def output_of(project: Path, files: int, function_bytes: int = 0) -> Path:
    """An output of `files` files, the first the function's `.vc-config.json`, and one more of
    `function_bytes` (sparse: no disk is used) in the function when asked."""
    function_dir = project / ".vercel" / "output" / "functions" / "api" / "index.func"
    function_dir.mkdir(parents=True)
    (function_dir / ".vc-config.json").write_text("{}")
    for number in range(files - 1 - (1 if function_bytes else 0)):
        (function_dir / f"{number}.py").touch()
    if function_bytes:
        with (function_dir / "big.so").open("wb") as big:
            big.truncate(function_bytes)
    return project / ".vercel" / "output"


@pytest.fixture
def three_files_per_deployment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The files limit, made small: 15,001 files take seconds to write on a shared machine."""
    monkeypatch.setattr(
        vercel_limits, "FILES_PER_DEPLOYMENT", Limit(3, FILES_PER_DEPLOYMENT.source)
    )


def test_the_files_limit_is_the_api_s() -> None:
    assert FILES_PER_DEPLOYMENT.maximum == 15_000
    assert "should NOT have more than 15000 items" in FILES_PER_DEPLOYMENT.source


@pytest.mark.usefixtures("three_files_per_deployment")
def test_an_output_within_the_limits_has_no_findings(tmp_path: Path) -> None:
    # With the 2 bytes of its `.vc-config.json`, the function is exactly the maximum.
    output = output_of(tmp_path, 3, FUNCTION_UNCOMPRESSED_BYTES.maximum - 2)
    assert check_output(output) == []


@pytest.mark.usefixtures("three_files_per_deployment")
def test_more_files_than_a_deployment_may_have(tmp_path: Path) -> None:
    output = output_of(tmp_path, 4)
    (finding,) = check_output(output)
    assert finding.startswith("The deployment has 4 files, over the limit of 3 per deployment: ")
    assert "vercel/terraform-provider-vercel issue #289" in finding


@pytest.mark.usefixtures("three_files_per_deployment")
def test_files_the_function_lists_by_file_path_map_count(tmp_path: Path) -> None:
    output = output_of(tmp_path, 3)
    (tmp_path / "extra.py").touch()
    config = output / "functions" / "api" / "index.func" / ".vc-config.json"
    config.write_text(json.dumps({"filePathMap": {"extra.py": "extra.py"}}))
    assert "has 4 files" in check_output(output)[0]
    materialize_functions(tmp_path)  # inside the function now, and still counted once
    assert "has 4 files" in check_output(output)[0]


def test_a_function_larger_than_vercel_takes(tmp_path: Path) -> None:
    output = output_of(tmp_path, 3, FUNCTION_UNCOMPRESSED_BYTES.maximum + 1)
    (finding,) = check_output(output)
    assert finding.startswith(
        "Function api/index is 500.0 MiB uncompressed, over the 500 MiB a function's files may use"
    )
    assert "https://vercel.com/docs/functions/limitations" in finding
    assert "exempts Python" in finding


def test_the_plan_refuses_a_build_over_the_limits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    built = tmp_path / "ops-dev"
    output_of(built, 3, FUNCTION_UNCOMPRESSED_BYTES.maximum + 2**20)
    record = {"sourceSha256": digest(bundle_files(load("dev"))), "target": "production"}
    (built / BUILD_RECORD).write_text(json.dumps(record))  # a build of these sources
    monkeypatch.setattr(bundle, "bundle_dir", lambda stack: str(tmp_path / f"ops-{stack}"))
    assert cli.main(["plan", "dev"]) == 2
    error = capsys.readouterr().err
    assert "cannot be deployed: Function api/index is 501.0 MiB uncompressed" in error
    assert "Traceback" not in error
    # Refused once the program has run, not inside its invoke, which left the program's
    # outputs pending (946 tasks) in the event loop the next plan in this process runs on.
    loop = asyncio.get_event_loop()
    assert [task for task in asyncio.all_tasks(loop) if not task.done()] == []


@pytest.mark.usefixtures("three_files_per_deployment")
def test_preflight_names_each_limit_a_build_is_over(tmp_path: Path) -> None:
    output_of(tmp_path, 4, FUNCTION_UNCOMPRESSED_BYTES.maximum + 2**20)
    findings = output_findings(tmp_path, "build/ops-dev", "make build STACK=dev")
    assert [(f.rule, f.where, f.fix) for f in findings] == [
        ("build", "build/ops-dev", "make build STACK=dev"),
    ] * 2
    assert findings[0].problem.startswith("The deployment has 4 files, over the limit of 3")
    over = (FUNCTION_UNCOMPRESSED_BYTES.maximum + 2**20) / 2**20
    assert findings[1].problem.startswith(f"Function api/index is {over:.1f} MiB uncompressed")
