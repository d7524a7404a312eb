"""The migration runner on a real PostgreSQL: order, atomicity, checksums, concurrency."""

import shutil
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from app.migrate import MigrationError, dry_run, main, migrate
from app.migration_set import MIGRATIONS_DIR, discover


def applied(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT name FROM crms_migrations.applied ORDER BY name").fetchall()
    return [name for (name,) in rows]


def table_exists(url: str, name: str) -> bool:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT to_regclass(%s)", [name]).fetchone()
    return row is not None and row[0] is not None


@pytest.fixture
def migrations_copy(tmp_path: Path) -> Path:
    directory = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, directory)
    return directory


def test_applies_all_in_order_then_a_rerun_does_nothing(
    empty_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--database-url", empty_database]) == 0
    names = [migration.name for migration in discover()]
    assert names == sorted(names)
    assert applied(empty_database) == names
    assert "applied 001_initial_schema.sql" in capsys.readouterr().out
    assert main(["--database-url", empty_database]) == 0
    assert capsys.readouterr().out.strip() == "nothing to do"


def test_dry_run_lists_and_applies_nothing(
    empty_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--database-url", empty_database, "--dry-run"]) == 0
    assert "would apply 003_indexes.sql" in capsys.readouterr().out
    assert not table_exists(empty_database, "crms_migrations.applied")
    assert not table_exists(empty_database, "public.companies")


def test_bookkeeping_is_not_in_public(empty_database: str) -> None:
    migrate(empty_database, discover())
    assert table_exists(empty_database, "crms_migrations.applied")
    assert not table_exists(empty_database, "public.applied")


def test_a_failing_migration_leaves_no_trace(empty_database: str, tmp_path: Path) -> None:
    (tmp_path / "001_ok.sql").write_text("CREATE TABLE public.ok_table (id int);")
    (tmp_path / "002_bad.sql").write_text("CREATE TABLE public.half_done (id int);\nSELECT 1 / 0;")
    with pytest.raises(MigrationError, match=r"002_bad.sql failed and was rolled back: division"):
        migrate(empty_database, discover(tmp_path))
    assert applied(empty_database) == ["001_ok.sql"]
    assert table_exists(empty_database, "public.ok_table")
    assert not table_exists(empty_database, "public.half_done")


def test_a_changed_applied_migration_is_refused(
    empty_database: str, migrations_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    migrate(empty_database, discover(migrations_copy))
    changed = migrations_copy / "002_audit_logging.sql"
    changed.write_text(changed.read_text() + "\n-- an edit after the fact\n")
    (migrations_copy / "004_new.sql").write_text("CREATE TABLE audit.extra (id int);")
    args = ["--database-url", empty_database, "--migrations", str(migrations_copy)]
    assert main(args) == 1
    assert "002_audit_logging.sql has changed since it was applied" in capsys.readouterr().err
    assert not table_exists(empty_database, "audit.extra")


def test_a_missing_applied_migration_is_refused(empty_database: str, migrations_copy: Path) -> None:
    migrate(empty_database, discover(migrations_copy))
    (migrations_copy / "003_indexes.sql").unlink()
    with pytest.raises(MigrationError, match=r"003_indexes.sql was applied but its file is gone"):
        dry_run(empty_database, discover(migrations_copy))


def test_eight_concurrent_runners_apply_each_migration_once(empty_database: str) -> None:
    command = [sys.executable, "-m", "app.migrate", "--database-url", empty_database]
    runners = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(8)
    ]
    results = [runner.communicate(timeout=120) for runner in runners]
    assert [runner.returncode for runner in runners] == [0] * 8, results
    outputs = "".join(out for out, _ in results)
    for migration in discover():
        assert outputs.count(f"applied {migration.name}") == 1
    assert applied(empty_database) == [migration.name for migration in discover()]


def test_unreachable_database_is_reported_without_the_password(
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = "postgresql://crms:hunter2-not-shown@127.0.0.1:1/crms?connect_timeout=2"
    assert main(["--database-url", url]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: cannot reach the database")
    assert "hunter2" not in err
