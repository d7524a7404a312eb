"""Taking over a database the runner did not build: --baseline and --reconcile, on a real
PostgreSQL, from the live database as the Terraform deployment left it."""

import shlex
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from app.operators.baseline import project_scope
from app.operators.catalog import Catalog, read_catalog
from app.operators.catalog_diff import differences
from app.operators.migrate import main, migrate
from app.operators.migration_set import discover
from tests.app.tenants import TENANT_TABLES, A, B, seed_company
from tests.helpers import doc_pages
from tests.local_services import ADMIN_URL, fresh_database

TERRAFORM_ERA = Path(__file__).parent / "terraform_era_schema.sql"
SCOPE = project_scope(discover())


@pytest.fixture
def terraform_era() -> Iterator[str]:
    """The live database as the old deployment built it, holding two companies' rows."""
    with fresh_database() as url:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(TERRAFORM_ERA.read_bytes())
            for company in (A, B):
                seed_company(conn, company)
        yield url


def catalog_of(url: str) -> Catalog:
    with psycopg.connect(url, autocommit=True) as conn:
        return read_catalog(conn, SCOPE)


def rows_of(url: str) -> dict[str, list[str]]:
    """Every row of every table the old deployment made, as JSON, in a stable order."""
    found = {}
    with psycopg.connect(url) as conn:
        for table in TENANT_TABLES:
            query = sql.SQL("SELECT to_jsonb(t)::text FROM public.{} t ORDER BY 1").format(
                sql.Identifier(table)
            )
            found[table] = [row for (row,) in conn.execute(query)]
    return found


def scratch_databases() -> set[str]:
    with psycopg.connect(ADMIN_URL) as conn:
        rows = conn.execute("SELECT datname FROM pg_database WHERE datname LIKE 'crms_baseline_%'")
        return {name for (name,) in rows}


def recorded(url: str) -> list[tuple[str, str | None]]:
    with psycopg.connect(url) as conn:
        query = "SELECT name, catalog_digest FROM crms_migrations.applied ORDER BY name"
        return [(name, digest) for name, digest in conn.execute(query)]


def has_bookkeeping(url: str) -> bool:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT to_regnamespace('crms_migrations')").fetchone()
    return row is not None and row[0] is not None


def test_the_runner_alone_fails_on_the_terraform_era_database(
    terraform_era: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Finding 1 as it stood: the first `up` runs the migrations, and 001 fails."""
    assert main(["--database-url", terraform_era]) == 1
    assert 'relation "companies" already exists' in capsys.readouterr().err


def runbook_steps() -> list[str]:
    """The takeover runbook's runner commands, as the page that holds them says them."""
    for page in doc_pages():
        lines = [line.strip() for line in page.read_text().splitlines()]
        marked = [i for i, line in enumerate(lines) if "--baseline --reconcile-out" in line]
        if marked:
            start = end = marked[0]
            while lines[end + 1].startswith("python -m app.operators.migrate "):
                end += 1
            return lines[start : end + 1]
    raise AssertionError("no page holds the runbook's --baseline steps")


def run_step(step: str, database_url: str, home: Path) -> int:
    """One runbook line, with the reader's database URL and home directory."""
    words = shlex.split(step.replace("$DATABASE_URL", database_url).replace("~/", f"{home}/"))
    assert words[:3] == ["python", "-m", "app.operators.migrate"], step
    return main(words[3:])


def test_the_runbook_steps_bring_it_under_the_runner_with_every_row_kept(
    terraform_era: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows_before, catalog_before = rows_of(terraform_era), catalog_of(terraform_era)
    scratch_before = scratch_databases()
    baseline, reconcile, dry_run = runbook_steps()
    reconciling = tmp_path / "crms-prod-reconcile.sql"

    assert run_step(baseline, terraform_era, tmp_path) == 1
    out = capsys.readouterr().out
    assert "67 differences between the live schema and what the migrations make:" in out
    for line in (
        "  extra function public.exec_sql(text)\n",
        "  missing table audit.log\n",
        "  missing trigger public.staff_profiles.guard_staff_change\n",
        "  missing constraint public.contracts.contracts_no_double_booking\n",
        "  extra constraint public.contracts.contracts_customer_id_fkey\n",
        '  policy public.companies.company_isolation: roles: ["PUBLIC"] -> ["authenticated"]',
        "  table public.vehicles: forced row level security: false -> true; grants to anon: "
        "DELETE, INSERT, REFERENCES, SELECT, TRIGGER, TRUNCATE, UPDATE -> none;",
    ):
        assert line in out
    assert "left to a person" not in out
    assert "115 statements, 387 lines" in out
    # Nothing touched: the same catalog, no bookkeeping, no scratch database left behind.
    assert differences(catalog_of(terraform_era), catalog_before) == []
    assert not has_bookkeeping(terraform_era)
    assert scratch_databases() == scratch_before
    script = reconciling.read_text()
    assert "DROP TABLE" not in script
    assert "DROP ROUTINE public.exec_sql(text);" in script

    assert run_step(reconcile, terraform_era, tmp_path) == 0
    assert "the live schema equals what the migrations make" in capsys.readouterr().out
    assert run_step(dry_run, terraform_era, tmp_path) == 0
    assert capsys.readouterr().out.strip() == "nothing to do"
    assert main(["--database-url", terraform_era]) == 0  # what the up's schema-migrations runs
    assert capsys.readouterr().out.strip() == "nothing to do"

    with fresh_database() as fresh:
        migrate(fresh, discover())
        migrated = catalog_of(fresh)
    assert differences(catalog_of(terraform_era), migrated) == []
    assert rows_of(terraform_era) == rows_before
    names = [migration.name for migration in discover()]
    assert recorded(terraform_era) == [(name, migrated.digest()) for name in names]
    assert scratch_databases() == scratch_before


def test_an_equal_database_is_recorded_at_once_and_a_scratch_url_is_used_as_given(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with fresh_database() as live, fresh_database() as scratch:
        migrate(live, discover())
        with psycopg.connect(live, autocommit=True) as conn:
            conn.execute("DROP SCHEMA crms_migrations CASCADE")  # built by other means
        assert main(["--database-url", live, "--baseline", "--scratch-url", scratch]) == 0
        assert "recorded 001_initial_schema.sql, 002_audit_logging.sql" in capsys.readouterr().out
        assert [digest for _, digest in recorded(live)] == [catalog_of(scratch).digest()] * 3
        assert main(["--database-url", live, "--baseline"]) == 1
        assert "already records 3 applied migrations" in capsys.readouterr().err


def test_a_table_or_column_holding_rows_is_reported_never_dropped(
    terraform_era: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with psycopg.connect(terraform_era, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE public.invoices (id int PRIMARY KEY, total numeric);"
            " INSERT INTO public.invoices VALUES (1, 10);"
            " CREATE TABLE public.scratch_notes (id int);"
            " ALTER TABLE public.vehicles ADD COLUMN notes text;"
            " UPDATE public.vehicles SET notes = 'dent, rear left';"
            ' CREATE TABLE public."odd\n::error::name" (id int);'
        )
    reconciling = tmp_path / "reconcile.sql"
    args = ["--database-url", terraform_era, "--baseline"]
    assert main([*args, "--reconcile-out", str(reconciling)]) == 1
    out = capsys.readouterr().out
    assert "  extra table public.invoices\n" in out
    assert "  extra column public.vehicles.notes\n" in out
    assert '  extra table public."odd\\n::error::name"\n' in out
    assert "\n::error" not in out
    assert "left to a person: table public.invoices holds rows" in out
    assert "left to a person: column public.vehicles.notes holds rows" in out
    script = reconciling.read_text()
    assert "DROP TABLE public.scratch_notes;" in script
    assert "invoices;" not in script
    assert "DROP COLUMN" not in script
    assert "\n::error" not in script.split("\n\n", 1)[0]  # the header's comments stay comments

    assert main([*args, "--reconcile", str(reconciling)]) == 1
    out = capsys.readouterr().out
    assert "reconcile.sql was rolled back: after it, 2 differences remain:" in out
    assert "  extra column public.vehicles.notes\n  extra table public.invoices\n" in out
    with psycopg.connect(terraform_era) as conn:
        assert conn.execute("SELECT to_regclass('public.scratch_notes')").fetchone() != (None,)
        assert (
            conn.execute("SELECT notes FROM public.vehicles").fetchall()
            == [("dent, rear left",)] * 2
        )
    assert not has_bookkeeping(terraform_era)


def test_a_reconciliation_a_live_row_breaks_is_rolled_back_whole(
    terraform_era: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with psycopg.connect(terraform_era, autocommit=True) as conn:
        conn.execute("UPDATE public.vehicles SET status = 'stolen' WHERE plate = 'ZH-company_a'")
    reconciling = tmp_path / "reconcile.sql"
    args = ["--database-url", terraform_era, "--baseline"]
    assert main([*args, "--reconcile-out", str(reconciling)]) == 1
    before = catalog_of(terraform_era)
    capsys.readouterr()
    assert main([*args, "--reconcile", str(reconciling)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: reconcile.sql failed and was rolled back: check constraint")
    assert differences(catalog_of(terraform_era), before) == []
    assert not has_bookkeeping(terraform_era)


def test_a_reviewed_file_that_controls_its_own_transaction_is_refused_before_it_runs(
    terraform_era: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reviewed = tmp_path / "reconcile.sql"
    reviewed.write_text("DROP ROUTINE public.exec_sql(text);\nCOMMIT;\n")
    assert main(["--database-url", terraform_era, "--baseline", "--reconcile", str(reviewed)]) == 1
    assert "line 2: transaction control (COMMIT) is not allowed" in capsys.readouterr().err
    assert ("function", "public.exec_sql(text)") in catalog_of(terraform_era).entries


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--reconcile", "x.sql"], "--reconcile goes with --baseline"),
        (["--scratch-url", "postgresql://postgres@127.0.0.1/other"], "--scratch-url goes with"),
        (["--baseline", "--dry-run"], "no --dry-run"),
        (["--baseline", "--scratch-url", "SAME"], "--scratch-url names the live database"),
        (["--baseline", "--reconcile-out", "EXISTING"], "already there; name a new file"),
    ],
)
def test_options_that_cannot_go_together_are_refused_before_connecting(
    extra: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    live = "postgresql://postgres@127.0.0.1:5432/crms_no_such_database"
    existing = tmp_path / "reviewed.sql"
    existing.write_text("-- reviewed\n")
    extra = [{"SAME": live, "EXISTING": str(existing)}.get(item, item) for item in extra]
    assert main(["--database-url", live, *extra]) == 2
    assert message in capsys.readouterr().err
    assert existing.read_text() == "-- reviewed\n"


def test_a_table_whose_rows_a_policy_hides_counts_as_holding_rows(terraform_era: str) -> None:
    """Row security off makes a query a policy would filter fail rather than come back
    empty: a table that only looks empty to the runner is never dropped."""
    role = f"crms_test_owner_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(terraform_era, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role)))
        try:
            conn.execute(
                sql.SQL(
                    "CREATE TABLE public.hidden (id int); INSERT INTO public.hidden VALUES (1);"
                    " ALTER TABLE public.hidden OWNER TO {role};"
                    " ALTER TABLE public.hidden ENABLE ROW LEVEL SECURITY;"
                    " ALTER TABLE public.hidden FORCE ROW LEVEL SECURITY;"
                    " CREATE POLICY nothing ON public.hidden USING (false); SET ROLE {role}"
                ).format(role=sql.Identifier(role))
            )
            assert conn.execute("SELECT count(*) FROM public.hidden").fetchone() == (0,)
            assert "public.hidden" in read_catalog(conn, SCOPE, with_rows=True).holds_rows
        finally:
            conn.execute("RESET ROLE")
            conn.execute(sql.SQL("DROP OWNED BY {0}; DROP ROLE {0}").format(sql.Identifier(role)))
