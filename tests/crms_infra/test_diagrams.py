"""The stack and change diagrams are valid Mermaid, by Mermaid's own parser."""

import copy
from typing import Any

from crms_infra import cli
from crms_infra.diff.plans import diff_plans
from crms_infra.plan_model import Plan, PlanResource
from crms_infra.policy_config import PolicyConfig
from crms_infra.residency.changes import change_diagram, diff_markdown_with_diagram
from crms_infra.residency.diagram import stack_diagram
from crms_infra.residency.links import PlanIndex
from crms_infra.residency.report import residency_report
from tests.conftest import STACKS
from tests.crms_infra.mermaid import mermaid_blocks, parse_mermaid
from tests.helpers import inputs_of, plan_of

NO_POLICY = PolicyConfig()


def changed_prod() -> tuple[Plan, Plan]:
    """Prod and a head that adds a bucket, removes an alarm and changes the database."""
    before = plan_of("prod")
    after = copy.deepcopy(before)
    resources = after["resources"]
    bucket = next(r for r in resources if r["type"] == "aws:s3/bucket:Bucket")
    urn = bucket["urn"].rsplit("::", 1)[0] + "::invoices"
    added: PlanResource = {**copy.deepcopy(bucket), "name": "invoices", "urn": urn}
    resources.append(added)
    alarm = next(r for r in resources if r["type"] == "aws:cloudwatch/metricAlarm:MetricAlarm")
    resources.remove(alarm)
    database = next(r for r in resources if r["name"] == "database-project" and r["custom"])
    inputs_of(database)["instance_size"] = "large"
    return before, after


def test_every_stack_diagram_and_change_diagram_parses() -> None:
    diagrams = []
    for stack in STACKS:
        plan = plan_of(stack)
        diagrams.append(stack_diagram(residency_report(plan, NO_POLICY), PlanIndex(plan)))
    before, after = changed_prod()
    diff = diff_plans(before, after, "base", "head")
    detailed = change_diagram(diff, budget=20_000)
    assert detailed is not None
    diagrams += mermaid_blocks(detailed)
    broken = "flowchart LR\n  a -->"  # the parser must refuse this, or it checks nothing
    results = parse_mermaid([*diagrams, broken])
    assert [result["ok"] for result in results] == [True] * len(diagrams) + [False]
    assert {result["type"] for result in results[:-1]} == {"flowchart-v2"}


def test_the_stack_diagram_groups_by_country_and_draws_the_flows() -> None:
    plan = plan_of("prod")
    text = stack_diagram(residency_report(plan, NO_POLICY), PlanIndex(plan))
    switzerland = text.split('["Switzerland"]', 2)[2].split("  end", 1)[0]
    assert "n_database_project" in switzerland
    assert "n_storage_photos" in switzerland
    assert "n_storage_backups_replica" not in switzerland
    assert 'n_compute_ops -->|"DATABASE_URL"| n_database_project' in text
    assert 'n_storage_backups -->|"replication"| n_storage_backups_replica' in text
    assert 'n_compute_ops -->|"OIDC role"| n_storage_photos' in text
    assert '-->|"SNS e-mail"| n_recipient_oncall_crms_ch' in text
    assert 'n_compute_web -->|"every request"| n_drains_logs' in text
    assert 'n_drains_logs -->|"signed HTTPS"| n_compute_ops' in text


def test_the_change_diagram_marks_each_change() -> None:
    before, after = changed_prod()
    block = change_diagram(diff_plans(before, after, "base", "head"), budget=20_000)
    assert block is not None
    assert '["+ Bucket invoices"]:::added' in block
    assert ":::removed" in block
    assert '["~ Project database-project"]:::changed' in block
    assert '["Storage"]' in block
    assert '["Database"]' in block


def test_a_large_change_is_counted_and_stays_within_the_limit() -> None:
    before: Plan = {**plan_of("prod"), "resources": []}
    diff = diff_plans(before, plan_of("prod"), "empty", "prod")  # every resource added
    limit = 8_000
    markdown = diff_markdown_with_diagram(diff, limit=limit)
    assert len(markdown) <= limit
    (block,) = mermaid_blocks(markdown)
    assert "Storage: " in block
    assert " added" in block
    assert parse_mermaid([block]) == [{"ok": True, "type": "flowchart-v2"}]


def test_no_room_means_no_diagram() -> None:
    before, after = changed_prod()
    assert change_diagram(diff_plans(before, after, "base", "head"), budget=50) is None


def test_the_residency_markdown_embeds_a_valid_diagram(capsys: Any) -> None:
    assert cli.main(["residency", "staging", "--format", "markdown"]) == cli.EXIT_OK
    markdown = capsys.readouterr().out
    assert markdown.startswith("# Data residency: `crms` stack `staging`")
    (block,) = mermaid_blocks(markdown)
    assert parse_mermaid([block])[0]["ok"] is True


def test_the_diagram_never_takes_what_the_text_needs() -> None:
    before, after = changed_prod()
    diff = diff_plans(before, after, "base", "head")
    for limit in (1_000, 1_300, 4_000, 20_000):
        assert len(diff_markdown_with_diagram(diff, limit=limit)) <= limit
    assert "```mermaid" in diff_markdown_with_diagram(diff, limit=20_000)
