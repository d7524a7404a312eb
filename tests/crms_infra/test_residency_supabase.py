"""The residency report on the Supabase project's configuration: auth e-mails leave through
Resend, whose account data lies in the US, and the database's protections are its verdicts."""

import copy

from crms_infra.policy_config import read_policy_config
from crms_infra.residency.classify import NOT_DATA
from crms_infra.residency.locations import LegalArea
from crms_infra.residency.report import residency_report
from tests.conftest import REPO
from tests.helpers import plan_of


def test_auth_emails_are_reported_where_resend_keeps_them() -> None:
    report = residency_report(plan_of("prod"), read_policy_config(REPO / "policies", "prod"))
    (auth,) = [entry for entry in report.entries if entry.name == "database-auth"]
    assert auth.provider.startswith("Resend")
    assert [(where.country, where.area) for where in auth.locations] == [
        ("United States", LegalArea.ELSEWHERE)
    ]
    assert auth.readers[0] == "Resend, sending as no-reply@crms.swiss"
    assert {v.rule for v in auth.verdicts} == {
        "supabase-auth-custom-smtp", "supabase-auth-site-url", "supabase-auth-checklist"
    }  # fmt: skip


def test_a_database_protection_that_fails_shows_on_the_database() -> None:
    plan = copy.deepcopy(plan_of("prod"))
    (project,) = [r for r in plan["resources"] if r["name"] == "database-project"]
    plan["policy"]["violations"].append(
        {
            "policy": "supabase-ssl-enforced",
            "level": "mandatory",
            "urn": project["urn"],
            "message": "the database accepts connections without TLS",
        }
    )
    report = residency_report(plan, read_policy_config(REPO / "policies", "prod"))
    (database,) = [entry for entry in report.entries if entry.name == "database-project"]
    (ssl,) = [v for v in database.verdicts if v.rule == "supabase-ssl-enforced"]
    assert (ssl.status, database.meets_rules) == ("violates", False)
    assert {v.rule for v in database.verdicts} >= {
        "supabase-network-restricted", "supabase-pitr-enabled",
        "supabase-data-api-internal-schemas", "supabase-configuration-managed",
    }  # fmt: skip


def test_the_other_surfaces_are_settings_of_the_project() -> None:
    types = {r["type"] for r in plan_of("prod")["resources"] if r["name"].startswith("database-")}
    settings = {t for t in types if t in NOT_DATA and "Supabase project" in NOT_DATA[t]}
    assert len(settings) == 5  # SSL, network, PITR, Data API, Postgres
