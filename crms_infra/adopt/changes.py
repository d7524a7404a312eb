"""What adopting a live resource means: how it is taken over, and what the first
`pulumi up` after the import changes on it."""

import enum
import re
from dataclasses import dataclass, field
from typing import Any

from crms_infra.adopt.program import ProgramResource
from stacks.escape import printable

SENSITIVE = "[sensitive]"
UNSET = "unset"


class Effect(enum.StrEnum):
    UPDATE = "update in place"
    REPLACE = "replace"
    LATER = "after a refresh"
    """Adoption by name keeps the live value while the state records the program's:
    nothing happens on the first `up`, the change comes once a refresh reads the live one."""


@dataclass(frozen=True)
class Change:
    what: str
    before: str
    after: str
    effect: Effect
    note: str = ""


class How(enum.StrEnum):
    IMPORT = "pulumi import"
    BY_NAME = "adopted by name on `pulumi up`"


@dataclass(frozen=True)
class Adopted:
    """A live resource of the state and the program resource that takes it over."""

    state_address: str
    resource: ProgramResource
    how: How
    replacement_loses: str
    """What replacing it would destroy ("" for nothing that cannot be made again): a
    resource with something to lose is never adopted into a replacement."""
    import_id: str | None = None
    import_id_is_secret: bool = False
    changes: list[Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def replaces(self) -> list[Change]:
        return [change for change in self.changes if change.effect is Effect.REPLACE]


class AdoptionRefused(Exception):
    """Adopting this state would lose or break something live; one sentence says what."""


def camel_to_snake(name: str) -> str:
    """The engine's property name as the Terraform attribute (the bridge camel-cases them)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def comparable(value: Any) -> Any:
    """Engine and state values in one form: whole numbers as int (the engine's numbers are
    doubles), lists of strings as sorted lists (Terraform sets have no order)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return sorted(value)
    if isinstance(value, dict):
        return {camel_to_snake(key): comparable(item) for key, item in value.items()}
    return value


def shown(value: Any, limit: int = 60) -> str:
    """A state or plan value as the report prints it: one line, control characters
    escaped, bounded (the state is input and could hold anything)."""
    if value is None:
        return UNSET
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list):
        text = ", ".join(shown(item, limit) for item in value) or "none"
    else:
        text = str(value)
    return printable(text, limit)
