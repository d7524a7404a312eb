"""Within a company: owners manage staff; nobody raises or re-assigns themselves."""

import uuid

import psycopg
import pytest
from psycopg import errors

from tests.app.tenants import A, Seeded, acting_as, member_of


def role_of(url: str, profile: str) -> str:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT role FROM public.staff_profiles WHERE id = %s", [profile]
        ).fetchone()
    assert row is not None
    return str(row[0])


@pytest.mark.parametrize(
    ("actor", "statement", "target"),
    [
        ("user", "UPDATE public.staff_profiles SET role = 'owner' WHERE id = %s", "staff_profiles"),
        ("user", "UPDATE public.staff_profiles SET role = 'agent' WHERE id = %s", "owner_profile"),
        ("user", "UPDATE public.staff_profiles SET user_id = gen_random_uuid() WHERE id = %s",
         "owner_profile"),
        ("user", "UPDATE public.staff_profiles SET user_id = gen_random_uuid() WHERE id = %s",
         "staff_profiles"),
        ("user", "DELETE FROM public.staff_profiles WHERE id = %s", "owner_profile"),
        ("owner", "UPDATE public.staff_profiles SET role = 'agent' WHERE id = %s", "owner_profile"),
        ("owner", "DELETE FROM public.staff_profiles WHERE id = %s", "owner_profile"),
    ],
)  # fmt: skip
def test_staff_cannot_escalate_or_reassign(
    seeded: Seeded, actor: str, statement: str, target: str
) -> None:
    url, rows = seeded
    with (
        acting_as(url, "authenticated", member_of(rows, A, actor)) as conn,
        pytest.raises(errors.InsufficientPrivilege),
    ):
        conn.execute(statement, [rows[A][target]])
    assert role_of(url, rows[A]["staff_profiles"]) == "agent"
    assert role_of(url, rows[A]["owner_profile"]) == "owner"


def test_an_agent_cannot_add_staff_not_even_an_agent(seeded: Seeded) -> None:
    url, rows = seeded
    with (
        acting_as(url, "authenticated", member_of(rows, A)) as conn,
        pytest.raises(errors.InsufficientPrivilege),
    ):
        conn.execute(
            "INSERT INTO public.staff_profiles (company_id, user_id, full_name, role)"
            " VALUES (%s, %s, 'Second account', 'owner')",
            [rows[A]["companies"], str(uuid.uuid4())],
        )


def test_a_member_may_change_its_own_name(seeded: Seeded) -> None:
    url, rows = seeded
    with acting_as(url, "authenticated", member_of(rows, A)) as conn:
        changed = conn.execute(
            "UPDATE public.staff_profiles SET full_name = 'Renamed' WHERE id = %s",
            [rows[A]["staff_profiles"]],
        ).rowcount
    assert changed == 1


def test_an_owner_may_promote_add_and_remove_other_staff(seeded: Seeded) -> None:
    url, rows = seeded
    with acting_as(url, "authenticated", member_of(rows, A, "owner")) as conn:
        promoted = conn.execute(
            "UPDATE public.staff_profiles SET role = 'manager' WHERE id = %s RETURNING role",
            [rows[A]["staff_profiles"]],
        ).fetchone()
        added = conn.execute(
            "INSERT INTO public.staff_profiles (company_id, user_id, full_name, role)"
            " VALUES (%s, %s, 'New', 'agent') RETURNING id",
            [rows[A]["companies"], str(uuid.uuid4())],
        ).fetchone()
        assert added is not None
        removed = conn.execute(
            "DELETE FROM public.staff_profiles WHERE id = %s", [added[0]]
        ).rowcount
    assert promoted == ("manager",)
    assert removed == 1


def test_service_role_administers_staff(seeded: Seeded) -> None:
    url, rows = seeded
    with acting_as(url, "service_role", {"role": "service_role"}) as conn:
        row = conn.execute(
            "UPDATE public.staff_profiles SET role = 'manager' WHERE id = %s RETURNING role",
            [rows[A]["staff_profiles"]],
        ).fetchone()
    assert row == ("manager",)
