"""`crms-infra residency`: every data-holding resource, from the plan, with country and verdicts."""

import copy
import json
from typing import get_args

import pytest

from crms_infra import cli, cli_inputs
from crms_infra.plan_model import Plan, PlanResource, at, items
from crms_infra.policy_config import PolicyConfig, parse_policy_config, read_policy_config
from crms_infra.residency.classify import UnclassifiedResourceError
from crms_infra.residency.links import PlanIndex
from crms_infra.residency.locations import LegalArea, aws_location, vercel_location
from crms_infra.residency.render import report_json, report_markdown
from crms_infra.residency.report import Entry, Report, residency_report
from stacks import regions
from tests.conftest import REPO, STACKS
from tests.helpers import plan_of

NO_POLICY = PolicyConfig()


def report_of(plan: Plan, policy: PolicyConfig = NO_POLICY) -> Report:
    return residency_report(plan, policy)


def entry(report: Report, name: str) -> Entry:
    (found,) = [item for item in report.entries if item.name == name]
    return found


@pytest.mark.parametrize("stack", STACKS)
def test_every_resource_of_every_stack_is_classified(stack: str) -> None:
    policy = read_policy_config(REPO / "policies", stack)
    report = report_of(plan_of(stack), policy)
    assert {"database-project", "storage-photos", "storage-backups", "cache-redis"} <= {
        item.name for item in report.entries
    }
    assert all(item.meets_rules for item in report.entries)


def test_prod_places_each_store_in_its_country() -> None:
    report = report_of(plan_of("prod"), read_policy_config(REPO / "policies", "prod"))
    database = entry(report, "database-project")
    assert [(where.country, where.area) for where in database.locations] == [
        ("Switzerland", LegalArea.SWITZERLAND)
    ]
    replica = entry(report, "storage-backups-replica")
    assert replica.locations[0].country == "Germany"
    assert replica.locations[0].area is LegalArea.EU_EEA
    assert replica.classification.endswith("replica of storage-backups")
    (allowed,) = [v for v in replica.verdicts if v.rule == "residency-buckets-zurich"]
    assert allowed.status == "meets"
    assert allowed.detail.startswith("allowed outside Zurich: Backup manifests replicated")
    assert entry(report, "storage-backups").replication == [
        "storage-backups-replica in eu-central-1"
    ]
    assert entry(report, "cache-redis").locations[0].area is LegalArea.EU_EEA


def test_a_drain_lies_where_the_ops_app_it_delivers_to_runs() -> None:
    drain = entry(report_of(plan_of("prod")), "drains-logs")
    assert drain.kind == "log drain"
    assert [where.label() for where in drain.locations] == ["fra1 (Frankfurt, Germany)"]
    assert drain.readers[0].startswith("Vercel project crms-ops-production, at https://")
    assert [v.rule for v in drain.verdicts] == ["residency-drains-own-endpoint"]


def test_encryption_and_retention_come_from_the_bucket_configuration() -> None:
    photos = entry(report_of(plan_of("prod")), "storage-photos")
    assert photos.encryption.startswith("SSE-KMS, customer-managed key storage-key")
    assert "versions kept 90 days" in photos.retention
    assert photos.deletion.startswith("protected")


def test_readers_come_from_iam_and_wired_credentials() -> None:
    report = report_of(plan_of("prod"))
    photo_readers = " ".join(entry(report, "storage-photos").readers)
    assert "project:crms-ops-production:environment:production" in photo_readers
    assert "crms-production:" not in photo_readers  # the web project has no role
    database_readers = entry(report, "database-project").readers
    assert "Vercel project crms-ops-production, production (DATABASE_URL)" in database_readers
    assert any(reader.startswith("every browser of crms-production") for reader in database_readers)
    # Prod's database reaches production only: previews read staging's.
    assert not any("preview" in reader for reader in database_readers)
    staging_readers = entry(report_of(plan_of("staging")), "database-project").readers
    assert (
        "Vercel project crms-staging, preview (NEXT_PUBLIC_SUPABASE_ANON_KEY, SUPABASE_SERVICE_KEY)"
        in staging_readers
    )


def test_a_new_bucket_in_the_plan_appears_with_the_packs_verdict() -> None:
    plan = copy.deepcopy(plan_of("prod"))
    (photos,) = [r for r in plan["resources"] if r["name"] == "storage-photos" and r["custom"]]
    stray: PlanResource = {
        **copy.deepcopy(photos),
        "name": "stray",
        "id": "stray-id",
        "urn": photos["urn"].replace("storage-photos", "stray"),
    }
    stray["inputs"]["region"] = "us-east-1"
    plan["resources"].append(stray)
    message = "bucket region 'us-east-1' is not Zurich (eu-central-2)"
    plan["policy"]["violations"].append(
        {
            "policy": "residency-buckets-zurich",
            "level": "mandatory",
            "urn": stray["urn"],
            "message": message,
        }
    )
    found = entry(report_of(plan), "stray")
    assert found.locations[0].area is LegalArea.ELSEWHERE
    assert not found.meets_rules
    (verdict,) = [v for v in found.verdicts if v.rule == "residency-buckets-zurich"]
    assert (verdict.status, verdict.detail, verdict.article) == (
        "violates",
        message,
        "revFADP Art. 16 (disclosure abroad)",
    )


def test_an_unknown_type_stops_the_report() -> None:
    plan = copy.deepcopy(plan_of("dev"))
    unknown: PlanResource = {
        **plan["resources"][0],
        "type": "aws:dynamodb/table:Table",
        "urn": "urn:x::table",
    }
    plan["resources"].append(unknown)
    with pytest.raises(UnclassifiedResourceError, match="unclassified resource urn:x::table"):
        report_of(plan)


def test_the_cli_fails_plainly_on_an_unclassified_resource(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = copy.deepcopy(plan_of("dev"))
    plan["resources"].append({**plan["resources"][0], "type": "aws:sqs/queue:Queue", "urn": "q"})
    monkeypatch.setattr(cli_inputs, "plan_stack", lambda *_: plan)  # every command plans there
    assert cli.main(["residency", "dev"]) == cli.EXIT_ERROR
    assert "error: unclassified resource q (type aws:sqs/queue:Queue)" in capsys.readouterr().err


def test_disabled_rules_and_exemptions_are_shown_as_such() -> None:
    plan = plan_of("dev")
    photos_urn = next(
        r["urn"] for r in plan["resources"] if r["name"] == "storage-photos" and r["custom"]
    )
    exemption = {"urn": photos_urn, "reason": "logs elsewhere", "expires": "2027-01-01"}
    policy = parse_policy_config(
        json.dumps(
            {
                "protect-stateful": {"enforcementLevel": "disabled"},
                "s3-access-logging": {"exemptions": [exemption]},
            }
        ),
        "config.dev.json",
    )
    photos = entry(report_of(plan, policy), "storage-photos")
    statuses = {verdict.rule: (verdict.status, verdict.detail) for verdict in photos.verdicts}
    assert statuses["protect-stateful"] == ("off in this stack", "")
    assert statuses["s3-access-logging"] == ("exempt", "logs elsewhere (until 2027-01-01)")
    assert statuses["s3-encryption"] == ("meets", "")


def test_a_rule_disabled_by_its_object_form_or_by_all_is_never_called_met() -> None:
    """Issue 27, point 4: `{"enforcementLevel": "disabled"}` and `"all": "disabled"` switch a
    rule off for the report as they do for the engine."""
    plan = plan_of("dev")
    for text in ('{"s3-encryption": {"enforcementLevel": "disabled"}}', '{"all": "disabled"}'):
        photos = entry(
            report_of(plan, parse_policy_config(text, "config.dev.json")), "storage-photos"
        )
        statuses = {verdict.rule: verdict.status for verdict in photos.verdicts}
        assert statuses["s3-encryption"] == "off in this stack", text


def test_json_form(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["residency", "prod", "--format", "json"]) == cli.EXIT_OK
    body = json.loads(capsys.readouterr().out)
    assert body["stack"] == "prod"
    assert body["summary"]["violating"] == 0
    database = next(e for e in body["entries"] if e["name"] == "database-project")
    assert database["locations"][0]["area"] == "Switzerland"
    assert database["meetsRules"] is True


def test_the_allow_lists_lie_in_switzerland_or_the_eu() -> None:
    allowed = {LegalArea.SWITZERLAND, LegalArea.EU_EEA}
    for region in (*get_args(regions.AwsEuropeanRegion), *get_args(regions.UpstashEuropeanRegion)):
        assert aws_location(region).area in allowed, region
    for region in get_args(regions.VercelEuropeanRegion):
        assert vercel_location(region).area in allowed, region
    assert vercel_location("lhr1").area is LegalArea.ELSEWHERE
    assert aws_location("eu-central-2").area is LegalArea.SWITZERLAND


PROCESSORS = {"Stripe", "Resend", "Sentry", "Upstash", "Vercel", "Supabase"}


@pytest.mark.parametrize("stack", STACKS)
def test_every_stacks_report_lists_its_processors_in_each_form(stack: str) -> None:
    """Issue 27, point 5: personal data also goes where the stack only hands keys."""
    plan = plan_of(stack)
    report = report_of(plan, read_policy_config(REPO / "policies", stack))
    assert {processor.name for processor in report.processors} == PROCESSORS
    assert report.meets_rules
    stripe = next(p for p in report.processors if p.name == "Stripe")
    assert [where.area for where in stripe.locations] == [LegalArea.ELSEWHERE]
    assert "Data Privacy Framework" in stripe.transfer_basis
    assert all(source["read"] for p in report.processors for source in p.sources)
    body = json.loads(report_json(report))
    assert {p["name"] for p in body["processors"]} == PROCESSORS
    markdown = report_markdown(report, PlanIndex(plan))
    section = markdown.split("## Processors the stack hands keys to")[1].split("## Where")[0]
    assert all(f"| {name} |" in section for name in PROCESSORS)
    diagram = markdown.split("```mermaid")[1]
    assert 'n_processor_Stripe[["Stripe<br/>processor"]]' in diagram
    assert (
        'n_compute_web -->|"STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET"| n_processor_Stripe'
        in diagram
    )


def test_a_key_handed_to_an_undeclared_processor_makes_the_report_fail() -> None:
    plan = copy.deepcopy(plan_of("prod"))
    plan["outputs"]["processors"] = [
        p for p in items(plan["outputs"]["processors"]) if at(p, "name") != "Resend"
    ]
    message = "RESEND_API_KEY hands personal data to Resend, which the stack does not declare"
    plan["policy"]["violations"].append(
        {"policy": "processors-declared", "level": "mandatory", "urn": None, "message": message}
    )
    report = report_of(plan)
    assert report.undeclared == [message]
    assert not report.meets_rules
    assert message in report_markdown(report, PlanIndex(plan))
