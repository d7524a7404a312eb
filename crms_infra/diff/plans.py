"""Compare two plans: resources added, removed and changed, with the changed properties.

Resources are matched by type and name (the URN without its stack), so a diff
works both between two revisions of one stack and between two stacks.
"""

import json
import re
from dataclasses import asdict, dataclass, field

from pydantic import JsonValue

from crms_infra.diff.values import ABSENT, Side, is_large_map, show_change
from crms_infra.markdown import code_span, fenced, one_line, plain, printable
from crms_infra.plan_model import Plan, PlanResource

STACK_TYPE = "pulumi:pulumi:Stack"
MARKDOWN_LIMIT = 60_000
"""Characters a pull-request comment may hold here (GitHub's limit is 65,536)."""
MARKDOWN_MINIMUM = 1_000
"""The smallest limit that always fits the heading's notes, so that the limit is a ceiling."""


@dataclass(frozen=True)
class Change:
    path: str
    before: Side
    after: Side


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
    lines = [one_line(f"{diff.before} -> {diff.after}: {_summary(diff)}")]
    lines.extend(one_line(f"+ {key}") for key in diff.added)
    lines.extend(one_line(f"- {key}") for key in diff.removed)
    for resource in diff.changed:
        lines.append(one_line(f"~ {resource.key}"))
        lines.extend(line for change in resource.changes for line in _text_change(change))
    if diff.outputs:
        lines.append("~ outputs")
        lines.extend(line for change in diff.outputs for line in _text_change(change))
    return "\n".join(lines) + "\n"


def _text_change(change: Change) -> list[str]:
    shown = show_change(change.before, change.after)
    head = one_line(f"    {change.path}: {shown.summary}")
    return [head, *(printable(f"        {line}") for line in shown.lines)]


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
    title = f"### Plan diff {code_span(diff.before)} → {code_span(diff.after)}"
    lines = [title, "", f"**{_summary(diff)}**", ""]
    if diff.added:
        lines.extend(["#### Added", *[f"- {code_span(key)}" for key in diff.added], ""])
    if diff.removed:
        lines.extend(["#### Removed", *[f"- {code_span(key)}" for key in diff.removed], ""])
    if diff.changed:
        lines.append("#### Changed")
        for resource in diff.changed:
            if detailed:
                lines.append(f"- {code_span(resource.key)}")
                lines.extend(
                    line for change in resource.changes for line in _markdown_change(change, "  ")
                )
            else:
                paths = ", ".join(change.path for change in resource.changes)
                lines.append(f"- {code_span(resource.key)}: {code_span(paths)}")
        lines.append("")
    if diff.outputs:
        lines.append("#### Outputs")
        lines.extend(line for change in diff.outputs for line in _markdown_change(change, ""))
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def _markdown_change(change: Change, indent: str) -> list[str]:
    """A list item; a change too large for one line follows it as a fenced `diff` block."""
    shown = show_change(change.before, change.after)
    if shown.inline is not None:
        before, after = shown.inline
        return [f"{indent}- {code_span(change.path)}: {code_span(before)} → {code_span(after)}"]
    head = f"{indent}- {code_span(change.path)}: {plain(shown.summary)}"
    return [head, "", *fenced(shown.lines, "diff", indent + "  "), ""]


def _summary(diff: PlanDiff) -> str:
    if diff.is_empty:
        return "no changes"
    return (
        f"{len(diff.added)} added, {len(diff.removed)} removed, "
        f"{len(diff.changed)} changed, {len(diff.outputs)} output(s) changed"
    )


def _by_key(plan: Plan) -> dict[str, PlanResource]:
    return {_key(resource["urn"]): resource for resource in plan["resources"]}


def _key(urn: str) -> str:
    """`urn:pulumi:prod::crms::aws:s3/bucket:Bucket::photos` -> `aws:s3/bucket:Bucket::photos`.

    The root stack is named after its stack, so it is keyed by its type alone.
    """
    key = urn.split("::", 2)[2]
    return STACK_TYPE if key.startswith(STACK_TYPE + "::") else key


def _comparable(resource: PlanResource) -> JsonValue:
    stack = resource["urn"].split("::", 1)[0].removeprefix("urn:pulumi:")
    return _unstacked({"protect": resource["protect"], "inputs": resource["inputs"]}, stack)


def _unstacked(value: JsonValue, stack: str) -> JsonValue:
    """Drop the stack name from URNs inside values, so that references compare across stacks."""
    pattern = re.compile(rf"urn:pulumi:{re.escape(stack)}::")
    unstacked: JsonValue = json.loads(
        pattern.sub("urn:pulumi:*::", json.dumps(value, sort_keys=True))
    )
    return unstacked


def _compare(before: Side, after: Side, path: str) -> list[Change]:
    large = is_large_map(before) or is_large_map(after)
    if isinstance(before, dict) and isinstance(after, dict) and not large:
        changes = []
        for key in sorted(before.keys() | after.keys()):
            child = f"{path}.{key}" if path else key
            changes.extend(_compare(before.get(key, ABSENT), after.get(key, ABSENT), child))
        return changes
    if before == after:
        return []
    return [Change(path, before, after)]
