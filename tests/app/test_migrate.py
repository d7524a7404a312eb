"""The migration runner on a real PostgreSQL: order, atomicity, checksums, concurrency."""

import shutil
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from app.operators.migrate import MigrationError, Timeouts, dry_run, main, migrate
from app.operators.migration_set import MIGRATIONS_DIR, discover


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
    command = [sys.executable, "-m", "app.operators.migrate", "--database-url", empty_database]
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


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(args)
    err = capsys.readouterr().err
    return code, err


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("004_commit.sql", b"CREATE TABLE public.half (id int);\nCOMMIT;\nSELECT 1/0;",
         "004_commit.sql line 2: transaction control (COMMIT)"),
        ("004_rollback.sql", b"CREATE TABLE public.half (id int);\nROLLBACK;",
         "004_rollback.sql line 2: transaction control (ROLLBACK)"),
        ("004_begin.sql", b"BEGIN;\nCREATE TABLE public.half (id int);\nEND;",
         "004_begin.sql line 1: transaction control (BEGIN)"),
        ("004_start.sql", b"start transaction; CREATE TABLE public.half (id int);",
         "transaction control (START TRANSACTION)"),
        ("004_Add-Table.sql", b"CREATE TABLE public.half (id int);", "not a migration name"),
        ("4_add.sql", b"CREATE TABLE public.half (id int);", "not a migration name"),
        ("004_add.SQL", b"CREATE TABLE public.half (id int);", "not a migration name"),
        ("004_latin1.sql", "-- Zürich\nCREATE TABLE public.half (id int);".encode("latin-1"),
         "004_latin1.sql is not UTF-8"),
        ("003_again.sql", b"CREATE TABLE public.half (id int);", "share the number 003"),
        ("004_typo.sql", b"CREATE TABEL public.half (id int);", "004_typo.sql does not parse"),
    ],
)  # fmt: skip
def test_a_bad_migration_is_refused_before_anything_runs(
    empty_database: str,
    migrations_copy: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    content: bytes,
    reason: str,
) -> None:
    (migrations_copy / name).write_bytes(content)
    code, err = run(
        ["--database-url", empty_database, "--migrations", str(migrations_copy)], capsys
    )
    assert code == 1
    assert err.startswith("error: "), err
    assert reason in err
    assert err.count("\n") == 1, err
    assert not table_exists(empty_database, "public.half")
    assert not table_exists(empty_database, "crms_migrations.applied")


def test_plpgsql_begin_end_is_not_transaction_control(empty_database: str, tmp_path: Path) -> None:
    (tmp_path / "001_block.sql").write_text(
        "CREATE TABLE public.block (id int);\n"
        "DO $$ BEGIN INSERT INTO public.block VALUES (1); END $$;\n"
        "-- COMMIT; in a comment\nSELECT 'ROLLBACK';"
    )
    assert migrate(empty_database, discover(tmp_path)) == ["001_block.sql"]


def test_a_directory_among_the_migrations_is_refused(
    migrations_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (migrations_copy / "004_folder.sql").mkdir()
    url = "postgresql://postgres@127.0.0.1:5432/unused"
    code, err = run(["--database-url", url, "--migrations", str(migrations_copy)], capsys)
    assert (code, err) == (1, "error: 004_folder.sql is a directory; migrations are files only\n")


def test_a_new_migration_numbered_below_the_last_applied_is_refused(
    empty_database: str, tmp_path: Path
) -> None:
    (tmp_path / "001_first.sql").write_text("CREATE TABLE public.first (id int);")
    (tmp_path / "005_fifth.sql").write_text("CREATE TABLE public.fifth (id int);")
    migrate(empty_database, discover(tmp_path))
    (tmp_path / "003_late.sql").write_text("CREATE TABLE public.late (id int);")
    with pytest.raises(MigrationError, match=r"003_late.sql is numbered below 005_fifth.sql"):
        migrate(empty_database, discover(tmp_path))
    assert not table_exists(empty_database, "public.late")


def test_a_migration_waiting_on_a_lock_fails_and_releases_the_runner_lock(
    empty_database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "001_table.sql").write_text("CREATE TABLE public.busy (id int);")
    migrate(empty_database, discover(tmp_path))
    (tmp_path / "002_alter.sql").write_text("ALTER TABLE public.busy ADD COLUMN note text;")
    args = ["--database-url", empty_database, "--migrations", str(tmp_path)]
    with psycopg.connect(empty_database) as holder:
        holder.execute("LOCK TABLE public.busy IN ACCESS SHARE MODE")  # a long reader
        started = time.monotonic()
        code, err = run([*args, "--lock-timeout", "0.5"], capsys)
        elapsed = time.monotonic() - started
    assert code == 1
    assert (
        "002_alter.sql failed and was rolled back: canceling statement due to lock timeout" in err
    )
    assert elapsed < 10
    assert main(args) == 0  # the advisory lock was let go: the next runner proceeds
    assert applied(empty_database) == ["001_table.sql", "002_alter.sql"]


def test_a_runaway_statement_is_ended_by_the_statement_timeout(
    empty_database: str, tmp_path: Path
) -> None:
    (tmp_path / "001_slow.sql").write_text("SELECT pg_sleep(30);")
    started = time.monotonic()
    with pytest.raises(MigrationError, match="canceling statement due to statement timeout"):
        migrate(empty_database, discover(tmp_path), Timeouts(statement=0.5))
    assert time.monotonic() - started < 10


@pytest.mark.parametrize("url", ["", "   ", "postgresql://", "postgresql:///crms"])
def test_a_database_url_naming_no_database_server_is_refused(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = run(["--database-url", url], capsys)
    assert code == 2
    assert err.startswith("error: the database URL ")
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://app:S3cret@127.0.0.1:5432/crms",
        "postgresql://app:S3cret@127.0.0.1:1/crms",
        "postgresql://app:S3cret@127.0.0.1:5432/crms?sslmode=bogus",
    ],
)
def test_no_message_carries_the_password(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--database-url", url, "--connect-timeout", "2"])
    out, err = capsys.readouterr()
    assert code in (1, 2)
    assert err.startswith("error: "), err
    assert err.count("\n") == 1, err
    assert "S3cret" not in out + err


def test_a_temp_table_does_not_outlive_its_file(empty_database: str, tmp_path: Path) -> None:
    """Issue 36, finding 7: a temp table shadowed `public.customers` for the next file (temp
    tables come first in every search path), so its ALTER TABLE landed on the temp table and
    was recorded as applied. Each file now starts from a session as fresh as a new one."""
    (tmp_path / "001_customers.sql").write_text(
        "CREATE TABLE public.customers (id int);\nCREATE TEMP TABLE customers (id int);\n"
    )
    (tmp_path / "002_note.sql").write_text("ALTER TABLE customers ADD COLUMN note text;")
    assert migrate(empty_database, discover(tmp_path)) == ["001_customers.sql", "002_note.sql"]
    with psycopg.connect(empty_database) as conn:
        columns = conn.execute(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_schema = 'public' AND table_name = 'customers' ORDER BY 1"
        ).fetchall()
    assert columns == [("id",), ("note",)]


def test_a_prepared_statement_does_not_outlive_its_file(
    empty_database: str, tmp_path: Path
) -> None:
    (tmp_path / "001_prepare.sql").write_text("PREPARE carried AS SELECT 1;")
    (tmp_path / "002_execute.sql").write_text("EXECUTE carried;")
    with pytest.raises(MigrationError, match=r'002_execute\.sql failed.*"carried" does not exist'):
        migrate(empty_database, discover(tmp_path))
    assert applied(empty_database) == ["001_prepare.sql"]
