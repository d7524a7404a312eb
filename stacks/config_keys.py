"""The mapping between settings fields and flat Pulumi config keys.

Pulumi's project config schema only types strings, integers, booleans and arrays,
so nested settings are spelled as flat keys: the camelCase join of the field path.
"""

import enum
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, EmailStr
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

PROJECT = "crms"


def config_key(path: tuple[str, ...]) -> str:
    """`("compute", "function_memory_mb")` -> `computeFunctionMemoryMb`."""
    words = [word for part in path for word in part.split("_")]
    return words[0] + "".join(word[:1].upper() + word[1:] for word in words[1:])


@dataclass(frozen=True)
class Leaf:
    """One config key: its path in the settings model and its field."""

    path: tuple[str, ...]
    field: FieldInfo

    @property
    def key(self) -> str:
        return config_key(self.path)

    @property
    def is_text(self) -> bool:
        """Whether the config value is used as the raw string (no JSON decoding)."""
        return schema_type(self.field.annotation) == "string"

    @property
    def default(self) -> Any:
        if self.field.default is PydanticUndefined:
            return None
        value = self.field.default
        if isinstance(value, float):
            return str(value)  # a decimal is a string in the schema (schema_type)
        return value.value if isinstance(value, enum.Enum) else value


def leaves(model: type[BaseModel], prefix: tuple[str, ...] = ()) -> Iterator[Leaf]:
    """Every leaf field of a (nested) settings model, in declaration order."""
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            yield from leaves(annotation, (*prefix, name))
        else:
            yield Leaf((*prefix, name), field)


def nest(values: dict[tuple[str, ...], Any]) -> dict[str, Any]:
    """Turn `{path: value}` into the nested dict the settings model validates."""
    nested: dict[str, Any] = {}
    for path, value in values.items():
        node = nested
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = value
    return nested


def schema_type(annotation: Any) -> str:
    """The Pulumi config schema type of a field's annotation."""
    annotation = _strip_annotated(annotation)
    origin = typing.get_origin(annotation)
    if origin is list:
        return "array"
    if origin is Literal or (isinstance(annotation, type) and issubclass(annotation, str)):
        return "string"
    if annotation is bool:
        return "boolean"
    if annotation is int:
        return "integer"
    if annotation is float:
        # Pulumi's schema has no number type; thresholds such as 0.5 % need one.
        return "string"
    if annotation is EmailStr:
        return "string"
    raise TypeError(f"no Pulumi config type for {annotation!r}")


def item_schema_type(annotation: Any) -> str:
    """The schema type of a list field's items."""
    (item,) = typing.get_args(_strip_annotated(annotation))
    return schema_type(item)


def _strip_annotated(annotation: Any) -> Any:
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation
