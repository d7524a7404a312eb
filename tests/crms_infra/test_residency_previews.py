"""The residency report's previews: a holder of data of their own, whose database and
Stripe mode, and the processors' keys they get (crms_infra/residency/previews.py)."""

import copy
import json

import pytest

from crms_infra.policy_config import PolicyConfig
from crms_infra.residency.links import PlanIndex
from crms_infra.residency.render import report_json, report_markdown
from crms_infra.residency.report import residency_report
from tests.helpers import outputs_of, plan_of

STAGING = "organization/crms/staging"


def test_prods_previews_hold_stagings_data_in_test_mode() -> None:
    plan = plan_of("prod")
    previews = residency_report(plan, PolicyConfig()).previews
    assert previews is not None
    assert (previews.previews.stack, previews.previews.environment) == (STAGING, "staging")
    assert previews.previews.stripe_mode == "test"
    assert previews.production.stripe_mode == "live"
    staging_url = outputs_of(plan_of("staging"))["webDataPlane"]["variables"]
    assert previews.previews.database_url == staging_url["NEXT_PUBLIC_SUPABASE_URL"]
    assert previews.previews.database_url != previews.production.database_url
    assert previews.previews.database.country == "Switzerland"
    assert [verdict.status for verdict in previews.verdicts] == ["meets", "meets"]


def test_the_markdown_and_json_say_whose_database_and_which_stripe_mode() -> None:
    plan = plan_of("prod")
    report = residency_report(plan, PolicyConfig())
    text = report_markdown(report, PlanIndex(plan))
    section = text[text.index("## Previews of pull requests") : text.index("## Where the data")]
    assert f"Their data plane: {STAGING}'s (staging), not this stack's." in section
    assert "| Stripe | live mode | test mode |" in section
    assert "`previews-without-production-secrets` (revFADP Art. 8" in section
    assert (
        "- previews: `STRIPE_SECRET_KEY`, `STRIPE_WEBHOOK_SECRET` of organization/crms/staging, "
        "Stripe in test mode"
    ) in text
    body = json.loads(report_json(report))
    assert body["previews"]["previews"]["stripe_mode"] == "test"
    assert body["previews"]["meetsRules"] is True


@pytest.mark.parametrize("stack", ["dev", "staging"])
def test_other_stacks_previews_use_their_own_data_plane(stack: str) -> None:
    previews = residency_report(plan_of(stack), PolicyConfig()).previews
    assert previews is not None
    assert previews.previews == previews.production
    assert previews.previews.stripe_mode == "test"


def test_a_previews_violation_makes_the_report_fail() -> None:
    plan = copy.deepcopy(plan_of("prod"))
    plan["policy"]["violations"].append(
        {
            "policy": "previews-without-production-secrets",
            "level": "mandatory",
            "urn": None,
            "message": "STRIPE_SECRET_KEY reaches preview with production's own value",
        }
    )
    report = residency_report(plan, PolicyConfig())
    assert report.previews is not None
    assert not report.previews.meets_rules
    assert not report.meets_rules
