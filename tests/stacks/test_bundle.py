"""The ops app bundle: deterministic, the seed's limits, clean, and built by Vercel's CLI."""

import json
import sys
from pathlib import Path

import pytest

from app import paths
from app.routes import web
from crms_infra.bundle.writer import write_bundle
from stacks.bundle import bundle_files, function_modules
from tests.conftest import REPO, STACKS
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
    # What the crons import inside their handlers comes too, with each package's __init__.
    assert {"routes/web.py", "jobs/backup.py", "metrics.py", "jobs/probe.py"} <= modules
    assert {"__init__.py", "routes/__init__.py", "jobs/__init__.py"} <= modules
    # Every file but vercel.json under api/: Vercel publishes any other as a static file.
    assert [path for path in files if not path.startswith(("api/", ".vercel/"))] == ["vercel.json"]
    text = b"".join(files.values())
    for secret_looking in (b"sk_live_", b"whsec_", b"sbp_", b"BEGIN PRIVATE KEY", b"AKIA"):
        assert secret_looking not in text


def test_the_bundle_ships_no_operator_s_module_and_no_local_server() -> None:
    shipped = {path for path in bundle_files(load("prod")) if path.startswith("api/_lib/")}
    operators = sorted((REPO / "app" / "operators").rglob("*.*"))
    assert len(operators) > 5  # the runner, its SQL, the backup CLI, restore, ...
    for source in [*operators, REPO / "app" / "__main__.py"]:
        assert f"api/_lib/{source.relative_to(REPO).as_posix()}" not in shipped
    assert not [path for path in shipped if "/operators/" in path]


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
    sources = {
        "__init__.py": "",
        "paths.py": "",
        "routes/__init__.py": "",
        "routes/web.py": (
            "from app import paths\nfrom app.routes.config import X\nimport app.late.module\n"
        ),
        "routes/config.py": "from app import (\n    aws,\n    jobs as j,\n)\nCONSTANT = 1\n",
        "aws.py": "def client():\n    from app.jobs import probe, backup  # only when called\n",
        "jobs/__init__.py": "",
        "jobs/probe.py": "",
        "jobs/backup.py": "from app.routes.config import CONSTANT\n",
        "late/__init__.py": "from app import paths\n",  # a package's __init__ is read too
        "late/module.py": "",
        "operators/__init__.py": "",
        "operators/migrate.py": "from app import paths\n",  # imported by nothing shipped
        "unused.py": "",
    }
    for source, text in sources.items():
        (tmp_path / "app" / source).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "app" / source).write_text(text)
    expected = set(sources) - {"operators/__init__.py", "operators/migrate.py", "unused.py"}
    assert function_modules(tmp_path / "app") == sorted(expected)


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
