"""Which tags and plain scalars of a Pulumi YAML file the CLI would refuse or read otherwise
than YAML 1.2 does (crms_infra/stack_file/reader.py reads the file and says where).

Each check answers the problem in words, or None: the reader adds the file and the line.
"""

import math
import re

from ruamel.yaml.events import ScalarEvent

from stacks.escape import printable

_CORE_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "seq", "map")
)
_LEADING_ZERO_INTEGER = re.compile(r"^[-+]?0[0-9_]+$")
_INTEGER = re.compile(r"[-+]?(?:0o[0-7_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*)")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9_]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?")
_MAX_INTEGER_CHARS = 24
"""Past any 64-bit integer in any base YAML 1.2 writes (22 octal digits): longer is refused
without converting it, so no conversion limit is ever met."""
_INT64_MIN = -(2**63)
_UINT64_MAX = 2**64 - 1
SHOWN_KEY_CHARS = 60
"""The most of a key or a tag a message shows."""


def tag_problem(tag: object) -> str | None:
    """Why an explicit tag is refused: only the core ones carry Pulumi config."""
    if tag is not None and tag not in _CORE_TAGS:
        return (
            f"the tag {printable(str(tag), SHOWN_KEY_CHARS)} is not "
            "accepted; Pulumi config holds only strings, numbers, booleans, lists and maps"
        )
    return None


def scalar_problem(event: ScalarEvent, key: str | None) -> str | None:
    """Why a plain scalar under `key` is refused: a number the two readers differ on."""
    plain = event.style is None and event.tag is None
    if not plain:
        return None
    where = f"{printable(key, SHOWN_KEY_CHARS)}: " if key else ""
    if _LEADING_ZERO_INTEGER.match(event.value):
        return (
            f"{where}a number with a leading zero is octal for Pulumi and decimal "
            "in YAML 1.2; drop the zero, or quote it if it is text"
        )
    problem = number_problem(event.value)
    if problem:
        return f"{where}{problem}; quote it if it is text"
    return None


def number_problem(text: str) -> str | None:
    """Why Pulumi cannot read this plain scalar as the number YAML 1.2 makes of it.

    yaml.v3 resolves a plain integer with strconv.ParseInt / ParseUint (64 bits) and a
    float with ParseFloat (64 bits), and keeps a scalar neither can parse as text
    (resolve.go); ruamel.yaml reads any length (an integer of over 4,300 digits then stops
    it with Python's conversion limit, naming no line). Both are refused with the line."""
    digits = text.replace("_", "").lstrip("+-")
    if _INTEGER.fullmatch(text):
        if (
            len(digits) > _MAX_INTEGER_CHARS
            or not _INT64_MIN <= int(text.replace("_", ""), 0) <= _UINT64_MAX
        ):
            return f"an integer of {len(digits):,} characters, past the 64 bits Pulumi reads"
    elif _FLOAT.fullmatch(text) and math.isinf(float(text.replace("_", ""))):
        return "a number too large for a 64-bit float"
    return None
