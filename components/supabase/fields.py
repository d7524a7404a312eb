"""Typed inputs of the Supabase dynamic resources: each field declares once what a change
of it does (replace the resource, update it in place, or nothing: the provider computes
it) and whether it is secret. The providers' check and diff, the secret marking and the
registered properties (what a plan shows) all read it from the fields.
"""

import dataclasses
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from _typeshed import DataclassInstance


class Change(StrEnum):
    """What a change of a field does to the resource."""

    REPLACE = "replace"
    """Another resource: the setting of another project."""
    UPDATE = "update"
    """Applied in place through the surface's update call."""
    COMPUTED = "computed"
    """Set by the provider from the API's answer; the program never sets it."""


# Like `dataclasses.field`, each returns what stands as the field's default: typed Any, so
# that it fits a field of any type.
def identity(*, default: Any = dataclasses.MISSING) -> Any:
    """A field naming what the resource is: another value is another resource."""
    return dataclasses.field(default=default, metadata={"change": Change.REPLACE, "secret": False})


def setting(default: Any = dataclasses.MISSING, *, secret: bool = False) -> Any:
    """A field the program sets and the provider applies in place."""
    return dataclasses.field(default=default, metadata={"change": Change.UPDATE, "secret": secret})


def computed(*, secret: bool = False) -> Any:
    """A field only the provider sets."""
    return dataclasses.field(
        default=None, init=False, metadata={"change": Change.COMPUTED, "secret": secret}
    )


@dataclass(frozen=True)
class Behaviour:
    """The inputs' fields by what a change does, and which are secret."""

    replace: tuple[str, ...]
    update: tuple[str, ...]
    computed: tuple[str, ...]
    secret: tuple[str, ...]

    @property
    def set_by_program(self) -> tuple[str, ...]:
        return self.replace + self.update

    @property
    def sent(self) -> tuple[str, ...]:
        """The fields the surface's update call carries (all but where the API is)."""
        return tuple(name for name in self.update if name != "management_api")


def behaviour(inputs: "type[DataclassInstance]") -> Behaviour:
    """The behaviour `inputs` (a dataclass of these fields) declares."""
    fields = dataclasses.fields(inputs)

    def named(change: Change) -> tuple[str, ...]:
        return tuple(f.name for f in fields if f.metadata["change"] is change)

    secret = tuple(f.name for f in fields if f.metadata["secret"])
    return Behaviour(named(Change.REPLACE), named(Change.UPDATE), named(Change.COMPUTED), secret)


def properties(inputs: "DataclassInstance") -> dict[str, object]:
    """The resource's properties: every field, a computed one as None until the provider
    sets it."""
    return {field.name: getattr(inputs, field.name) for field in dataclasses.fields(inputs)}
