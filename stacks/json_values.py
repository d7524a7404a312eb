"""JSON values, typed: what a dynamic provider's properties, an API's answers and the
plan's inputs are. They are pydantic's `JsonValue`, never `Any`, and a reader narrows each
field where it reads it.

Two kinds of read. The lenient ones (`at`, `obj`, `items`) give None or an empty object or
array where a value is missing or of another kind: the plan's readers use them, where an
absent input simply shows nothing. The strict ones (`member`, `as_object`, `as_array`,
`as_text`) raise where the value is not what the caller relies on, as subscripting a plain
dict did: a dynamic provider reads the engine's properties and the API's answers with them,
so a malformed answer fails the call rather than passing on a wrong value.

It lives in `stacks/`, a package of the program that the tooling imports before any program
runs (the tooling imports the program, never the reverse; and no `components` module may be
loaded before the program runs, tests/test_layout.py), so that the dynamic providers in
`components/` and the plan's readers in `crms_infra/` share one definition. It imports
nothing of the project.
"""

from pydantic import JsonValue

__all__ = [
    "JsonObject",
    "JsonValue",
    "as_array",
    "as_object",
    "as_text",
    "at",
    "items",
    "member",
    "obj",
]

JsonObject = dict[str, JsonValue]
"""A JSON object: a dynamic resource's properties, an API's answer, a resource's inputs."""


def at(value: JsonValue | None, *keys: str) -> JsonValue | None:
    """The value under `keys`, object by object; None where a key or an object is missing
    (the readers' `(x.get("a") or {}).get("b")`, typed)."""
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def obj(value: JsonValue | None) -> JsonObject:
    """`value` if it is a JSON object, else an empty one."""
    return value if isinstance(value, dict) else {}


def items(value: JsonValue | None) -> list[JsonValue]:
    """`value` if it is a JSON array, else an empty one."""
    return value if isinstance(value, list) else []


def member(value: JsonValue | None, *keys: str) -> JsonValue:
    """The value under `keys`, object by object, as `value[k1][k2]` reads it: a KeyError
    where a key is missing, a TypeError where a value on the way is not an object."""
    for key in keys:
        value = as_object(value)[key]
    return value


def as_object(value: JsonValue | None) -> JsonObject:
    """`value`, which must be a JSON object."""
    if not isinstance(value, dict):
        raise TypeError(f"expected a JSON object, got {_kind(value)}")
    return value


def as_array(value: JsonValue | None) -> list[JsonValue]:
    """`value`, which must be a JSON array."""
    if not isinstance(value, list):
        raise TypeError(f"expected a JSON array, got {_kind(value)}")
    return value


def as_text(value: JsonValue | None) -> str:
    """`value`, which must be a JSON string."""
    if not isinstance(value, str):
        raise TypeError(f"expected a JSON string, got {_kind(value)}")
    return value


def _kind(value: JsonValue | None) -> str:
    """The JSON kind of `value`, never the value itself (it may be a secret)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "an array" if isinstance(value, list) else "an object"
