"""The guardrail on a change: what a change adds to a stack's month, against the threshold the
stack's policy config sets, as Infracost's guardrails judge a pull request.

`"cost-increase": {"enforcementLevel": "mandatory", "maxIncreaseMonthlyUsd": 25}` in
policies/config.<stack>.json, read as the Pulumi CLI reads that file (crms_infra/policy_config.py)
and reported like the pack's policies (level, message). A finding is an increase over the
threshold, and every resource the change adds (or changes) with a line of unknown price: an
unknown is counted as a finding, never as $0. A mandatory finding fails `crms-infra diff`.

It is judged here and not in the pack: a policy pack sees the proposed resources only
(pulumi/pulumi proto/pulumi/analyzer.proto: AnalyzeStackRequest carries `resources`, no prior
state), so no pack can tell what a change adds; `crms-infra diff` has both plans.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from crms_pricing.model import money, usd

from crms_infra.cost.changes import CostChange
from crms_infra.plan_model import Plan
from crms_infra.policy_config import PolicyConfigError, read_policy_config

RULE = "cost-increase"
THRESHOLD = "maxIncreaseMonthlyUsd"
DEFAULT_LEVEL = "advisory"
"""A stack whose config names no level is warned, not failed; prod's config makes it mandatory."""


@dataclass(frozen=True)
class Guardrail:
    stack: str
    level: str
    threshold: Decimal
    source: str
    """The policy config file that sets it."""


@dataclass(frozen=True)
class Verdict:
    guardrail: Guardrail
    increase: Decimal | None
    """The month's known change; None where the change could not be priced."""
    findings: list[str] = field(default_factory=list)

    @property
    def fails(self) -> bool:
        return self.guardrail.level == "mandatory" and bool(self.findings)

    def summary(self) -> str:
        guard = self.guardrail
        increase = "not priced" if self.increase is None else _signed(self.increase)
        verdict = f"{len(self.findings)} finding(s)" if self.findings else "within it"
        return (
            f"{RULE} ({guard.level}, {guard.source}): {increase} a month against "
            f"{usd(guard.threshold)}: {verdict}"
        )


def read_guardrail(pack_dir: Path, stack: str) -> Guardrail | None:
    """The stack's guardrail, None if its policy config sets no threshold or disables it."""
    config = read_policy_config(pack_dir, stack)
    value = config.arguments_of(RULE).get(THRESHOLD)
    level = config.level(RULE, DEFAULT_LEVEL)
    if value is None or level == "disabled":
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise PolicyConfigError(
            f"{config.source}: {RULE}: {THRESHOLD} is {value!r}; it must be a number of USD "
            "a month, 0 or more"
        )
    return Guardrail(stack, level, money(value), config.source)


def guardrail_verdict(
    pack_dir: Path, before: Plan, after: Plan, change: CostChange | str
) -> Verdict | None:
    """The verdict on a change to one stack; None for plans of two stacks (no change of one)
    or a stack whose config sets no guardrail."""
    if before["stack"] != after["stack"]:
        return None
    guardrail = read_guardrail(pack_dir, after["stack"])
    return None if guardrail is None else judge(guardrail, change)


def judge(guardrail: Guardrail, change: CostChange | str) -> Verdict:
    if isinstance(change, str):
        return Verdict(guardrail, None, [f"the change could not be priced: {change}"])
    findings = []
    if change.delta > guardrail.threshold:
        findings.append(
            f"the change adds {_signed(change.delta)} a month, over the "
            f"{usd(guardrail.threshold)} {RULE} allows for {guardrail.stack}"
        )
    for item in change.items:
        added = (item.after.unknown if item.after else 0) - (
            item.before.unknown if item.before else 0
        )
        if added > 0:
            findings.append(
                f"{item.key}: {added} line(s) of unknown price added, counted as a finding "
                "(not as $0): price it in policies/pricing, or raise it with a reviewer"
            )
    return Verdict(guardrail, change.delta, findings)


def verdict_text(verdict: Verdict | None) -> str:
    if verdict is None:
        return ""
    lines = [verdict.summary(), *(f"  [{verdict.guardrail.level}] {f}" for f in verdict.findings)]
    return "\n".join(lines) + "\n"


def verdict_markdown(verdict: Verdict | None) -> list[str]:
    if verdict is None:
        return []
    head = f"**{verdict.summary().replace('|', '/')}**"
    return [head, *(f"- `{verdict.guardrail.level}` {_cell(f)}" for f in verdict.findings)]


def verdict_json(verdict: Verdict | None) -> dict[str, object] | None:
    if verdict is None:
        return None
    guard = verdict.guardrail
    return {
        "policy": RULE,
        "level": guard.level,
        "thresholdUsd": float(guard.threshold),
        "increaseUsd": None if verdict.increase is None else float(verdict.increase),
        "findings": verdict.findings,
        "fails": verdict.fails,
    }


def _signed(amount: Decimal) -> str:
    return ("+" if amount > 0 else "") + usd(amount)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")
