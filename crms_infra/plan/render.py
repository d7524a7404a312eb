"""Render a plan as a tree (text), as JSON (the stable contract), or as Markdown."""

import json
from collections import defaultdict

from pydantic import JsonValue

from crms_infra.cost.summary import monthly_total_line
from crms_infra.markdown import code_span, one_line, table_cell, table_code
from crms_infra.plan.summaries import summary
from crms_infra.plan.variable_targets import variables_markdown
from crms_infra.plan_model import Plan, PlanResource
from crms_infra.residency.links import PlanIndex
from stacks.escape import json_text

MAX_SETTINGS_SHOWN = 8
MAX_VALUE_WIDTH = 60
MAX_NESTED_WIDTH = 200
"""A nested input ({...} / [...]) gets more room: its parts are what a reviewer reads."""


def plan_json(plan: Plan) -> str:
    """Byte-stable JSON: keys sorted, resources already ordered by URN, unprintable
    characters (a bidirectional override, a line separator) as JSON escapes."""
    return json_text(json.dumps(plan, indent=2, sort_keys=True, ensure_ascii=False)) + "\n"


def plan_text(plan: Plan) -> str:
    index = PlanIndex(plan)
    children = _children_by_parent(plan)
    roots = [resource for resource in plan["resources"] if resource["parent"] is None]
    lines = [f"{plan['project']} / {plan['stack']}: {_counts(plan)}", ""]
    for root in roots:
        lines.extend(_tree_lines(root, children, index, prefix="", is_last=True, is_root=True))
    lines.extend(["", "Outputs:"])
    lines.extend(f"  {name}: {_short(value)}" for name, value in sorted(plan["outputs"].items()))
    head, *violations = _policy_lines(plan)
    lines.extend(["", head, *(f"  {line}" for line in violations)])
    lines.extend(["", monthly_total_line(plan)])
    return "\n".join(lines) + "\n"


def plan_markdown(plan: Plan) -> str:
    index = PlanIndex(plan)
    title = f"### {code_span(plan['project'])} / {code_span(plan['stack'])}: {_counts(plan)}"
    lines = [title, ""]
    lines += ["| resource | type | parent | what matters | settings |", "|---|---|---|---|---|"]
    for resource in plan["resources"]:
        parent = index.by_urn.get(resource["parent"] or "")
        flags = (" (protected)" if resource["protect"] else "") + (
            " (stale build)" if "stale" in resource else ""
        )
        cells = [
            table_code(resource["name"]) + flags,
            table_code(resource["type"]),
            table_cell(parent["name"] if parent else ""),
            table_cell(summary(resource, index)),
            table_cell(_settings_summary(resource)),
        ]
        lines.append(f"| {' | '.join(cells)} |")
    lines += variables_markdown(plan)
    lines.extend(["", "**Outputs**", ""])
    lines.extend(
        f"- {code_span(name)}: {code_span(_short(value))}"
        for name, value in sorted(plan["outputs"].items())
    )
    head, *violations = _policy_lines(plan)
    # A pack's message is text, never Markdown: escaped as a table cell is (no raw HTML).
    lines.extend(["", table_cell(head), "", *(f"- {table_cell(line)}" for line in violations)])
    lines.extend(["", monthly_total_line(plan)])
    return "\n".join(lines).rstrip("\n") + "\n"


def _counts(plan: Plan) -> str:
    custom = sum(1 for resource in plan["resources"] if resource["custom"])
    components = sum(
        1
        for resource in plan["resources"]
        if not resource["custom"] and resource["type"] != "pulumi:pulumi:Stack"
    )
    return f"{custom} resources in {components} components"


def _policy_lines(plan: Plan) -> list[str]:
    """The pack's verdict, then one line per violation."""
    policy = plan["policy"]
    if not policy["pack"]:
        return ["Policy: no policy pack evaluated."]
    violations = policy["violations"]
    if not violations:
        return [one_line(f"Policy: {policy['pack']}: no violations.")]
    return [one_line(f"Policy: {policy['pack']}: {len(violations)} violation(s)")] + [
        one_line(
            f"[{violation['level']}] {violation['policy']}: {violation['message']}"
            f" ({violation['urn'] or 'stack'})"
        )
        for violation in violations
    ]


def _children_by_parent(plan: Plan) -> dict[str, list[PlanResource]]:
    children: dict[str, list[PlanResource]] = defaultdict(list)
    for resource in plan["resources"]:
        if resource["parent"] is not None:
            children[resource["parent"]].append(resource)
    return children


def _tree_lines(
    resource: PlanResource,
    children: dict[str, list[PlanResource]],
    index: PlanIndex,
    prefix: str,
    is_last: bool,
    is_root: bool = False,
) -> list[str]:
    branch = "" if is_root else ("└─ " if is_last else "├─ ")
    flags = ("  [protected]" if resource["protect"] else "") + (
        "  [stale build: make build]" if "stale" in resource else ""
    )
    lines = [one_line(f"{prefix}{branch}{resource['name']}  ({resource['type']}){flags}")]
    child_prefix = prefix if is_root else prefix + ("   " if is_last else "│  ")
    kids = children.get(resource["urn"], [])
    indent = f"{child_prefix}{'│  ' if kids else '   '}"
    for detail in (_settings_summary(resource), summary(resource, index)):
        if detail:
            lines.append(one_line(f"{indent}{detail}"))
    for number, kid in enumerate(kids):
        lines.extend(_tree_lines(kid, children, index, child_prefix, number == len(kids) - 1))
    return lines


def _settings_summary(resource: PlanResource) -> str:
    """The resource's inputs, a few of them, as `key=value`; nested ones in one line."""
    settings = [
        f"{key}={_short(value)}"
        for key, value in sorted(resource["inputs"].items())
        if not key.startswith("__")
    ]
    shown = settings[:MAX_SETTINGS_SHOWN]
    if len(settings) > MAX_SETTINGS_SHOWN:
        shown.append(f"(+{len(settings) - MAX_SETTINGS_SHOWN} more)")
    return " ".join(shown)


def _short(value: JsonValue) -> str:
    if isinstance(value, dict | list):
        return _clip(_one_line(value), MAX_NESTED_WIDTH)
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    return _clip(text, MAX_VALUE_WIDTH)


def _one_line(value: JsonValue) -> str:
    """`{a=1, b=[x, y]}`: nested values readable in one line, keys sorted."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={_one_line(v)}" for k, v in sorted(value.items())) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_one_line(item) for item in value) + "]"
    return value if isinstance(value, str) else json.dumps(value)


def _clip(text: str, width: int) -> str:
    text = one_line(text)
    return text if len(text) <= width else text[: width - 1] + "…"
