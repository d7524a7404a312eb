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
- files over 64 KiB, more than one document, and nesting deeper than 16 levels;
- numbers past 64 bits, which yaml.v3 keeps as text and ruamel.yaml reads as a number.
Timestamps stay strings, as yaml.v3 keeps them when decoding into `any`.
Every message is one sentence of bounded length that never quotes a value; a key or
tag it names is escaped (stacks.escape).
"""

import copy
import functools
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

from crms_infra.stack_file.scalars import SHOWN_KEY_CHARS, scalar_problem, tag_problem
from stacks.escape import printable

MAX_FILE_BYTES = 64 * 1024
"""A stack file holds a few dozen keys (prod: about 2 KiB); 64 KiB leaves room for secrets."""
MAX_DEPTH = 16
"""Config values nest a few levels at most (a list of maps); deeper is a mistake."""


class YamlFileError(ValueError):
    """A project or stack file that Pulumi would refuse or read differently; one sentence."""


class _Constructor(SafeConstructor):
    """YAML 1.2 safe constructor, except that timestamps stay strings (as in yaml.v3)."""


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", SafeConstructor.construct_yaml_str)


def _loader() -> YAML:
    loader = YAML(typ="safe", pure=True)
    loader.Constructor = _Constructor
    return loader


@dataclass(frozen=True)
class YamlDocument:
    data: Any
    key_lines: dict[tuple[str, ...], int]
    """The line of each mapping key outside any list, by its path: ("config", "crms:x")."""


def load_yaml_file(path: Path) -> Any:
    """The file's single document; `YamlFileError` naming the file (and line) if refused."""
    return read_yaml_file(path).data


def read_yaml_file(path: Path) -> YamlDocument:
    """The file's document and where its keys are."""
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
    return _read(text, path.name)


def load_yaml(text: str, source: str) -> Any:
    """Parse `text` (named `source` in errors) with the rules above."""
    return _read(text, source).data


def _read(text: str, source: str) -> YamlDocument:
    """Each text of a file's size parsed once per process: one plan reads each stack file
    several times (its config, the referenced stack's, its settings, the CLI config), and
    parsing is most of what reading costs. Keyed by the text itself, so a file that changed
    is read anew; a refused text raises each time (an exception is not cached). A copy
    each time: a caller may change what it gets, never the cache's."""
    if len(text) > MAX_FILE_BYTES:
        return _parse(text, source)
    return copy.deepcopy(_parsed(text, source))


def _parse(text: str, source: str) -> YamlDocument:
    loader = _loader()
    try:
        key_lines = _check_events(loader.parse(text), source)
        return YamlDocument(loader.load(text), key_lines)
    except MarkedYAMLError as error:
        problem = (error.problem or error.context or "unreadable").splitlines()[0][:120]
        mark = error.problem_mark or error.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise YamlFileError(f"{source}: {where}not valid YAML: {problem}") from None
    except YAMLError as error:
        raise YamlFileError(f"{source}: not valid YAML: {str(error)[:120]}") from None


_parsed = functools.lru_cache(maxsize=32)(_parse)


@dataclass
class _Collection:
    is_mapping: bool
    path: tuple[str, ...] | None
    """Its keys' path from the root, or None inside a list."""
    expecting_key: bool = True
    keys: dict[str, int] = field(default_factory=dict)
    current_key: str | None = None


def _check_events(events: Any, source: str) -> dict[tuple[str, ...], int]:
    """Refuse, from the parser's events, what the loader would accept silently; returns
    where each key is."""
    key_lines: dict[tuple[str, ...], int] = {}
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
        is_key = parent is not None and parent.is_mapping and parent.expecting_key
        if parent is not None and parent.is_mapping:
            if is_key:
                _record_key(parent, event, source, line)
                if parent.path is not None:
                    key_lines[(*parent.path, str(parent.current_key))] = line
            parent.expecting_key = not parent.expecting_key
        if isinstance(event, ScalarEvent) and not is_key:
            _check_scalar(event, source, line, _owner(open_collections))
        if isinstance(event, (MappingStartEvent, SequenceStartEvent)):
            open_collections.append(
                _Collection(isinstance(event, MappingStartEvent), _path_below(parent))
            )
            if len(open_collections) > MAX_DEPTH:
                raise YamlFileError(
                    f"{source}: line {line}: nested more than {MAX_DEPTH} levels deep"
                )
    return key_lines


def _path_below(parent: _Collection | None) -> tuple[str, ...] | None:
    if parent is None:
        return ()
    if not parent.is_mapping or parent.path is None:
        return None
    return (*parent.path, str(parent.current_key))


def _owner(open_collections: list[_Collection]) -> str | None:
    """The key whose value holds the current scalar (the nearest mapping's)."""
    mappings = (c.current_key for c in reversed(open_collections) if c.is_mapping)
    return next(mappings, None)


def _check_tag(event: NodeEvent, source: str, line: int) -> None:
    problem = tag_problem(getattr(event, "tag", None))
    if problem is not None:
        raise YamlFileError(f"{source}: line {line}: {problem}")


def _record_key(mapping: _Collection, event: Event, source: str, line: int) -> None:
    if not isinstance(event, ScalarEvent):
        raise YamlFileError(f"{source}: line {line}: a key must be a string, not a list or map")
    key = event.value
    # yaml.v3 compares keys by their text (decode.go), so `1` and "1" collide there too.
    if key in mapping.keys:
        raise YamlFileError(
            f"{source}: line {line}: the key {printable(key, SHOWN_KEY_CHARS)} is already set"
            f" at line {mapping.keys[key]}; Pulumi refuses a file with a repeated key"
        )
    mapping.keys[key] = line
    mapping.current_key = key


def _check_scalar(event: ScalarEvent, source: str, line: int, key: str | None) -> None:
    problem = scalar_problem(event, key)
    if problem is not None:
        raise YamlFileError(f"{source}: line {line}: {problem}")
