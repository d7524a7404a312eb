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
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

MAX_STATE_BYTES = 64 * 1024 * 1024
"""Far above any state of this deployment; refusing past it bounds the memory a file costs."""


class TerraformStateError(Exception):
    """The file is not a Terraform state this command can read."""


class _Instance(BaseModel):
    model_config = ConfigDict(extra="ignore")

    index_key: str | int | None = None
    deposed: str | None = None
    attributes: dict[str, Any] = Field(default_factory=dict)
    sensitive_attributes: list[list[dict[str, Any]]] = Field(default_factory=list)


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
    if path.stat().st_size > MAX_STATE_BYTES:
        raise TerraformStateError(
            f"{path}: larger than {MAX_STATE_BYTES // 2**20} MiB, not the state of this deployment"
        )
    return parse_state(path.read_bytes(), str(path))


def parse_state(content: bytes, source: str) -> TerraformState:
    try:
        document = json.loads(content)
    except (ValueError, UnicodeDecodeError):
        raise TerraformStateError(
            f"{source}: not JSON; pass the output of `terraform state pull`"
        ) from None
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
    return TerraformState(
        source=source,
        terraform_version=state.terraform_version,
        serial=state.serial,
        lineage=state.lineage,
        resources=tuple(_managed_instances(state)),
    )


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


def _sensitive_attributes(paths: list[list[dict[str, Any]]]) -> frozenset[str]:
    return frozenset(
        str(path[0]["value"]) for path in paths if path and path[0].get("type") == "get_attr"
    )
