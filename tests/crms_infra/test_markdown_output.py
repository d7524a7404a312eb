"""Every Markdown the CLI writes (plan, diff, residency) parses as meant: each table row
has its header's columns, nothing leaks raw HTML (issue 27, point 2)."""

import copy
import json

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from crms_infra.diff import diff_plans
from crms_infra.plan_model import Plan, PlanResource, PolicySection
from crms_infra.policy_config import read_policy_config
from crms_infra.render import plan_markdown
from crms_infra.residency.changes import diff_markdown_with_diagram
from crms_infra.residency.links import PlanIndex
from crms_infra.residency.render import report_markdown
from crms_infra.residency.report import residency_report
from tests.conftest import REPO, STACKS
from tests.crms_infra.commonmark import problems, table_count
from tests.helpers import inputs_of, plan_of

HOSTILE = st.text(alphabet=st.sampled_from([*"ab |`\\<>&\n\r\t*_[]()#-", "\x1b"]))


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
    assert problems(markdown) == []


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
@settings(max_examples=150, deadline=None)
def test_no_value_breaks_a_plan_or_a_diff(before: str, after: str) -> None:
    assert problems(plan_markdown(_plan_with(after))) == []
    diff = diff_plans(_plan_with(before), _plan_with(after), "a", "b")
    assert problems(diff_markdown_with_diagram(diff, limit=5_000)) == []
