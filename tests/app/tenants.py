"""Two seeded companies and a way to act as a member of one, for the schema tests."""

import contextlib
import json
import uuid
from collections.abc import Iterator
from typing import Any

import psycopg
from psycopg import sql

TENANT_TABLES = [
    "companies",
    "staff_profiles",
    "customers",
    "vehicles",
    "contracts",
    "payments",
    "photos",
]
A, B = "company_a", "company_b"


def key_column(table: str) -> str:
    return "id" if table == "companies" else "company_id"


Seeded = tuple[str, dict[str, dict[str, str]]]
"""A migrated database's URL, and the ids of each company's rows by table."""


def seed_company(conn: psycopg.Connection, label: str) -> dict[str, str]:
    def insert(table: str, values: dict[str, Any]) -> str:
        query = sql.SQL("INSERT INTO public.{} ({}) VALUES ({}) RETURNING id::text").format(
            sql.Identifier(table),
            sql.SQL(", ").join(map(sql.Identifier, values)),
            sql.SQL(", ").join(sql.Placeholder() * len(values)),
        )
        row = conn.execute(query, list(values.values())).fetchone()
        assert row is not None
        return str(row[0])

    ids: dict[str, str] = {"user": str(uuid.uuid4()), "owner": str(uuid.uuid4())}
    ids["companies"] = company = insert("companies", {"name": label})
    ids["staff_profiles"] = insert(
        "staff_profiles",
        {"company_id": company, "user_id": ids["user"], "full_name": "Staff", "role": "agent"},
    )
    ids["owner_profile"] = insert(
        "staff_profiles",
        {"company_id": company, "user_id": ids["owner"], "full_name": "Owner", "role": "owner"},
    )
    ids["customers"] = insert("customers", {"company_id": company, "full_name": "Kundin"})
    ids["vehicles"] = insert(
        "vehicles",
        {"company_id": company, "plate": f"ZH-{label}", "make": "VW", "model": "Golf",
         "daily_rate_chf": 89},
    )  # fmt: skip
    ids["contracts"] = insert(
        "contracts",
        {"company_id": company, "customer_id": ids["customers"], "vehicle_id": ids["vehicles"],
         "starts_at": "2026-12-01T08:00Z", "ends_at": "2026-12-03T08:00Z", "total_chf": 178},
    )  # fmt: skip
    ids["payments"] = insert(
        "payments",
        {"company_id": company, "contract_id": ids["contracts"], "amount_chf": 178,
         "status": "succeeded"},
    )  # fmt: skip
    ids["photos"] = insert(
        "photos",
        {"company_id": company, "vehicle_id": ids["vehicles"], "content_type": "image/jpeg",
         "storage_key": f"{company}/vehicles/front.jpg", "size_bytes": 1024},
    )  # fmt: skip
    return ids


@contextlib.contextmanager
def acting_as(url: str, role: str, claims: dict[str, Any]) -> Iterator[psycopg.Connection]:
    """A transaction as PostgREST runs one: the role set, the JWT claims in a setting."""
    with psycopg.connect(url) as conn:
        conn.execute("SELECT set_config('request.jwt.claims', %s, true)", [json.dumps(claims)])
        conn.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(role)))
        try:
            yield conn
        finally:
            conn.rollback()


def member_of(rows: dict[str, dict[str, str]], company: str, user: str = "user") -> dict[str, Any]:
    """The JWT claims of a company's agent, or of its owner with user="owner"."""
    return {
        "sub": rows[company][user],
        "role": "authenticated",
        "company_id": rows[company]["companies"],
    }
