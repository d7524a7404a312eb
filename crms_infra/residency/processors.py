"""The processors of personal data the stack hands keys to, from the plan's `processors`
output (the program's declarations, stacks/processors.py), each with the pack's verdict."""

from dataclasses import dataclass, field

from crms_infra.plan_model import Plan, Violation, at
from crms_infra.policy_config import PolicyConfig
from crms_infra.residency.links import as_list
from crms_infra.residency.locations import Location, place_location
from crms_infra.residency.verdicts import Subject, Verdict, verdicts

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


def processor_entries(plan: Plan, policy: PolicyConfig) -> list[ProcessorEntry]:
    stack = Subject(_stack_urn(plan), "")
    entries = []
    for declaration in as_list(plan["outputs"].get(OUTPUT)):
        name = str(at(declaration, "name"))
        rules = SENTRY_RULES if name == "Sentry" else RULES
        # Judged as a whole: the violation may name the variable or the stack.
        mine: list[Violation] = [
            {**v, "urn": None} for v in plan["policy"]["violations"] if _concerns(v, name)
        ]
        entries.append(
            ProcessorEntry(
                name=name,
                entity=str(at(declaration, "entity")),
                data=str(at(declaration, "data")),
                locations=[
                    place_location(str(at(place, "kind")), str(at(place, "code")))
                    for place in as_list(at(declaration, "places"))
                ],
                transfer_basis=str(at(declaration, "transferBasis")),
                sources=[
                    {key: str(value) for key, value in source.items()}
                    for source in as_list(at(declaration, "sources"))
                    if isinstance(source, dict)
                ],
                secret_keys=[str(key) for key in as_list(at(declaration, "secretKeys"))],
                variables=[str(name) for name in as_list(at(declaration, "variables"))],
                verdicts=verdicts(rules, stack, mine, policy),
            )
        )
    return entries


def undeclared(plan: Plan) -> list[str]:
    """The pack's findings of keys handed to a processor the stack does not declare."""
    return [
        violation["message"]
        for violation in plan["policy"]["violations"]
        if violation["policy"] == "processors-declared"
        and "does not declare" in violation["message"]
    ]


def _concerns(violation: Violation, name: str) -> bool:
    message = violation["message"]
    if violation["policy"] == "processors-sentry-replays-eu":
        return name == "Sentry"
    return violation["policy"] == "processors-declared" and f"declaration of {name} " in message


def _stack_urn(plan: Plan) -> str:
    return next(
        (r["urn"] for r in plan["resources"] if r["type"] == "pulumi:pulumi:Stack"), "stack"
    )
