"""A Mermaid diagram of what a plan diff changes, sized to fit a pull-request comment.

Resources are grouped by the component they belong to (the first type of their
URN's parent chain); added, removed and changed ones are marked by colour and
sign. Past `MAX_NODES` resources, each component shows its counts instead; past
the character budget, no diagram (the comment says so).
"""

from collections import Counter

from crms_infra.diff.plans import MARKDOWN_MINIMUM, PlanDiff, diff_markdown
from crms_infra.residency.diagram import label, node_id

MAX_NODES = 60
_SECTION_HEADING = "\n#### The change as a diagram\n\n"
MARKS = {"added": "+", "removed": "-", "changed": "~"}
STYLES = {
    "added": "fill:#dafbe1,stroke:#1a7f37",
    "removed": "fill:#ffebe9,stroke:#cf222e",
    "changed": "fill:#fff8c5,stroke:#9a6700",
}


def diff_markdown_with_diagram(diff: PlanDiff, limit: int) -> str:
    """The diff's comment with its diagram after it; both together within `limit`.

    The diagram gets at most a quarter of the limit, and never what the text needs."""
    section_budget = min(limit // 4, limit - MARKDOWN_MINIMUM) - len(_SECTION_HEADING)
    block = change_diagram(diff, budget=section_budget) if section_budget > 0 else None
    if block is None:
        return diff_markdown(diff, limit=limit)
    section = _SECTION_HEADING + block
    return diff_markdown(diff, limit=limit - len(section)) + section


def change_diagram(diff: PlanDiff, budget: int) -> str | None:
    """The diagram as a ```mermaid block of at most `budget` characters, or None."""
    items = _items(diff)
    if not items:
        return None
    body = _detailed(items) if len(items) <= MAX_NODES else _counted(items)
    block = f"```mermaid\n{body}\n```\n"
    if len(block) > budget and len(items) <= MAX_NODES:
        block = f"```mermaid\n{_counted(items)}\n```\n"
    return block if len(block) <= budget else None


def _items(diff: PlanDiff) -> list[tuple[str, str, str]]:
    """(component, key, how) for every resource the diff names."""
    found = [(key, "added") for key in diff.added] + [(key, "removed") for key in diff.removed]
    found += [(resource.key, "changed") for resource in diff.changed]
    return sorted((_component(key), key, how) for key, how in found)


def _component(key: str) -> str:
    """`crms:index:Storage$...$aws:s3/bucket:Bucket::photos` -> `Storage`."""
    types = key.split("::", 1)[0].split("$")
    first = types[0]
    if len(types) == 1 and not first.startswith("crms:index:"):
        return "stack"
    return first.rsplit(":", 1)[-1]


def _short(key: str) -> str:
    types, _, name = key.rpartition("::")
    kind = types.split("$")[-1].rsplit(":", 1)[-1]
    return f"{kind} {name}" if name else kind


def _detailed(items: list[tuple[str, str, str]]) -> str:
    lines = ["flowchart LR"]
    for component in sorted({component for component, _, _ in items}):
        lines.append(f'  subgraph {node_id("component " + component)} ["{label(component)}"]')
        for index, (owner, key, how) in enumerate(items):
            if owner == component:
                text = f"{MARKS[how]} {_short(key)}"
                lines.append(f'    n{index}["{label(text)}"]:::{how}')
        lines.append("  end")
    return "\n".join(lines + _class_definitions())


def _counted(items: list[tuple[str, str, str]]) -> str:
    counts = Counter((component, how) for component, _, how in items)
    lines = ["flowchart LR"]
    for index, ((component, how), count) in enumerate(sorted(counts.items())):
        text = f"{component}: {count} {how}"
        lines.append(f'  c{index}["{label(text)}"]:::{how}')
    return "\n".join(lines + _class_definitions())


def _class_definitions() -> list[str]:
    return [f"  classDef {how} {style}" for how, style in STYLES.items()]
