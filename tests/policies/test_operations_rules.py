"""The rules of crms_rules/operations.py: each way each fails on the prod stack, and exemptions."""

import dataclasses

from crms_rules import operations
from crms_rules.core import Resource

from tests.policies.views import (
    ALARM,
    BUCKET,
    PHOTOS,
    VARIABLE,
    Failure,
    changed,
    named,
    rule_case_tests,
    without,
)


def _unprotected(view: tuple[Resource, ...], name: str, type_: str) -> list[Resource]:
    target = named(view, name, type_)
    return [dataclasses.replace(r, protect=False) if r is target else r for r in view]


STRIPE_KEY = "sk_live_51Habcdefghijk"


FAILURES: list[Failure] = [
    (
        "alarms-have-actions",
        lambda v: changed(v, "alerts-low-disk-space", ALARM, alarmActions=[]),
        "notifies no one",
    ),
    (
        "alarms-have-actions",
        lambda v: changed(v, "alerts-low-disk-space", ALARM, alarmActions=None),
        "notifies no one",
    ),
    (
        "alarms-seed-rules",
        lambda v: without(v, "alerts-payment-failures", ALARM),
        "payment-failures has no alarm",
    ),
    ("protect-stateful", lambda v: _unprotected(v, PHOTOS, BUCKET), "not protected"),
    (
        "tags-required",
        lambda v: changed(v, PHOTOS, BUCKET, tags={"project": "crms"}),
        "environment, data-classification",
    ),
    (
        "tags-required",
        lambda v: changed(v, "storage-key", "aws:kms/key:Key", tags=None),
        "missing tags",
    ),
    (
        "secrets-vercel-env-sensitive",
        lambda v: changed(
            v, "compute-web-stripe-secret-key", VARIABLE, sensitive=False, value=STRIPE_KEY
        ),
        "STRIPE_SECRET_KEY",
    ),
    (
        "secrets-vercel-env-sensitive",
        lambda v: changed(v, "compute-web-node-env", VARIABLE, value="postgresql://u:pw@host/db"),
        "NODE_ENV",
    ),
    (
        "secrets-plain-outputs",
        lambda v: changed(
            v, "crms-prod", "pulumi:pulumi:Stack", databaseUrl="postgresql://postgres:hunter2@db/x"
        ),
        "databaseUrl",
    ),
]


(
    test_each_way_a_rule_fails,
    test_every_rule_has_a_failure_case,
    test_an_exemption_waives_a_resource_until_it_expires,
) = rule_case_tests(operations.RULES, FAILURES)
