"""JSON as a drain delivery may hold it: strict, with every number bounded, and bounded work.

Python's `json` reads more than JSON: `NaN`, `Infinity` and `-Infinity` (not JSON, RFC 8259
section 6), numbers that overflow a float to infinity (`1e400`), and integers of any length
until `int()` gives up at 4,300 digits with a ValueError (Python's integer string conversion
limit, https://docs.python.org/3/library/stdtypes.html#int-max-str-digits). Each of those
was a 500. Here they are a `BadDelivery` (400):
- no constants: NaN and the infinities cannot be published anyway (CloudWatch's
  PutMetricData: "special values (for example, NaN, +Infinity, -Infinity) are not
  supported", https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MetricDatum.html);
- integers of at most MAX_INTEGER_DIGITS digits: the widest number a drain sends is an OTLP
  `fixed64` nanosecond timestamp, below 2**64 (20 digits); Vercel's log fields are
  millisecond timestamps and status codes (https://vercel.com/docs/drains/reference/logs);
- floats finite.

The work is bounded before parsing: at most MAX_CONTAINERS objects and arrays (counted as
`{` and `[` bytes, which can only overcount). The hooks above are Python calls made for
every number, so a parse running in a worker thread hands the GIL back to the event loop
every few milliseconds (CPython's switch interval) instead of holding it for the whole body.
"""

import json
import math
from typing import Any, NoReturn

MAX_INTEGER_DIGITS = 20
MAX_CONTAINERS = 300_000
"""A 4.5 MB delivery of Vercel's densest records, OTLP span attributes (two objects in about
50 bytes), holds under 200,000 objects; 1.5 million `{}` in one body is no delivery, and
would cost about 200 MB to parse."""


class BadDelivery(Exception):
    """The body is not a drain delivery (400); the message never quotes the body."""


class TooManyValues(BadDelivery):
    """The body holds more objects and arrays than any delivery does (413)."""


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INTEGER_DIGITS:
        raise BadDelivery(f"a number in the body has more than {MAX_INTEGER_DIGITS} digits")
    return int(text)


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise BadDelivery("a number in the body is too large to be finite")
    return value


def _constant(name: str) -> NoReturn:
    raise BadDelivery(f"{name} is not JSON")


def check_size(body: bytes) -> None:
    """Refuses a body with more objects and arrays than MAX_CONTAINERS, before any parsing."""
    if body.count(b"{") + body.count(b"[") > MAX_CONTAINERS:
        raise TooManyValues(f"more than {MAX_CONTAINERS:,} JSON objects and arrays")


def loads(text: str) -> Any:
    """One JSON document, strictly; `BadDelivery` for anything else."""
    # A decoder per call: the C scanner keeps a memo of keys that concurrent parses would share.
    decoder = json.JSONDecoder(
        parse_int=_integer, parse_float=_finite_float, parse_constant=_constant
    )
    try:
        return decoder.decode(text)
    except (json.JSONDecodeError, RecursionError):
        raise BadDelivery("the body is not JSON") from None


def is_number(value: Any) -> bool:
    """A JSON number (bool is an int to Python, not to JSON)."""
    return isinstance(value, int | float) and not isinstance(value, bool)
