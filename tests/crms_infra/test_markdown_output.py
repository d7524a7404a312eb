"""Every Markdown the CLI writes (plan, diff, residency, cost) parses as meant: each table
row has its header's columns, nothing leaks raw HTML (issue 27, point 2), and no value makes
a link, an image or a mention in any cell or heading (issue 36, finding 5)."""

import copy
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from markdown_it.token import Token

from crms_infra.cli import main
from crms_infra.cost.plan_costs import plan_cost
from crms_infra.cost.render import cost_markdown
from crms_infra.diff.plans import diff_plans
from crms_infra.plan.render import plan_markdown
from crms_infra.plan_model import Plan, PlanResource, PolicySection
from crms_infra.policy_config import read_policy_config
from crms_infra.residency.changes import diff_markdown_with_diagram
from crms_infra.residency.links import PlanIndex
from crms_infra.residency.render import report_markdown
from crms_infra.residency.report import residency_report
from tests.conftest import REPO, STACKS
from tests.crms_infra.commonmark import PARSER, problems, table_count
from tests.helpers import inputs_of, plan_of

HOSTILE = st.lists(
    st.sampled_from([*"ab |`\\<>&\n\r\t*_[]()#-!@:/.1", "\x1b", "https://", "www.", "@team"])
).map("".join)
LINKS = (
    "![x](https://evil.example/i.png) [l](https://evil.example) [r] <https://evil.example>"
    " https://evil.example/x www.evil.example ops@evil.example @crms/ops #12"
)
"""Every way a value could make a link, an image or a mention when GitHub renders it."""


def test_the_check_finds_a_row_broken_by_a_newline_a_pipe_or_html() -> None:
    header = "| a | b |\n|---|---|\n"
    assert problems(header + "| x | one\ntwo |\n")
    assert problems(header + "| x | y | z |\n")
    assert problems(header + "| x | <b>y</b> |\n")
    assert problems(header + "| x | y \\| z |\n") == []


@pytest.mark.parametrize("stack", STACKS)
def test_the_plan_of_every_stack(stack: str) -> None:
    markdown = plan_markdown(plan_of(stack))
    # The resources, and each Vercel project's variables by target.
    assert table_count(markdown) == 3
    assert problems(markdown) == []


@pytest.mark.parametrize("stack", STACKS)
def test_the_residency_report_of_every_stack(stack: str) -> None:
    plan = plan_of(stack)
    report = residency_report(plan, read_policy_config(REPO / "policies", stack))
    markdown = report_markdown(report, PlanIndex(plan))
    assert table_count(markdown) >= 1
    sources = {source["url"] for entry in report.processors for source in entry.sources}
    assert problems(markdown, links=sources) == []


def test_the_check_finds_each_link_image_and_mention() -> None:
    found = problems(f"| a |\n|---|\n| {LINKS} |\n\n### {LINKS}\n")
    assert len([problem for problem in found if problem.startswith("an image")]) == 2
    assert len([problem for problem in found if problem.startswith("a link")]) == 4
    assert len([problem for problem in found if problem.startswith("a mention")]) == 2
    assert len([problem for problem in found if problem.startswith("an autolink")]) == 2
    assert problems("[ours](https://ok.example)", links={"https://ok.example"}) == []


def _edited(plan: Plan) -> Plan:
    """Prod with its last migration grown and a key policy widened, as a pull request might."""
    edited = copy.deepcopy(plan)
    for resource in edited["resources"]:
        inputs = inputs_of(resource)
        if "migrations" in inputs:
            last = sorted(inputs["migrations"])[-1]
            inputs["migrations"][last] += "CREATE INDEX x ON public.t (y); -- a | b ``` c\n"
        if resource["name"] == "storage-key-policy":
            document = json.loads(inputs["policy"])
            document["Statement"][0]["Action"].append("kms:ReplicateKey")
            inputs["policy"] = json.dumps(document)
    return edited


@pytest.mark.parametrize(("before", "after"), [("dev", "prod"), ("prod", "prod-edited")])
def test_the_diff_between_stacks_and_of_an_edit(before: str, after: str) -> None:
    prod = plan_of("prod")
    after_plan = _edited(prod) if after == "prod-edited" else plan_of(after)
    diff = diff_plans(plan_of(before), after_plan, before, after)
    for limit in (60_000, 20_000, 2_000):
        assert problems(diff_markdown_with_diagram(diff, limit=limit)) == [], limit


def _plan_with(value: str) -> Plan:
    resource: PlanResource = {
        "urn": "urn:pulumi:p::crms::crms:index:X$aws:s3/bucket:Bucket::b",
        "type": "aws:s3/bucket:Bucket",
        "name": value or "b",
        "parent": None,
        "id": "b-id",
        "provider": None,
        "custom": True,
        "protect": False,
        "dependencies": [],
        "inputs": {"description": value, "tags": {"note": value}},
    }
    policy: PolicySection = {
        "pack": "p",
        "violations": [{"policy": "r", "level": "advisory", "urn": None, "message": value}],
    }
    return {
        "project": "crms",
        "stack": "p",
        "resources": [resource],
        "outputs": {"o": value},
        "policy": policy,
    }


@given(HOSTILE, HOSTILE)
@example("", "<a>")  # a policy message with raw HTML once broke the Markdown plan
@example("", LINKS)  # stack values once made links, an image and mentions (issue 36)
@settings(max_examples=150, deadline=None)
def test_no_value_breaks_a_plan_a_diff_or_a_residency_report(before: str, after: str) -> None:
    plan = _plan_with(after)
    assert problems(plan_markdown(plan)) == []
    diff = diff_plans(_plan_with(before), plan, "a", "b")
    assert problems(diff_markdown_with_diagram(diff, limit=5_000)) == []
    report = residency_report(plan, read_policy_config(REPO / "policies", "prod"))
    assert report.entries, "the bucket is in the report, its name and values with it"
    assert problems(report_markdown(report, PlanIndex(plan))) == []


@pytest.fixture(scope="module")
def prod_plan() -> Plan:
    return plan_of("prod")


@given(value=HOSTILE.filter(str.strip))
@example(value=LINKS)
@example(value="a`b``c` @team")  # backticks once ended the code span early (issue 36)
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_the_cost_of_a_saved_plan_keeps_every_name_in_its_code_span(
    prod_plan: Plan, value: str
) -> None:
    plan = copy.deepcopy(prod_plan)
    plan["stack"] = value
    for resource in plan["resources"]:
        resource["name"] = f"{value}{resource['name']}"
    cost = plan_cost(plan)
    markdown = cost_markdown(cost)
    assert problems(markdown, links={line.source for line in cost.estimate.lines}) == []
    heading, *cells = _inline_tokens(markdown)
    assert [child.type for child in heading.children or []] == ["text", "code_inline"]
    resources = cells[2 :: len(HEADER)]  # the resource column of every row
    assert len(resources) == len(cost.estimate.lines)
    assert all([c.type for c in cell.children or []] == ["code_inline"] for cell in resources)


HEADER = ("provider", "component", "resource", "what", "quantity", "unit price", "month", "source")


def _inline_tokens(markdown: str) -> list[Token]:
    """The heading's inline token, then each body cell's, row by row."""
    tokens = PARSER.parse(markdown)
    heading = next(tokens[i + 1] for i, t in enumerate(tokens) if t.type == "heading_open")
    body = [tokens[i + 1] for i, t in enumerate(tokens) if t.type == "td_open"]
    return [heading, *body]


LEAVES = ("aws:cloudwatch/metricAlarm:MetricAlarm", "aws:sns/topicSubscription:TopicSubscription")
"""Types no other resource refers to: renaming them leaves the plan whole (and priced)."""


def test_the_diffs_cost_section_keeps_every_name_in_its_code_span(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], unpriced: Callable[[str], None]
) -> None:
    """The monthly change and the guardrail's findings name each resource a change adds: the
    alarms' price made unknown on dev (prod's alarms fall in the free tier, at $0 whatever
    the price), so that the guardrail names them as findings."""
    unpriced("aws:cloudwatch.eu-central-2.alarm_metric_month")
    before = plan_of("dev")
    after = copy.deepcopy(before)
    for resource in after["resources"]:
        if resource["type"] in LEAVES:
            resource["urn"] += f" `{LINKS}`"
    paths = []
    for name, plan in (("before", before), ("after", after)):
        paths.append(tmp_path / f"{name}.json")
        paths[-1].write_text(json.dumps(plan))
    main(["diff", *map(str, paths), "--format", "markdown", "--max-chars", "60000"])
    markdown = capsys.readouterr().out
    assert "line(s) of unknown price added" in markdown  # the guardrail named them
    assert problems(markdown) == []
