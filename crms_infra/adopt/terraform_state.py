"""Read a Terraform state, format version 4, as `terraform state pull` writes it.

The format is Terraform's own (hashicorp/terraform, internal/states/statefile/version4.go:
`stateV4`, `resourceStateV4`, `instanceObjectStateV4`): resources by module, mode, type
and name, each with its instances; an instance's `attributes` are the provider's schema
attributes as JSON, and `sensitive_attributes` lists the paths of sensitive values (a
path is a list of steps, `{"type": "get_attr", "value": "<name>"}` or an `index` step).
Unknown keys are ignored, as Terraform's own reader does, so a newer state still reads.
"""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue, ValidationError, model_validator

from crms_infra.adopt.state_attributes import attribute_problem
from stacks.escape import printable
from stacks.input_file import InputFileError, read_input_file

MAX_STATE_BYTES = 64 * 1024 * 1024
"""Far above any state of this deployment; refusing past it bounds the memory a file costs."""
MAX_DEPTH = 64
"""Nesting levels: a state nests about ten (state, resources, instance, attributes, a
variable's targets); a document far deeper only exhausts the readers that recurse."""


class TerraformStateError(Exception):
    """The file is not a Terraform state this command can read."""


class _PathStep(BaseModel):
    """One step of a sensitive path (statefile/version4.go, `pathStep`): `get_attr` names an
    attribute (a string), `index` holds a cty value; Terraform refuses any other type."""

    model_config = ConfigDict(extra="ignore")

    type: Literal["get_attr", "index"]
    value: JsonValue

    @model_validator(mode="after")
    def _attribute_name(self) -> "_PathStep":
        if self.type == "get_attr" and not isinstance(self.value, str):
            raise ValueError("a get_attr step's value must be a string")
        return self


class _Instance(BaseModel):
    model_config = ConfigDict(extra="ignore")

    index_key: str | int | None = None
    deposed: str | None = None
    attributes: dict[str, JsonValue] = Field(default_factory=dict)
    sensitive_attributes: list[list[_PathStep]] = Field(default_factory=list)


class _Resource(BaseModel):
    model_config = ConfigDict(extra="ignore")

    module: str = ""
    mode: str
    type: str
    name: str
    provider: str
    instances: list[_Instance]


class _State(BaseModel):
    model_config = ConfigDict(extra="ignore")

    version: int
    terraform_version: str
    serial: int
    lineage: str
    resources: list[_Resource]


@dataclass(frozen=True)
class StateResource:
    """One managed resource instance of the state."""

    address: str
    """As Terraform names it: `vercel_project.crms`, `module.app.x.y["key"]`."""
    type: str
    provider: str
    attributes: dict[str, Any]
    """As the state holds them; those `adopt` reads are checked (state_attributes.py)."""
    sensitive: frozenset[str]
    """Top-level attributes holding a sensitive value, whole or in part: never printed."""


@dataclass(frozen=True)
class TerraformState:
    source: str
    terraform_version: str
    serial: int
    lineage: str
    resources: tuple[StateResource, ...]

    def of_type(self, resource_type: str) -> list[StateResource]:
        return [resource for resource in self.resources if resource.type == resource_type]


def read_state(path: Path) -> TerraformState:
    """The file as opened, not its path: a FIFO, a device or a directory is refused, and at
    most MAX_STATE_BYTES are read whatever size the file reports (stacks.input_file)."""
    try:
        content = read_input_file(path, MAX_STATE_BYTES)
    except InputFileError as error:
        raise TerraformStateError(f"{printable(str(path), 200)} {error}") from None
    return parse_state(content, printable(str(path), 200))


def parse_state(content: bytes, source: str) -> TerraformState:
    try:
        document = json.loads(content)
    except RecursionError:
        raise TerraformStateError(f"{source}: nested deeper than {MAX_DEPTH} levels") from None
    except (ValueError, UnicodeDecodeError):
        raise TerraformStateError(
            f"{source}: not JSON; pass the output of `terraform state pull`"
        ) from None
    _check_text(document, source)
    if not isinstance(document, dict) or "version" not in document:
        raise TerraformStateError(f"{source}: not a Terraform state (no format version)")
    if document["version"] != 4:
        raise TerraformStateError(
            f"{source}: Terraform state format version {str(document['version'])[:20]} is not "
            "supported; only version 4 is (Terraform 0.12 and later): run `terraform state "
            "pull` with a current Terraform"
        )
    try:
        state = _State.model_validate(document)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise TerraformStateError(
            f"{source}: not a Terraform state of format version 4: {where}: {first['msg']}"
        ) from None
    resources = tuple(_managed_instances(state))
    for resource in resources:
        problem = attribute_problem(resource.type, resource.attributes)
        if problem:
            raise TerraformStateError(f"{source}: {printable(resource.address, 200)}: {problem}")
    return TerraformState(
        source=source,
        terraform_version=state.terraform_version,
        serial=state.serial,
        lineage=state.lineage,
        resources=resources,
    )


def _check_text(document: JsonValue, source: str) -> None:
    """Refuses nesting past MAX_DEPTH and a string that is not Unicode text: JSON's `\\ud800`
    escape reads as a lone surrogate, which no Terraform writes (Go's decoder turns it into
    U+FFFD) and no file can hold as UTF-8. Walked with a list, not by recursion."""
    pending: list[tuple[JsonValue, int]] = [(document, 1)]
    while pending:
        value, depth = pending.pop()
        if depth > MAX_DEPTH:
            raise TerraformStateError(f"{source}: nested deeper than {MAX_DEPTH} levels")
        if isinstance(value, dict):
            pending += [(key, depth) for key in value]
            pending += [(item, depth + 1) for item in value.values()]
        elif isinstance(value, list):
            pending += [(item, depth + 1) for item in value]
        elif isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError as error:
                raise TerraformStateError(
                    f"{source}: a string that is not Unicode text (a lone surrogate, "
                    f"U+{ord(value[error.start]):04X}): the state is damaged"
                ) from None


def _managed_instances(state: _State) -> list[StateResource]:
    """Managed resources only (data sources are reads), current objects only (a deposed
    object is one Terraform is still replacing)."""
    found = []
    for resource in state.resources:
        if resource.mode != "managed":
            continue
        for instance in resource.instances:
            if instance.deposed:
                continue
            found.append(
                StateResource(
                    address=_address(resource, instance.index_key),
                    type=resource.type,
                    provider=resource.provider,
                    attributes=instance.attributes,
                    sensitive=_sensitive_attributes(instance.sensitive_attributes),
                )
            )
    return found


def _address(resource: _Resource, index_key: str | int | None) -> str:
    address = f"{resource.type}.{resource.name}"
    if resource.module:
        address = f"{resource.module}.{address}"
    if index_key is not None:
        address += f"[{json.dumps(index_key)}]"
    return address


def _sensitive_attributes(paths: list[list[_PathStep]]) -> frozenset[str]:
    return frozenset(str(path[0].value) for path in paths if path and path[0].type == "get_attr")
