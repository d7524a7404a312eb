"""Apply the rules to a stack: for `crms-infra preflight`, and the offline plan's share."""

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from crms_infra.offline.project import read_stack_config
from crms_infra.plan_model import Plan
from crms_infra.preflight.cli_config import unset_secret_keys
from crms_infra.preflight.findings import Finding, escaped, render
from crms_infra.preflight.price_age import price_age_warning
from crms_infra.preflight.rules import RULES, PlanUse
from crms_infra.preflight.subject import ProgramStopped, StackUnderCheck
from stacks.loader import SettingsError, stack_file_name


@dataclass
class Outcome:
    findings: list[Finding] = field(default_factory=list)
    not_checked: list[str] = field(default_factory=list)
    """Rules that could not run because the program stops first (the findings say why)."""
    warnings: list[str] = field(default_factory=list)
    """What a run would not refuse but a person should know (old prices)."""

    def report(self, stack: str) -> str:
        """What `crms-infra preflight` prints: a line per finding (`render`), then a verdict."""
        lines = [render(finding) for finding in self.findings] + self.warnings
        if self.not_checked:
            skipped = ", ".join(self.not_checked)
            lines.append(f"not checked, as the program stops first: {skipped}; run preflight again")
        count = len(self.findings)
        if count:
            lines.append(
                f"preflight {stack}: {count} finding{'s' if count > 1 else ''}: "
                "`pulumi preview` and `pulumi up` would refuse this stack"
            )
        else:
            lines.append(f"preflight {stack}: passed {', '.join(rule.name for rule in RULES)}")
        return "".join(f"{line}\n" for line in lines)


def preflight(project_dir: Path, stack: str, today: dt.date | None = None) -> Outcome:
    """Every rule on `stack`, in order. What an earlier rule reported about a key or a resource
    is not reported again by a later one: the earlier refusal is the one a real run meets.
    Then the warnings, on `today` (the date the prices' age is counted to)."""
    read_stack_config(project_dir, stack)  # an unknown stack or an unreadable file: exit 2
    subject = StackUnderCheck(project_dir, stack)
    outcome = Outcome()
    for rule in RULES:
        try:
            found = rule.check(subject)
        except (ProgramStopped, SettingsError) as stop:
            outcome.not_checked.append(rule.name)
            if not any(f.stops_program for f in outcome.findings):  # e.g. no pack started
                problem = f"the program stops: {stop}"
                fix = f"run `crms-infra plan {stack}` for the whole message"
                where = stack_file_name(stack)
                stopped = Finding(rule.name, where, "program", problem, fix, stops_program=True)
                outcome.findings.append(stopped)
            continue
        earlier = {(f.where, f.subject) for f in outcome.findings if f.rule != rule.name}
        outcome.findings.extend(f for f in found if (f.where, f.subject) not in earlier)
    warning = price_age_warning(subject, today or dt.datetime.now(dt.UTC).date())
    outcome.warnings.extend([warning] if warning else [])
    return outcome


def plan_refusals(project_dir: Path, stack: str, plan: Plan) -> list[Finding]:
    """The rules the offline plan applies to its own result (the others it applies while the
    program runs, or notes): what a provider would refuse in the planned resources."""
    subject = StackUnderCheck(project_dir, stack, plan)
    return [
        finding
        for rule in RULES
        if rule.plan_use is PlanUse.STOPS and rule.needs_plan
        for finding in rule.check(subject)
    ]


def unset_secrets_note(project_dir: Path, stack: str) -> str | None:
    """The offline plan's one line about the secrets it stood placeholders in for."""
    unset = unset_secret_keys(project_dir, stack)
    if not unset:
        return None
    keys = ", ".join(escaped(key) for key in unset)
    return (
        f"note: {stack_file_name(stack)} sets no value for {len(unset)} secret"
        f"{'s' if len(unset) > 1 else ''} ({keys}): this plan stands placeholders in for "
        f"them; `crms-infra preflight {stack}` and `pulumi preview` refuse the stack until "
        "each is set with `pulumi config set --secret`"
    )
