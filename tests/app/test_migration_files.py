"""The migration runner under a hostile migrations folder (issue 26, case 6): only regular
files directly in the folder, named in ASCII digits, UTF-8 without NUL, of bounded size;
each refused with exit 1 and one line, nothing applied; and each file runs with the
runner's own timeouts whatever the previous one set."""

import os
from pathlib import Path

import psycopg
import pytest

from app.operators.migrate import MigrationError, Timeouts, main, migrate
from app.operators.migration_set import MAX_MIGRATION_BYTES, MigrationSetError, discover

GOOD = "CREATE TABLE public.{name} (id int);"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    directory = tmp_path / "migrations"
    directory.mkdir()
    (directory / "001_first.sql").write_text(GOOD.format(name="first"))
    return directory


def refused(folder: Path, url: str, capsys: pytest.CaptureFixture[str], *words: str) -> str:
    """Exit 1 with one line naming the problem, no traceback, nothing applied."""
    assert main(["--database-url", url, "--migrations", str(folder)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    for word in words:
        assert word in err
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT to_regclass('public.first')").fetchone() == (None,)
    return err


def test_a_nul_byte_is_refused(
    folder: Path, empty_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # What the server would have run ends at the NUL; the COMMIT after it went unchecked.
    (folder / "002_nul.sql").write_bytes(b"CREATE TABLE public.t (id int);\n\0\nCOMMIT;\n")
    refused(folder, empty_database, capsys, "002_nul.sql line 2: a NUL byte")


def test_a_fifo_is_refused_without_waiting(
    folder: Path, empty_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    os.mkfifo(folder / "004_fifo.sql")
    refused(folder, empty_database, capsys, "004_fifo.sql is not a regular file")


@pytest.mark.parametrize(
    "target",
    [
        "005_loop.sql",  # a link to itself: a loop
        "/nonexistent/nowhere.sql",  # dangling
        "/dev/zero",  # endless
        "../outside.sql",  # a file outside the folder, which was applied
    ],
)
def test_a_symbolic_link_is_refused(
    folder: Path, empty_database: str, capsys: pytest.CaptureFixture[str], target: str
) -> None:
    (folder.parent / "outside.sql").write_text(GOOD.format(name="outside"))
    (folder / "005_loop.sql").symlink_to(target)
    refused(folder, empty_database, capsys, "005_loop.sql is a symbolic link")


def test_a_linked_directory_is_refused(
    folder: Path, empty_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder / "extra").symlink_to(folder.parent)
    refused(folder, empty_database, capsys, "extra is a symbolic link")


@pytest.mark.parametrize(
    "name",
    ["\u0660\u0660\u0664_a.sql", "\uff10\uff10\uff14_a.sql", "004_\x1b[31ma.sql", "004_a\nb.sql"],
)
def test_a_name_not_in_ascii_digits_is_refused_escaped(
    folder: Path, empty_database: str, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    (folder / "005_later.sql").write_text(GOOD.format(name="later"))
    (folder / name).write_text(GOOD.format(name="early"))
    err = refused(folder, empty_database, capsys, "is not a migration name")
    assert err.isascii()
    assert "\x1b" not in err


def test_a_file_over_the_limit_is_refused(
    folder: Path, empty_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder / "002_big.sql").write_text("-- " + "x" * MAX_MIGRATION_BYTES + "\nSELECT 1;")
    refused(folder, empty_database, capsys, "002_big.sql is over 1,000,000 bytes")


def test_a_missing_folder_is_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(MigrationSetError, match="cannot be read: No such file or directory"):
        discover(tmp_path / "missing")


def test_a_file_swapped_for_a_fifo_after_listing_is_refused(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The type is checked on what was opened, not on what was listed."""
    (folder / "002_swap.sql").write_text(GOOD.format(name="swap"))
    real_scandir = os.scandir

    def listing_then_swap(path: Path) -> list[os.DirEntry[str]]:
        entries = list(real_scandir(path))
        (folder / "002_swap.sql").unlink()
        os.mkfifo(folder / "002_swap.sql")
        return entries

    monkeypatch.setattr(os, "scandir", listing_then_swap)
    with pytest.raises(MigrationSetError, match=r"002_swap\.sql is not a regular file"):
        discover(folder)


def test_each_file_runs_with_the_runners_timeouts(empty_database: str, folder: Path) -> None:
    (folder / "002_lift.sql").write_text(
        "SET statement_timeout = 0; SET lock_timeout = 0; SET search_path = pg_temp;"
        " SET ROLE service_role;"
    )
    (folder / "003_record.sql").write_text(
        "CREATE TABLE public.seen AS SELECT current_setting('statement_timeout') AS statement,"
        " current_setting('lock_timeout') AS lock, current_user::text AS who;"
    )
    migrate(empty_database, discover(folder), Timeouts(statement=7, lock=3))
    with psycopg.connect(empty_database) as conn:
        row = conn.execute("SELECT statement, lock, who FROM public.seen").fetchone()
    assert row == ("7s", "3s", "postgres")


def test_a_lifted_limit_does_not_let_the_next_file_run_away(
    empty_database: str, folder: Path
) -> None:
    (folder / "002_lift.sql").write_text("SET statement_timeout = 0;")
    (folder / "003_slow.sql").write_text("SELECT pg_sleep(5);")
    with pytest.raises(MigrationError, match=r"003_slow\.sql failed .*statement timeout"):
        migrate(empty_database, discover(folder), Timeouts(statement=0.5))
