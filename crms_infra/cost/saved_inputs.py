"""A saved plan's cost inputs, checked with the stack file's rules before anything is priced.

`crms-infra cost PLAN.json` (and the diff's monthly change) price what the plan's
`costInputs` output says. A stack file's values are checked before any plan is made
(stacks/loader.py); a saved plan is a file anyone can edit, so its budget and each of its
cost settings go through the same field rules here: a negative usage, a NaN or infinite
budget, a number past its setting's bounds, a setting the stack has no such key for, each
is refused in one line naming the file, the key, the value and what is allowed (exit 2),
never priced into `-$19,748.23 ... within the budget` or a traceback.

A plan without the output (from a revision before cost estimates) is left to
`plan_cost`, which says it cannot be estimated.
"""

from pydantic import JsonValue

from crms_infra.cost.plan_costs import COST_INPUTS
from crms_infra.plan_model import Plan
from stacks.cost_inputs import BUDGET, COST_SETTINGS, SETTINGS
from stacks.escape import safe_line
from stacks.loader import value_problems
from stacks.problems import Problem

_COST_KEYS = frozenset(leaf.key for leaf in COST_SETTINGS)


class CostInputsError(ValueError):
    """A saved plan's cost inputs break a setting's rules; the message is one line."""


def check_cost_inputs(plan: Plan, source: str) -> None:
    """Raises CostInputsError for the first of the plan's cost inputs that a stack file
    could not hold; `source` names the plan file."""
    inputs = plan["outputs"].get(COST_INPUTS)
    if not isinstance(inputs, dict) or not isinstance(settings := inputs.get(SETTINGS), dict):
        return
    problems = _problems(BUDGET, inputs[BUDGET]) if inputs.get(BUDGET) is not None else []
    for key, value in settings.items():
        problems += _problems(key, value)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        where = f"{source}: outputs.{COST_INPUTS}"
        raise CostInputsError(safe_line(problems[0].render(where) + more))


def _problems(key: str, value: JsonValue) -> list[Problem]:
    if key != BUDGET and key not in _COST_KEYS:
        return [Problem(key, value, "is not a setting that any price rests on")]
    return value_problems(key, value)
