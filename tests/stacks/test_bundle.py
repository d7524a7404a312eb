"""The ops app bundle: deterministic, the seed's limits, clean, and built by Vercel's CLI."""

import json
import sys
from pathlib import Path

import pytest

from app import paths, web
from crms_infra.bundle_writer import write_bundle
from stacks.bundle import bundle_files, function_modules
from tests.conftest import STACKS
from tests.helpers import load, paths_the_function_serves

SEED_MAX_DURATION = {"dev": 15, "staging": 30, "prod": 60}  # dev's is ours: the seed sets none


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
    # Fluid compute in every stack: the CPU class sets the memory, and Vercel warns about a
    # vercel.json memory (https://vercel.com/docs/functions/configuring-functions/memory).
    assert config["functions"] == {
        "api/index.py": {
            "maxDuration": SEED_MAX_DURATION[stack],
            "excludeFiles": "{vercel.json,api/requirements.txt}",
        }
    }
    assert config["regions"] == ["fra1"]
    schedules = {cron["path"]: cron["schedule"] for cron in config["crons"]}
    # The metrics cron's schedule is made from DISK_PROBE_PERIOD_SECONDS (300 s).
    assert schedules == {"/api/cron/backup": "0 2 * * *", "/api/cron/metrics": "*/5 * * * *"}


def test_bundle_holds_the_function_s_modules_and_no_tests_caches_or_secrets() -> None:
    files = bundle_files(load("prod"))
    for path in files:
        assert "test" not in path.split("/")[0]
        assert "__pycache__" not in path
        assert not path.endswith((".pyc", ".env", ".sql"))
    modules = {path.removeprefix("api/_lib/app/") for path in files if "/_lib/app/" in path}
    # What the crons import inside their handlers comes too; the CLI and migrations stay home.
    assert {"web.py", "backup.py", "metrics.py", "probe.py", "payments.py"} <= modules
    assert not modules & {"__main__.py", "migrate.py", "migration_set.py", "database_url.py"}
    # Every file but vercel.json under api/: Vercel publishes any other as a static file.
    assert [path for path in files if not path.startswith(("api/", ".vercel/"))] == ["vercel.json"]
    text = b"".join(files.values())
    for secret_looking in (b"sk_live_", b"whsec_", b"sbp_", b"BEGIN PRIVATE KEY", b"AKIA"):
        assert secret_looking not in text


def test_every_path_of_the_app_reaches_the_one_function() -> None:
    config = json.loads(bundle_files(load("prod"))["vercel.json"])
    assert config["rewrites"] == [
        {"source": path, "destination": "/api/index"} for path in paths.ALL
    ]
    assert sorted(str(getattr(route, "path", "")) for route in web.app.routes) == sorted(paths.ALL)
    assert {cron["path"] for cron in config["crons"]} <= set(paths.ALL)


def test_the_bundle_alone_starts_the_app(tmp_path: Path) -> None:
    write_bundle(load("prod"), tmp_path)
    assert paths_the_function_serves(sys.executable, tmp_path) == sorted(paths.ALL)


def test_the_function_s_modules_follow_every_form_of_import(tmp_path: Path) -> None:
    package = tmp_path / "app"
    package.mkdir()
    sources = {
        "__init__": "",
        "web": "from app import paths\nfrom app.config import X\nimport app.late\n",
        "paths": "",
        "config": "from app import (\n    aws,\n    backup as b,\n)\nCONSTANT = 1\n",
        "aws": "def client():\n    from app import probe  # only when called\n",
        "backup": "from app import restore as restore_job, CONSTANT\n",
        "restore": "",
        "probe": "",
        "late": "",
        "migrate": "from app import paths\n",  # imported by nothing the function loads
    }
    for module, source in sources.items():
        (package / f"{module}.py").write_text(source)
    assert function_modules(package) == sorted(set(sources) - {"migrate"})


def test_bundle_refuses_to_replace_a_directory_it_did_not_write(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("keep me")
    with pytest.raises(FileExistsError, match="holds no bundle"):
        write_bundle(load("dev"), tmp_path)
    assert (tmp_path / "notes.txt").read_text() == "keep me"


def test_without_fluid_compute_vercel_json_sets_the_memory() -> None:
    settings = load("staging")
    legacy = settings.model_copy(
        update={"compute": settings.compute.model_copy(update={"fluid": False})}
    )
    function = json.loads(bundle_files(legacy)["vercel.json"])["functions"]["api/index.py"]
    assert function["memory"] == 1024
    assert function["maxDuration"] == 30
