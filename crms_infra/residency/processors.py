"""The processors of personal data the stack hands keys to, from the plan's `processors`
output (the program's declarations, stacks/processors.py), each with the pack's verdict."""

from dataclasses import dataclass, field
from typing import Any

from crms_infra.policy_config import PolicyConfig
from crms_infra.residency.links import as_list
from crms_infra.residency.locations import Location, place_location
from crms_infra.residency.verdicts import Verdict, verdicts

OUTPUT = "processors"
RULES = ("processors-declared",)
SENTRY_RULES = ("processors-declared", "processors-sentry-replays-eu")


@dataclass(frozen=True)
class ProcessorEntry:
    name: str
    entity: str
    data: str
    locations: list[Location]
    transfer_basis: str
    sources: list[dict[str, str]]
    secret_keys: list[str]
    variables: list[str]
    verdicts: list[Verdict] = field(default_factory=list)

    @property
    def meets_rules(self) -> bool:
        return all(verdict.passes for verdict in self.verdicts)


def processor_entries(plan: dict[str, Any], policy: PolicyConfig) -> list[ProcessorEntry]:
    stack = {"urn": _stack_urn(plan), "name": ""}
    entries = []
    for declaration in as_list(plan["outputs"].get(OUTPUT)):
        name = str(declaration.get("name"))
        rules = SENTRY_RULES if name == "Sentry" else RULES
        # Judged as a whole: the violation may name the variable or the stack.
        mine = [{**v, "urn": None} for v in plan["policy"]["violations"] if _concerns(v, name)]
        entries.append(
            ProcessorEntry(
                name=name,
                entity=str(declaration.get("entity")),
                data=str(declaration.get("data")),
                locations=[
                    place_location(str(place.get("kind")), str(place.get("code")))
                    for place in as_list(declaration.get("places"))
                ],
                transfer_basis=str(declaration.get("transferBasis")),
                sources=[dict(source) for source in as_list(declaration.get("sources"))],
                secret_keys=[str(key) for key in as_list(declaration.get("secretKeys"))],
                variables=[str(name) for name in as_list(declaration.get("variables"))],
                verdicts=verdicts(rules, stack, mine, policy),
            )
        )
    return entries


def undeclared(plan: dict[str, Any]) -> list[str]:
    """The pack's findings of keys handed to a processor the stack does not declare."""
    return [
        str(violation["message"])
        for violation in plan["policy"]["violations"]
        if violation["policy"] == "processors-declared"
        and "does not declare" in str(violation["message"])
    ]


def _concerns(violation: dict[str, Any], name: str) -> bool:
    message = str(violation["message"])
    if violation["policy"] == "processors-sentry-replays-eu":
        return name == "Sentry"
    return violation["policy"] == "processors-declared" and f"declaration of {name} " in message


def _stack_urn(plan: dict[str, Any]) -> str:
    return next(
        (r["urn"] for r in plan["resources"] if r["type"] == "pulumi:pulumi:Stack"), "stack"
    )
