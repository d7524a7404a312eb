"""`crms-infra diff`: added, removed and changed resources, and the Markdown size limit."""

import copy
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import JsonValue

from crms_infra.diff.plans import (
    MARKDOWN_LIMIT,
    MARKDOWN_MINIMUM,
    diff_json,
    diff_markdown,
    diff_plans,
    diff_text,
)
from crms_infra.diff.values import ABSENT, show_change
from crms_infra.plan_model import Plan, PlanResource


def resource(name: str, stack: str = "prod", **inputs: JsonValue) -> PlanResource:
    return {
        "urn": f"urn:pulumi:{stack}::crms::crms:index:Storage$aws:s3/bucket:Bucket::{name}",
        "type": "aws:s3/bucket:Bucket",
        "name": name,
        "parent": None,
        "id": f"{name}-id",
        "provider": None,
        "custom": True,
        "protect": False,
        "dependencies": [],
        "inputs": inputs,
    }


def plan(stack: str, resources: list[PlanResource], **outputs: JsonValue) -> Plan:
    return {
        "project": "crms",
        "stack": stack,
        "resources": resources,
        "outputs": outputs,
        "policy": {"pack": "", "violations": []},
    }


def test_added_removed_and_changed() -> None:
    before = plan("prod", [resource("photos", versioning=False), resource("old")], url="a")
    after = plan("prod", [resource("photos", versioning=True), resource("new")], url="b")
    diff = diff_plans(before, after, "base", "head")
    assert diff.added == ["crms:index:Storage$aws:s3/bucket:Bucket::new"]
    assert diff.removed == ["crms:index:Storage$aws:s3/bucket:Bucket::old"]
    (changed,) = diff.changed
    assert changed.name == "photos"
    assert [(c.path, c.before, c.after) for c in changed.changes] == [
        ("inputs.versioning", False, True)
    ]
    assert [(c.path, c.before, c.after) for c in diff.outputs] == [("url", "a", "b")]
    text = diff_text(diff)
    assert "+ crms:index:Storage$aws:s3/bucket:Bucket::new" in text
    assert "inputs.versioning: false → true" in text
    assert '"added"' in diff_json(diff)


def test_protection_change_is_a_change() -> None:
    protected = resource("photos")
    protected["protect"] = True
    diff = diff_plans(plan("prod", [resource("photos")]), plan("prod", [protected]), "a", "b")
    assert [c.path for c in diff.changed[0].changes] == ["protect"]


def test_stacks_compare_by_type_and_name_not_stack() -> None:
    dev = plan("dev", [resource("photos", stack="dev", ref="urn:pulumi:dev::crms::x::y")])
    prod = plan("prod", [resource("photos", stack="prod", ref="urn:pulumi:prod::crms::x::y")])
    diff = diff_plans(dev, prod, "dev", "prod")
    assert diff.is_empty


def test_property_added_shows_as_absent_before() -> None:
    diff = diff_plans(
        plan("p", [resource("a")]), plan("p", [resource("a", tags={"x": 1})]), "a", "b"
    )
    assert "(absent)" in diff_text(diff)


def test_unchanged_plans_say_so() -> None:
    same = plan("prod", [resource("photos")])
    assert "no changes" in diff_markdown(diff_plans(same, copy.deepcopy(same), "a", "b"))


def test_markdown_of_a_huge_diff_stays_under_the_limit_and_says_so() -> None:
    before = plan("prod", [resource(f"b{i:05}", policy="x" * 300) for i in range(3000)])
    after = plan("prod", [resource(f"b{i:05}", policy="y" * 300) for i in range(3000)])
    after["resources"] += [resource(f"new{i:05}") for i in range(3000)]
    markdown = diff_markdown(diff_plans(before, after, "base", "head"))
    assert len(markdown) <= MARKDOWN_LIMIT
    assert "summarised" in markdown
    assert "cut at the comment's limit" in markdown


def test_markdown_summary_when_details_alone_are_too_long() -> None:
    before = plan("prod", [resource(f"b{i:03}", policy="x" * 2000) for i in range(300)])
    after = plan("prod", [resource(f"b{i:03}", policy="y" * 2000) for i in range(300)])
    markdown = diff_markdown(diff_plans(before, after, "base", "head"))
    assert len(markdown) <= MARKDOWN_LIMIT
    assert "summarised" in markdown
    assert "cut" not in markdown
    assert markdown.count("inputs.policy") == 300


@given(st.integers(min_value=MARKDOWN_MINIMUM, max_value=30_000))
@settings(max_examples=60, deadline=None)
def test_markdown_never_exceeds_any_limit_from_the_minimum(limit: int) -> None:
    before = plan("prod", [resource(f"b{i:03}", policy="x" * 200) for i in range(200)])
    after = plan("prod", [resource(f"b{i:03}", policy="y" * 200) for i in range(200)])
    after["resources"] += [resource(f"new-with-a-long-name-{i:05}") for i in range(200)]
    label = "plans/" + "very-long-directory-name/" * 8 + "head.json"
    markdown = diff_markdown(diff_plans(before, after, label, label), limit=limit)
    assert len(markdown) <= limit
    assert "crms-infra diff" in markdown, "the note saying it is shortened is kept"


def test_a_limit_below_the_minimum_is_refused() -> None:
    diff = diff_plans(plan("p", [resource("a")]), plan("p", [resource("b")]), "a", "b")
    with pytest.raises(ValueError, match="at least 1,000"):
        diff_markdown(diff, limit=100)


def _policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


ADMIN = {
    "Sid": "KeyAdministration",
    "Effect": "Allow",
    "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
    "Action": ["kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*"],
    "Resource": "*",
}
USE = {
    "Effect": "Allow",
    "Principal": {"AWS": "arn:aws:iam::123456789012:role/identity-app"},
    "Action": ["kms:Decrypt"],
    "Resource": "*",
    "Condition": {"StringEquals": {"kms:ViaService": "s3.eu-central-2.amazonaws.com"}},
}


def _policy_diff(before: str, after: str) -> tuple[str, str]:
    diff = diff_plans(
        plan("prod", [resource("key", policy=before)]),
        plan("prod", [resource("key", policy=after)]),
        "base",
        "head",
    )
    return diff_text(diff), diff_markdown(diff)


def test_an_edited_key_policy_shows_the_changed_statement_whole() -> None:
    """Issue 27, point 1: an appended action deep in a long policy shows, in its statement."""
    widened = {**ADMIN, "Action": [*ADMIN["Action"], "kms:Decrypt"]}
    for shown in _policy_diff(_policy(ADMIN, USE), _policy(widened, USE)):
        assert '@@ statement "KeyAdministration" changed @@' in shown
        assert '+    "kms:Decrypt"' in shown
        assert '     "kms:Create*",' in shown  # the rest of the statement, as context
        assert "identity-app" not in shown  # an unchanged statement stays out


def test_statements_without_a_sid_are_known_by_effect_principal_action_resource() -> None:
    narrower = {**USE, "Condition": {"StringEquals": {"kms:ViaService": "s3.x.amazonaws.com"}}}
    text, _ = _policy_diff(_policy(ADMIN, USE), _policy(ADMIN, narrower))
    assert "1 statement(s) changed" in text
    assert '+      "kms:ViaService": "s3.x.amazonaws.com"' in text
    other_action = {**USE, "Action": ["kms:Encrypt"]}
    text, _ = _policy_diff(_policy(ADMIN, USE), _policy(ADMIN, other_action))
    assert "1 statement(s) added, 1 statement(s) removed" in text
    assert '-    "kms:Decrypt"' in text
    assert '+    "kms:Encrypt"' in text


def test_a_line_appended_to_a_migration_shows() -> None:
    """Issue 27, point 1: a line added to the end of a long SQL file."""
    sql = "".join(f"CREATE INDEX i{n} ON public.t{n} (company_id);\n" for n in range(20))
    before = plan("prod", [resource("schema", migrations={"003_indexes.sql": sql})])
    after = plan("prod", [resource("schema", migrations={"003_indexes.sql": sql + "SELECT 1;\n"})])
    diff = diff_plans(before, after, "base", "head")
    for shown in (diff_text(diff), diff_markdown(diff)):
        assert "1 line(s) added, 0 removed" in shown
        assert "+SELECT 1;" in shown
        assert "i0 " not in shown  # three lines of context, not the whole file


def test_markdown_puts_large_changes_in_fenced_blocks_that_nothing_inside_closes() -> None:
    sql = "-- a ``` fence inside\nSELECT 1;\n"
    diff = diff_plans(
        plan("prod", [resource("schema", sql="SELECT 0;\n")]),
        plan("prod", [resource("schema", sql=sql)]),
        "base",
        "head",
    )
    markdown = diff_markdown(diff)
    assert "    ````diff\n" in markdown
    assert "    +-- a ``` fence inside\n" in markdown


@given(st.text(max_size=400), st.text(max_size=400))
@settings(max_examples=200, deadline=None)
def test_a_change_never_shows_as_only_what_stayed(before: str, after: str) -> None:
    """Whatever two values are, the diff shows a line that differs, or both sides inline."""
    if before == after:
        return
    shown = show_change(before, after)
    if shown.inline is not None:
        assert shown.inline[0] != shown.inline[1]
    else:
        assert any(line[:1] in "+-" or line.startswith("@@ only") for line in shown.lines)


def test_a_deployments_thousand_files_are_compared_by_path_not_shown_whole() -> None:
    """A build's `files` map (path to size~hash) names what changed and counts the rest, so
    that a rebuilt app leaves room in the comment for every other change."""
    files: dict[str, JsonValue] = {
        f"build/ops-prod/.vercel/output/f{n:04}.py": f"{n}~{n:040x}" for n in range(1000)
    }
    edited: dict[str, JsonValue] = {
        **files,
        "build/ops-prod/.vercel/output/f0007.py": "8~" + "f" * 40,
    }
    del edited["build/ops-prod/.vercel/output/f0008.py"]
    before = plan("prod", [resource("ops", files=files, env="development")])
    after = plan("prod", [resource("ops", files=edited, env="production")])
    diff = diff_plans(before, after, "base", "head")
    (changed,) = diff.changed
    assert [change.path for change in changed.changes] == ["inputs.env", "inputs.files"]
    shown = show_change(files, edited)
    assert shown.summary == "999 entries: 0 added, 1 removed, 1 changed"
    assert shown.lines == [
        "-build/ops-prod/.vercel/output/f0008.py",
        "~build/ops-prod/.vercel/output/f0007.py",
    ]
    markdown = diff_markdown(diff)
    assert '`"development"` → `"production"`' in markdown
    assert len(markdown) < 2_000
    first_build = show_change(ABSENT, files)
    assert first_build.summary == "1,000 entries: 1,000 added, 0 removed, 0 changed"
    assert first_build.lines[-1] == "@@ and 980 more added @@"


def test_no_line_of_a_diff_reads_as_a_workflow_command() -> None:
    """A changed value's lines are printed indented; the runner reads `::command` after
    leading spaces and `##[command]` anywhere (actions/runner ActionCommand.cs)."""
    sql = "select 1;\n::error file=README.md::injected\n##[error]old form\n"
    before = plan("prod", [resource("schema", sql="select 1;\n")])
    after = plan("prod", [resource("schema", sql=sql)])
    diff = diff_plans(before, after, "base", "head")
    for output in (diff_text(diff), diff_markdown(diff)):
        assert "injected" in output
        for line in output.splitlines():
            assert not line.lstrip().startswith("::"), line
            assert "##[" not in line, line
