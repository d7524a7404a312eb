"""The monthly change between two plans: per resource added, removed or changed, and in all.

Resources are matched as `crms-infra diff` matches them, by type and name (the URN without
its stack); the stack's own lines (plan fees, credits, account-wide usage) by what they are.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from crms_pricing.model import ZERO, Estimate, usd

from crms_infra.cost.plan_costs import plan_cost
from crms_infra.cost.summary import ESTIMATE_ERRORS
from crms_infra.plan_model import Plan

_SECTION = "\n#### Monthly cost\n\n"


@dataclass(frozen=True)
class Amount:
    known: Decimal
    unknown: int

    def show(self) -> str:
        text = usd(self.known)
        return f"{text} + {self.unknown} unknown" if self.unknown else text


@dataclass(frozen=True)
class ItemChange:
    key: str
    how: str  # "+" added, "-" removed, "~" changed
    before: Amount | None
    after: Amount | None

    @property
    def delta(self) -> Decimal:
        return (self.after.known if self.after else ZERO) - (
            self.before.known if self.before else ZERO
        )


@dataclass(frozen=True)
class CostChange:
    before: Amount
    after: Amount
    items: list[ItemChange]

    @property
    def delta(self) -> Decimal:
        return self.after.known - self.before.known


def cost_change(before: Plan, after: Plan) -> CostChange | str:
    """The change, or why there is none (a side that cannot be estimated)."""
    estimates = []
    for side, plan in (("before", before), ("after", after)):
        try:
            estimates.append(plan_cost(plan).estimate)
        except ESTIMATE_ERRORS as error:
            return f"not estimated ({side}: {error})"
    old, new = (_by_item(estimate) for estimate in estimates)
    items = []
    for key in sorted(old.keys() | new.keys()):
        was, now = old.get(key), new.get(key)
        if was != now:
            how = "+" if was is None else "-" if now is None else "~"
            items.append(ItemChange(key, how, was, now))
    totals = [Amount(estimate.total, estimate.unknown) for estimate in estimates]
    return CostChange(totals[0], totals[1], items)


def change_text(change: CostChange | str) -> str:
    if isinstance(change, str):
        return f"monthly cost: {change}\n"
    lines = [f"monthly cost: {_summary(change)}"]
    lines += [f"{item.how} {item.key}: {_row_amounts(item)}" for item in change.items]
    return "\n".join(lines) + "\n"


def change_markdown(change: CostChange | str, budget: int, guardrail: Sequence[str] = ()) -> str:
    """The section for the pull-request comment, at most `budget` characters ("" if even its
    summary does not fit); rows that do not fit are counted instead. `guardrail`: the lines of
    the cost-increase verdict, right under the summary."""
    judged = "".join(f"\n{line}" for line in guardrail) + ("\n" if guardrail else "")
    if isinstance(change, str):
        section = f"{_SECTION}_Monthly cost {change}._\n{judged}"
        return section if len(section) <= budget else ""
    head = f"{_SECTION}**{_summary(change)}**\n{judged}"
    if not change.items:
        return head if len(head) <= budget else ""
    table = ["", "| | resource | before | after | change |", "|---|---|---|---|---|"]
    rows = [
        f"| {item.how} | `{item.key}` | {_show(item.before)} | {_show(item.after)} "
        f"| {_signed(item.delta)} |"
        for item in change.items
    ]
    section = head + "\n".join(table) + "\n"
    for index, row in enumerate(rows):
        cut = f"\n_{len(rows) - index} more changed lines: run `crms-infra diff`._\n"
        if len(section) + len(row) + 1 + len(cut) > budget:
            section += cut
            break
        section += row + "\n"
    return section if len(section) <= budget else ""


def change_json(change: CostChange | str) -> dict[str, Any]:
    if isinstance(change, str):
        return {"estimated": False, "reason": change}
    return {
        "estimated": True,
        "beforeUsd": float(change.before.known),
        "afterUsd": float(change.after.known),
        "changeUsd": float(change.delta),
        "unknownLines": {"before": change.before.unknown, "after": change.after.unknown},
        "items": [
            {
                "key": item.key,
                "change": {"+": "added", "-": "removed", "~": "changed"}[item.how],
                "beforeUsd": float(item.before.known) if item.before else None,
                "afterUsd": float(item.after.known) if item.after else None,
                "changeUsd": float(item.delta),
            }
            for item in change.items
        ],
    }


def _by_item(estimate: Estimate) -> dict[str, Amount]:
    known: dict[str, Decimal] = {}
    unknown: dict[str, int] = {}
    for line in estimate.lines:
        key = line.urn.split("::", 2)[2] if line.urn else f"{line.provider}: {line.what}"
        known[key] = known.get(key, ZERO) + (line.monthly or ZERO)
        unknown[key] = unknown.get(key, 0) + (line.monthly is None)
    return {key: Amount(known[key], unknown[key]) for key in known}


def _summary(change: CostChange) -> str:
    text = f"{usd(change.before.known)} → {usd(change.after.known)} a month"
    text += f" ({_signed(change.delta)})"
    if change.before.unknown or change.after.unknown:
        text += f"; lines of unknown price: {change.before.unknown} → {change.after.unknown}"
    return text


def _row_amounts(item: ItemChange) -> str:
    return f"{_show(item.before)} → {_show(item.after)} ({_signed(item.delta)})"


def _show(amount: Amount | None) -> str:
    return amount.show() if amount else "none"


def _signed(amount: Decimal) -> str:
    return ("+" if amount > 0 else "") + usd(amount) if amount else "$0.00"
