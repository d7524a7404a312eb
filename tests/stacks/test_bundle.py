"""The ops app bundle: deterministic, the seed's limits, clean, and built by Vercel's CLI."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from stacks.bundle import bundle_files, write_bundle
from tests.conftest import REPO, STACKS
from tests.stacks.test_settings import load

VERCEL = REPO / "node_modules" / ".bin" / "vercel"
SEED_LIMITS = {  # the seed's vercel.json per environment; dev sets none, ours are explicit
    "dev": {"memory": 1024, "maxDuration": 15},
    "staging": {"memory": 1024, "maxDuration": 30},
    "prod": {"memory": 3008, "maxDuration": 60},
}


def tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_two_bundles_are_byte_identical(tmp_path: Path) -> None:
    write_bundle(load("prod"), tmp_path / "one")
    write_bundle(load("prod"), tmp_path / "two")
    assert tree(tmp_path / "one") == tree(tmp_path / "two")


@pytest.mark.parametrize("stack", STACKS)
def test_vercel_json_carries_the_stacks_limits_regions_and_crons(stack: str) -> None:
    config = json.loads(bundle_files(load(stack))["vercel.json"])
    assert config["functions"] == {"api/**/*.py": SEED_LIMITS[stack]}
    assert config["regions"] == ["fra1"]
    assert {cron["path"] for cron in config["crons"]} == {"/api/cron/backup", "/api/cron/metrics"}


def test_bundle_holds_no_tests_caches_or_secrets() -> None:
    files = bundle_files(load("prod"))
    for path in files:
        assert "test" not in path.split("/")[0]
        assert "__pycache__" not in path
        assert not path.endswith((".pyc", ".env"))
    assert "app/__main__.py" not in files  # the local dev server stays home
    text = b"".join(files.values())
    for secret_looking in (b"sk_live_", b"whsec_", b"sbp_", b"BEGIN PRIVATE KEY", b"AKIA"):
        assert secret_looking not in text


def test_bundle_refuses_to_replace_a_directory_it_did_not_write(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("keep me")
    with pytest.raises(FileExistsError, match="holds no bundle"):
        write_bundle(load("dev"), tmp_path)
    assert (tmp_path / "notes.txt").read_text() == "keep me"


@pytest.mark.skipif(not VERCEL.exists(), reason="Vercel's CLI is installed by `make setup`")
@pytest.mark.parametrize("stack", STACKS)
def test_vercel_build_gives_each_function_the_stacks_limits(stack: str, tmp_path: Path) -> None:
    out = tmp_path / f"ops-{stack}"
    write_bundle(load(stack), out)
    environment = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",  # uv, for the builder
        "VERCEL_TELEMETRY_DISABLED": "1",
    }
    result = subprocess.run(
        [str(VERCEL), "build", "--yes"], cwd=out, env=environment, capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    configs = sorted((out / ".vercel" / "output" / "functions").rglob(".vc-config.json"))
    assert [c.parent.name for c in configs] == [
        "backup.func", "metrics.func", "logs.func", "traces.func", "health.func",
    ]  # fmt: skip
    for config_file in configs:
        function = json.loads(config_file.read_text())
        assert function["memory"] == SEED_LIMITS[stack]["memory"]
        assert function["maxDuration"] == SEED_LIMITS[stack]["maxDuration"]
        assert function["runtime"].startswith("python3")
    routes = json.loads((out / ".vercel" / "output" / "config.json").read_text())
    assert routes["crons"] == json.loads(bundle_files(load(stack))["vercel.json"])["crons"]
