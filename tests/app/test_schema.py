"""The schema's other promises: the audit log, foreign-key indexes, no double booking."""

import psycopg
import pytest
from psycopg import errors

from tests.app.tenants import A, B, Seeded, acting_as, member_of


def test_a_change_is_audited_with_table_row_action_actor_and_time(seeded: Seeded) -> None:
    url, rows = seeded
    vehicle = rows[A]["vehicles"]
    with acting_as(url, "authenticated", member_of(rows, A)) as conn:
        conn.execute("UPDATE public.vehicles SET status = 'maintenance' WHERE id = %s", [vehicle])
        entry = conn.execute(
            "SELECT table_name, row_id::text, company_id::text, action, actor::text,"
            " changed_at IS NOT NULL, old_row ->> 'status', new_row ->> 'status'"
            " FROM audit.log WHERE row_id = %s AND action = 'UPDATE'",
            [vehicle],
        ).fetchone()
    assert entry == (
        "vehicles", vehicle, rows[A]["companies"], "UPDATE", rows[A]["user"], True,
        "available", "maintenance",
    )  # fmt: skip


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO audit.log (table_name, row_id, action, actor_role)"
        " VALUES ('vehicles', gen_random_uuid(), 'INSERT', 'forged')",
        "UPDATE audit.log SET actor = NULL",
        "DELETE FROM audit.log",
    ],
)
def test_authenticated_cannot_alter_the_audit_log(seeded: Seeded, statement: str) -> None:
    url, rows = seeded
    with (
        acting_as(url, "authenticated", member_of(rows, A)) as conn,
        pytest.raises(errors.InsufficientPrivilege),
    ):
        conn.execute(statement)


def test_audit_entries_of_another_company_are_invisible(seeded: Seeded) -> None:
    url, rows = seeded
    with acting_as(url, "authenticated", member_of(rows, A)) as conn:
        companies = conn.execute("SELECT DISTINCT company_id::text FROM audit.log").fetchall()
    assert companies == [(rows[A]["companies"],)]
    assert (rows[B]["companies"],) not in companies


def test_every_foreign_key_is_indexed(seeded: Seeded) -> None:
    url, _ = seeded
    with psycopg.connect(url) as conn:
        foreign_keys = conn.execute(
            "SELECT conrelid::regclass::text, conname, conkey::int[] FROM pg_constraint"
            " WHERE contype = 'f'"
            " AND connamespace IN ('public'::regnamespace, 'audit'::regnamespace)"
        ).fetchall()
        indexes = conn.execute(
            "SELECT indrelid::regclass::text, indkey::int[] FROM pg_index"
        ).fetchall()
    assert foreign_keys
    for table, name, columns in foreign_keys:
        covered = any(
            index_table == table and set(index_columns[: len(columns)]) == set(columns)
            for index_table, index_columns in indexes
        )
        assert covered, f"{name} on {table} has no index"


def test_a_vehicle_cannot_be_booked_twice_for_overlapping_periods(seeded: Seeded) -> None:
    url, rows = seeded
    company = rows[A]
    with (
        acting_as(url, "authenticated", member_of(rows, A)) as conn,
        pytest.raises(errors.ExclusionViolation),
    ):
        conn.execute(
            "INSERT INTO public.contracts (company_id, customer_id, vehicle_id, starts_at,"
            " ends_at, total_chf) VALUES (%s, %s, %s, '2026-12-02T08:00Z', '2026-12-04T08:00Z', 1)",
            [company["companies"], company["customers"], company["vehicles"]],
        )


def test_a_booked_period_on_another_company_vehicle_only_meets_the_foreign_key(
    seeded: Seeded,
) -> None:
    """Trying B's booked period on B's vehicle id tells A nothing about B's calendar."""
    url, rows = seeded
    own = rows[A]
    for period in (("2026-12-02T08:00Z", "2026-12-04T08:00Z"), ("2027-06-01Z", "2027-06-02Z")):
        with (
            acting_as(url, "authenticated", member_of(rows, A)) as conn,
            pytest.raises(errors.ForeignKeyViolation),
        ):
            conn.execute(
                "INSERT INTO public.contracts (company_id, customer_id, vehicle_id, starts_at,"
                " ends_at, total_chf) VALUES (%s, %s, %s, %s, %s, 1)",
                [own["companies"], own["customers"], rows[B]["vehicles"], *period],
            )


def photo(conn: psycopg.Connection, company: dict[str, str], key: str) -> None:
    conn.execute(
        "INSERT INTO public.photos (company_id, vehicle_id, storage_key, content_type,"
        " size_bytes) VALUES (%s, %s, %s, 'image/jpeg', 1)",
        [company["companies"], company["vehicles"], key],
    )


@pytest.mark.parametrize(
    "key",
    [
        "{b}/vehicles/rear.jpg",
        "vehicles/rear.jpg",
        "{a}",
        "{a}/../{b}/vehicles/rear.jpg",
        "{a}/./vehicles/rear.jpg",
    ],
)
def test_a_photo_key_must_lie_under_the_company_prefix(seeded: Seeded, key: str) -> None:
    url, rows = seeded
    key = key.format(a=rows[A]["companies"], b=rows[B]["companies"])
    with (
        acting_as(url, "authenticated", member_of(rows, A)) as conn,
        pytest.raises(errors.CheckViolation),
    ):
        photo(conn, rows[A], key)


def test_photo_keys_are_unique_within_a_company(seeded: Seeded) -> None:
    url, rows = seeded
    key = f"{rows[A]['companies']}/vehicles/front.jpg"  # the seed's own key
    with (
        acting_as(url, "authenticated", member_of(rows, A)) as conn,
        pytest.raises(errors.UniqueViolation),
    ):
        photo(conn, rows[A], key)
    with acting_as(url, "authenticated", member_of(rows, A)) as conn:
        photo(conn, rows[A], f"{rows[A]['companies']}/vehicles/rear.jpg")
