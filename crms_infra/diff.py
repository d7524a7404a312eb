"""Compare two plans: resources added, removed and changed, with the changed properties.

Resources are matched by type and name (the URN without its stack), so a diff
works both between two revisions of one stack and between two stacks.
"""

import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from crms_infra.offline.engine import Plan

STACK_TYPE = "pulumi:pulumi:Stack"
MARKDOWN_LIMIT = 60_000
"""Characters a pull-request comment may hold here (GitHub's limit is 65,536)."""
MARKDOWN_MINIMUM = 1_000
"""The smallest limit that always fits the heading's notes, so that the limit is a ceiling."""


@dataclass(frozen=True)
class Change:
    path: str
    before: Any
    after: Any


@dataclass(frozen=True)
class ResourceChange:
    key: str
    type: str
    name: str
    changes: list[Change]


@dataclass(frozen=True)
class PlanDiff:
    before: str
    after: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[ResourceChange] = field(default_factory=list)
    outputs: list[Change] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.outputs)


def diff_plans(before: Plan, after: Plan, before_label: str, after_label: str) -> PlanDiff:
    old = _by_key(before)
    new = _by_key(after)
    changed = []
    for key in sorted(old.keys() & new.keys()):
        changes = _compare(_comparable(old[key]), _comparable(new[key]), "")
        if changes:
            changed.append(ResourceChange(key, new[key]["type"], new[key]["name"], changes))
    return PlanDiff(
        before=before_label,
        after=after_label,
        added=sorted(new.keys() - old.keys()),
        removed=sorted(old.keys() - new.keys()),
        changed=changed,
        outputs=_compare(
            _unstacked(before["outputs"], before["stack"]),
            _unstacked(after["outputs"], after["stack"]),
            "",
        ),
    )


def diff_json(diff: PlanDiff) -> str:
    return json.dumps(asdict(diff), indent=2, sort_keys=True, default=repr) + "\n"


def diff_text(diff: PlanDiff) -> str:
    lines = [f"{diff.before} -> {diff.after}: {_summary(diff)}"]
    lines.extend(f"+ {key}" for key in diff.added)
    lines.extend(f"- {key}" for key in diff.removed)
    for resource in diff.changed:
        lines.append(f"~ {resource.key}")
        lines.extend(f"    {_change_line(change)}" for change in resource.changes)
    if diff.outputs:
        lines.append("~ outputs")
        lines.extend(f"    {_change_line(change)}" for change in diff.outputs)
    return "\n".join(lines) + "\n"


def diff_markdown(diff: PlanDiff, limit: int = MARKDOWN_LIMIT) -> str:
    """A pull-request comment; never longer than `limit`, summarised (and saying so) if need be."""
    if limit < MARKDOWN_MINIMUM:
        raise ValueError(f"a Markdown diff needs a limit of at least {MARKDOWN_MINIMUM:,}")
    full = _markdown(diff, detailed=True)
    if len(full) <= limit:
        return full
    note = (
        f"\n_The full diff is {len(full):,} characters, over this comment's "
        f"{limit:,}; shown summarised. Run `crms-infra diff` for all of it._\n"
    )
    summary = _markdown(diff, detailed=False) + note
    if len(summary) <= limit:
        return summary
    cut_note = note + "_The list is cut at the comment's limit._\n"
    head = summary[: limit - len(cut_note)]
    return head[: head.rfind("\n") + 1] + cut_note


def _markdown(diff: PlanDiff, detailed: bool) -> str:
    lines = [f"### Plan diff `{diff.before}` → `{diff.after}`", "", f"**{_summary(diff)}**", ""]
    if diff.added:
        lines.extend(["#### Added", *[f"- `{key}`" for key in diff.added], ""])
    if diff.removed:
        lines.extend(["#### Removed", *[f"- `{key}`" for key in diff.removed], ""])
    if diff.changed:
        lines.append("#### Changed")
        for resource in diff.changed:
            if detailed:
                lines.append(f"- `{resource.key}`")
                lines.extend(
                    f"  - {_change_line(change, code=True)}" for change in resource.changes
                )
            else:
                paths = ", ".join(change.path for change in resource.changes)
                lines.append(f"- `{resource.key}`: {paths}")
        lines.append("")
    if diff.outputs:
        lines.append("#### Outputs")
        lines.extend(f"- {_change_line(change, code=True)}" for change in diff.outputs)
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def _summary(diff: PlanDiff) -> str:
    if diff.is_empty:
        return "no changes"
    return (
        f"{len(diff.added)} added, {len(diff.removed)} removed, "
        f"{len(diff.changed)} changed, {len(diff.outputs)} output(s) changed"
    )


def _change_line(change: Change, code: bool = False) -> str:
    quote = "`" if code else ""
    before = _show(change.before)
    after = _show(change.after)
    return f"{quote}{change.path}{quote}: {quote}{before}{quote} → {quote}{after}{quote}"


def _show(value: Any) -> str:
    if value is _ABSENT:
        return "(absent)"
    text = json.dumps(value, sort_keys=True)
    return text if len(text) <= 200 else text[:199] + "…"


class _Absent:
    def __repr__(self) -> str:
        return "(absent)"


_ABSENT = _Absent()


def _by_key(plan: Plan) -> dict[str, dict[str, Any]]:
    return {_key(resource["urn"]): resource for resource in plan["resources"]}


def _key(urn: str) -> str:
    """`urn:pulumi:prod::crms::aws:s3/bucket:Bucket::photos` -> `aws:s3/bucket:Bucket::photos`.

    The root stack is named after its stack, so it is keyed by its type alone.
    """
    key = urn.split("::", 2)[2]
    return STACK_TYPE if key.startswith(STACK_TYPE + "::") else key


def _comparable(resource: dict[str, Any]) -> Any:
    stack = resource["urn"].split("::", 1)[0].removeprefix("urn:pulumi:")
    return _unstacked({"protect": resource["protect"], "inputs": resource["inputs"]}, stack)


def _unstacked(value: Any, stack: str) -> Any:
    """Drop the stack name from URNs inside values, so that references compare across stacks."""
    pattern = re.compile(rf"urn:pulumi:{re.escape(stack)}::")
    return json.loads(pattern.sub("urn:pulumi:*::", json.dumps(value, sort_keys=True)))


def _compare(before: Any, after: Any, path: str) -> list[Change]:
    if isinstance(before, dict) and isinstance(after, dict):
        changes = []
        for key in sorted(before.keys() | after.keys()):
            child = f"{path}.{key}" if path else key
            changes.extend(_compare(before.get(key, _ABSENT), after.get(key, _ABSENT), child))
        return changes
    if before == after:
        return []
    return [Change(path, before, after)]
