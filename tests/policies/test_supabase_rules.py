"""The rules of crms_rules/supabase.py: each way each fails on the prod stack, and exemptions."""

from crms_rules import supabase
from crms_rules.core import Resource

from tests.policies.views import (
    Failure,
    broken,
    changed,
    rule_case_tests,
    stack_view,
    violations,
    without,
)

AUTH, SSL, NETWORK = supabase.AUTH, supabase.SSL, supabase.NETWORK
MIXED = ["0.0.0.0/0", "::/0", "185.199.108.0/22"]


def _ssl_off(view: tuple[Resource, ...]) -> list[Resource]:
    return changed(view, "database-ssl-enforcement", SSL, database=False)


FAILURES: list[Failure] = [
    (
        "supabase-configuration-managed",
        lambda v: without(v, "database-postgres-config", supabase.POSTGRES),
        "no Postgres settings resource",
    ),
    (
        "supabase-configuration-managed",
        lambda v: without(v, "database-auth", AUTH),
        "no Auth configuration resource",
    ),
    ("supabase-ssl-enforced", _ssl_off, "accepts connections without TLS"),
    (
        "supabase-ssl-enforced",
        lambda v: without(v, "database-ssl-enforcement", SSL),
        "without TLS",
    ),
    (
        "supabase-network-restricted",
        lambda v: without(v, "database-network-restrictions", NETWORK),
        "no network restrictions resource",
    ),
    (
        "supabase-network-restricted",
        lambda v: _ssl_off(tuple(v)),
        "open to every address without TLS",
    ),
    (
        "supabase-network-restricted",
        lambda v: changed(v, "database-password", supabase.PASSWORD, length=16),
        "not a generated one of at least 32",
    ),
    (
        "supabase-network-restricted",
        lambda v: changed(v, "database-network-restrictions", NETWORK, allowed_cidrs=MIXED),
        "reads as restricted but lets every address in",
    ),
    (
        "supabase-pitr-enabled",
        lambda v: changed(v, "database-pitr", supabase.PITR, variant="none"),
        "no point-in-time recovery",
    ),
    (
        "supabase-data-api-internal-schemas",
        lambda v: changed(v, "database-data-api", supabase.DATA_API, db_schema="public, audit"),
        "exposes audit",
    ),
    (
        "supabase-data-api-internal-schemas",
        lambda v: without(v, "database-data-api", supabase.DATA_API),
        "Supabase's defaults",
    ),
    (
        "supabase-auth-custom-smtp",
        lambda v: changed(v, "database-auth", AUTH, smtp_host=None),
        "Supabase's own SMTP (no smtp_host)",
    ),
    (
        "supabase-auth-site-url",
        lambda v: changed(v, "database-auth", AUTH, site_url="http://localhost:3000"),
        "is not https",
    ),
    (
        "supabase-auth-site-url",
        lambda v: changed(v, "database-auth", AUTH, site_url="https://localhost:3000"),
        "points at localhost",
    ),
    (
        "supabase-auth-site-url",
        lambda v: changed(
            v, "database-auth", AUTH, uri_allow_list="https://crms.swiss/**,https://127.0.0.1/x"
        ),
        "uri_allow_list 'https://127.0.0.1/x' points at localhost",
    ),
    (
        "supabase-auth-checklist",
        lambda v: changed(v, "database-auth", AUTH, mailer_otp_exp=86400),
        "valid 86400 s",
    ),
    (
        "supabase-auth-checklist",
        lambda v: changed(v, "database-auth", AUTH, mailer_autoconfirm=True),
        "confirmations are off",
    ),
    (
        "supabase-auth-checklist",
        lambda v: changed(v, "database-auth", AUTH, mfa_totp_verify_enabled=False),
        "TOTP",
    ),
    (
        "supabase-auth-checklist",
        lambda v: changed(v, "database-auth", AUTH, password_min_length=6),
        "fewer than 8",
    ),
    (
        "supabase-auth-checklist",
        lambda v: changed(v, "database-auth", AUTH, password_hibp_enabled=False),
        "leaked passwords",
    ),
]


(
    test_each_way_a_rule_fails,
    test_every_rule_has_a_failure_case,
    test_an_exemption_waives_a_resource_until_it_expires,
) = rule_case_tests(supabase.RULES, FAILURES)


def test_a_narrow_allow_list_needs_no_compensating_control() -> None:
    """Restricted to named ranges, the rule asks nothing of TLS or the password (the SSL
    rule still does)."""
    narrow = ["185.199.108.0/22"]
    view = changed(
        stack_view("prod"), "database-network-restrictions", NETWORK, allowed_cidrs=narrow
    )
    view = changed(tuple(view), "database-password", supabase.PASSWORD, length=12)
    assert violations("supabase-network-restricted", _ssl_off(tuple(view))) == []


def test_stack_rules_name_the_project_so_the_residency_report_sees_them() -> None:
    view, urns = broken("supabase-ssl-enforced", _ssl_off)
    (project,) = [r for r in view if r.type == supabase.PROJECT]
    assert urns == [project.urn]
