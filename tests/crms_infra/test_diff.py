"""`crms-infra diff`: added, removed and changed resources, and the Markdown size limit."""

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crms_infra.diff import (
    MARKDOWN_LIMIT,
    MARKDOWN_MINIMUM,
    diff_json,
    diff_markdown,
    diff_plans,
    diff_text,
)


def resource(name: str, stack: str = "prod", **inputs: Any) -> dict[str, Any]:
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


def plan(stack: str, resources: list[dict[str, Any]], **outputs: Any) -> dict[str, Any]:
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
