"""Read a saved plan JSON file for `crms-infra diff`, refusing anything not shaped like a plan.

The diff reads each resource's URN, type, name, protection and inputs and the
plan's stack and outputs; a file without them, or nested deeper than any plan
is, gets one sentence instead of a TypeError or RecursionError from deep inside.
"""

import json
from pathlib import Path

from crms_infra.plan_model import Plan, PlanShapeError, parse_plan

MAX_DEPTH = 64
"""A plan's values nest a dozen levels at most (policy documents); 64 is ample."""


class PlanFileError(ValueError):
    """A file that is not a readable plan; the message is one sentence naming it."""


def load_plan_file(path: Path) -> Plan:
    """The plan saved in `path` (by `crms-infra plan --format json`)."""
    try:
        plan = json.loads(path.read_text())
    except OSError as error:
        raise PlanFileError(f"{path}: cannot be read ({error.strerror})") from None
    except (ValueError, RecursionError) as error:
        reason = "nested too deeply" if isinstance(error, RecursionError) else str(error)
        raise PlanFileError(f"{path}: not a readable plan JSON file ({reason[:120]})") from None
    if _depth(plan) > MAX_DEPTH:
        raise PlanFileError(f"{path}: not a plan (nested more than {MAX_DEPTH} levels deep)")
    try:
        return parse_plan(plan)
    except PlanShapeError as error:
        raise PlanFileError(
            f"{path}: not a plan ({error.where}: {error.what}; expected the JSON of "
            "`crms-infra plan --format json`)"
        ) from None


def _depth(value: object) -> int:
    """How deep `value` nests; iterative, so that no depth can exhaust the stack."""
    deepest = 0
    pending: list[tuple[object, int]] = [(value, 1)]
    while pending:
        item, level = pending.pop()
        deepest = max(deepest, level)
        if level > MAX_DEPTH:
            break
        if isinstance(item, dict):
            pending.extend((child, level + 1) for child in item.values())
        elif isinstance(item, list):
            pending.extend((child, level + 1) for child in item)
    return deepest
