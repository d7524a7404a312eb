"""Read Pulumi's YAML files (Pulumi.yaml, Pulumi.<stack>.yaml) as the Pulumi CLI reads them.

The CLI decodes them with gopkg.in/yaml.v3 v3.0.1 (pulumi/pulumi `sdk/go.mod`,
`sdk/go/common/encoding/marshal.go`), which follows YAML 1.2: only true/false
are booleans (`yes`, `no`, `on`, `off` are strings; yaml.v3 `resolve.go`), and a
repeated key is an error ("mapping key ... already defined", yaml.v3 `decode.go`).
ruamel.yaml's safe loader implements YAML 1.2 too; on top of it this module refuses
what a stack file never needs and what the two libraries read differently:
- aliases and anchors (a few hundred bytes of aliases expand to megabytes);
- explicit tags other than the core ones (`!!binary`, `!!set`, `!!python/...`);
- integers written with a leading zero (yaml.v3 reads `0777` as octal 511 for
  YAML 1.1 compatibility, YAML 1.2 as 777);
- files over 64 KiB, more than one document, and nesting deeper than 16 levels.
Timestamps stay strings, as yaml.v3 keeps them when decoding into `any`.
Every message is one sentence of bounded length that never quotes a value.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.constructor import SafeConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    DocumentStartEvent,
    Event,
    MappingStartEvent,
    NodeEvent,
    ScalarEvent,
    SequenceStartEvent,
)

MAX_FILE_BYTES = 64 * 1024
"""A stack file holds a few dozen keys (prod: about 2 KiB); 64 KiB leaves room for secrets."""
MAX_DEPTH = 16
"""Config values nest a few levels at most (a list of maps); deeper is a mistake."""
_CORE_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "seq", "map")
)
_LEADING_ZERO_INTEGER = re.compile(r"^[-+]?0[0-9_]+$")
_SHOWN_KEY_CHARS = 60


class YamlFileError(ValueError):
    """A project or stack file that Pulumi would refuse or read differently; one sentence."""


class _Constructor(SafeConstructor):
    """YAML 1.2 safe constructor, except that timestamps stay strings (as in yaml.v3)."""


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", SafeConstructor.construct_yaml_str)


def _loader() -> YAML:
    loader = YAML(typ="safe", pure=True)
    loader.Constructor = _Constructor
    return loader


def load_yaml_file(path: Path) -> Any:
    """The file's single document; `YamlFileError` naming the file (and line) if refused."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise YamlFileError(
                f"{path.name} is {size:,} bytes, over the {MAX_FILE_BYTES:,} a Pulumi file here "
                "may hold"
            )
        data = path.read_bytes()
    except OSError as error:
        raise YamlFileError(f"{path.name} cannot be read: {error.strerror}") from None
    try:
        # Pulumi strips a UTF-8 byte order mark first (workspace/loaders.go).
        text = data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError:
        raise YamlFileError(f"{path.name} is not UTF-8 text") from None
    return load_yaml(text, path.name)


def load_yaml(text: str, source: str) -> Any:
    """Parse `text` (named `source` in errors) with the rules above."""
    loader = _loader()
    try:
        _check_events(loader.parse(text), source)
        return loader.load(text)
    except MarkedYAMLError as error:
        problem = (error.problem or error.context or "unreadable").splitlines()[0][:120]
        mark = error.problem_mark or error.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise YamlFileError(f"{source}: {where}not valid YAML: {problem}") from None
    except YAMLError as error:
        raise YamlFileError(f"{source}: not valid YAML: {str(error)[:120]}") from None


@dataclass
class _Collection:
    is_mapping: bool
    expecting_key: bool = True
    keys: dict[str, int] = field(default_factory=dict)


def _check_events(events: Any, source: str) -> None:
    """Refuse, from the parser's events, what the loader would accept silently."""
    open_collections: list[_Collection] = []
    documents = 0
    for event in events:
        line = event.start_mark.line + 1
        if isinstance(event, AliasEvent):
            raise YamlFileError(
                f"{source}: line {line}: aliases (*name) are not accepted; write the value out"
            )
        if isinstance(event, DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise YamlFileError(f"{source}: line {line}: a second YAML document; keep one")
        if isinstance(event, CollectionEndEvent):
            open_collections.pop()
        if not isinstance(event, NodeEvent):
            continue
        if event.anchor is not None:
            raise YamlFileError(
                f"{source}: line {line}: anchors (&name) are not accepted; write the value out"
            )
        _check_tag(event, source, line)
        parent = open_collections[-1] if open_collections else None
        if parent is not None and parent.is_mapping:
            if parent.expecting_key:
                _record_key(parent, event, source, line)
            elif isinstance(event, ScalarEvent):
                _check_scalar(event, source, line)
            parent.expecting_key = not parent.expecting_key
        elif isinstance(event, ScalarEvent):
            _check_scalar(event, source, line)
        if isinstance(event, (MappingStartEvent, SequenceStartEvent)):
            open_collections.append(_Collection(isinstance(event, MappingStartEvent)))
            if len(open_collections) > MAX_DEPTH:
                raise YamlFileError(
                    f"{source}: line {line}: nested more than {MAX_DEPTH} levels deep"
                )


def _check_tag(event: NodeEvent, source: str, line: int) -> None:
    tag = getattr(event, "tag", None)
    if tag is not None and tag not in _CORE_TAGS:
        raise YamlFileError(
            f"{source}: line {line}: the tag {str(tag)[:_SHOWN_KEY_CHARS]} is not accepted; "
            "Pulumi config holds only strings, numbers, booleans, lists and maps"
        )


def _record_key(mapping: _Collection, event: Event, source: str, line: int) -> None:
    if not isinstance(event, ScalarEvent):
        raise YamlFileError(f"{source}: line {line}: a key must be a string, not a list or map")
    key = event.value
    shown = key if len(key) <= _SHOWN_KEY_CHARS else key[:_SHOWN_KEY_CHARS] + "…"
    # yaml.v3 compares keys by their text (decode.go), so `1` and "1" collide there too.
    if key in mapping.keys:
        raise YamlFileError(
            f"{source}: line {line}: the key {shown} is already set at line "
            f"{mapping.keys[key]}; Pulumi refuses a file with a repeated key"
        )
    mapping.keys[key] = line


def _check_scalar(event: ScalarEvent, source: str, line: int) -> None:
    plain = event.style is None and event.tag is None
    if plain and _LEADING_ZERO_INTEGER.match(event.value):
        raise YamlFileError(
            f"{source}: line {line}: a number with a leading zero is octal for Pulumi and decimal "
            "in YAML 1.2; drop the zero, or quote it if it is text"
        )
