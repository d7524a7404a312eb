"""The plan JSON contract, typed: what `crms-infra plan --format json` prints and every
reader (the renderer, the diff, the residency report, the cost, preflight, SARIF, the
tests) reads. One parser, `parse_plan`, checks a plan read from a file against it.

A plan is a JSON object, so its parts are TypedDicts: the engine builds it as plain dicts
and prints it byte for byte as before, and mypy --strict checks every read. A resource's
inputs and the stack's outputs are whatever the providers take, so they are JSON values
(pydantic's JsonValue), never `Any`: a reader narrows them (`at`, `obj`, `items`: the
program's stacks/json_values.py, which its dynamic providers read with too).

    {"project": str, "stack": str,
     "resources": [{"urn", "type", "name", "parent", "id", "provider", "custom",
                    "protect", "dependencies", "inputs", ["stale"]}],
     "outputs": {...}, "policy": {"pack": str, "violations": [{"policy", "level",
                                                               "urn", "message"}]}}
"""

from typing import Annotated, Literal, NotRequired, cast

from pydantic import Field, TypeAdapter, ValidationError

# pydantic validates a TypedDict only from typing_extensions before Python 3.12.
from typing_extensions import TypedDict

# The readers' JSON type and lenient reads, shared with the program's dynamic providers.
from stacks.json_values import JsonObject as JsonObject
from stacks.json_values import at as at
from stacks.json_values import items as items
from stacks.json_values import obj as obj


class PlanResource(TypedDict):
    """One registration, as the engine received it (resources are sorted by URN)."""

    urn: str
    type: str
    name: str
    parent: str | None
    id: str | None
    """The ID the mock engine gave it; None for components."""
    provider: str | None
    """URN of the explicit provider resource, if any."""
    custom: bool
    protect: bool
    dependencies: list[str]
    inputs: JsonObject
    """camelCase engine property names; secrets "[secret]", a dynamic resource's serialized
    provider "[dynamic provider]"."""
    stale: NotRequired[str]
    """Only on the ops deployment, when its build is of other sources: why `pulumi up` would
    refuse it (the offline plan plans it as it is)."""


Level = Literal["mandatory", "advisory", "remediate", "disabled"]
"""The analyzer's enforcement levels (pulumi/pulumi proto/pulumi/analyzer.proto)."""


class Violation(TypedDict):
    policy: str
    level: Level
    urn: str | None
    message: str


class PolicySection(TypedDict):
    pack: str
    violations: list[Violation]


class Plan(TypedDict):
    project: str
    stack: str
    resources: list[PlanResource]
    outputs: JsonObject
    policy: PolicySection


class _SavedResource(TypedDict):
    """What a saved plan must hold for the diff to read it: older plans may lack the
    fields added since, so only these are required of a file."""

    # urn:pulumi:<stack>::<project>::<type chain>::<name>, as the engine builds it.
    urn: Annotated[str, Field(pattern=r"^urn:pulumi:[^:]*::[^:]*::.+")]
    type: str
    name: str
    protect: bool
    inputs: JsonObject


class _SavedPlan(TypedDict):
    stack: str
    resources: list[_SavedResource]
    outputs: JsonObject


_SAVED_PLAN = TypeAdapter(_SavedPlan)


class PlanShapeError(ValueError):
    """A value that is not a plan: `where` names the first place it breaks the contract."""

    def __init__(self, where: str, what: str) -> None:
        super().__init__(f"{where}: {what}")
        self.where, self.what = where, what


def parse_plan(value: object) -> Plan:
    """`value` (a plan read from JSON) once it holds what every reader reads."""
    try:
        _SAVED_PLAN.validate_python(value, strict=True)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "the top level"
        raise PlanShapeError(where, first["msg"]) from None
    # Validated above: the readers take the object as it was read, keys in their order.
    return cast(Plan, value)
