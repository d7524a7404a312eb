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

The work is bounded: at most MAX_CONTAINERS objects and arrays, counted before parsing (as
`{` and `[` bytes outside strings: a message full of braces is text, not objects), and
MAX_NUMBERS numbers, counted while parsing (413 past either).

A string holding a lone surrogate (`"\ud800"`: JSON allows the escape, RFC 8259 section
8.2 calls such a string's behaviour unpredictable) is refused too: it is no Unicode text,
so nothing could encode it (it was a UnicodeEncodeError, a 500).

The number hooks are Python calls made for every number, so a parse running in a worker
thread hands the GIL back to the event loop every few milliseconds (CPython's switch
interval) instead of holding it for the whole body.
"""

import json
import math
import re
from typing import Any, NoReturn

MAX_INTEGER_DIGITS = 20
MAX_CONTAINERS = 300_000
"""A 4.5 MB delivery of Vercel's densest records, OTLP span attributes (two objects in about
50 bytes), holds under 200,000 objects; 1.5 million `{}` in one body is no delivery, and
would cost about 200 MB to parse."""
MAX_NUMBERS = 300_000
"""A log entry holds four numbers in about 650 bytes (timestamps and status codes), so a
4.5 MB delivery under 30,000; OTLP writes its times as strings. Each number is a Python
call: 2.25 million of them took 2.5 s."""


_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
"""A JSON string (escapes included): in valid JSON the scan meets strings exactly where a
parser does, and where the body is not valid JSON the parser stops at the first fault."""
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


class BadDelivery(Exception):
    """The body is not a drain delivery (400); the message never quotes the body."""


class TooManyValues(BadDelivery):
    """The body holds more objects and arrays than any delivery does (413)."""


def whole_number(text: str) -> int:
    """An integer written in decimal, of at most MAX_INTEGER_DIGITS digits."""
    if len(text.lstrip("-")) > MAX_INTEGER_DIGITS:
        raise BadDelivery(f"a number in the body has more than {MAX_INTEGER_DIGITS} digits")
    return int(text)


def _constant(name: str) -> NoReturn:
    raise BadDelivery(f"{name} is not JSON")


class Reader:
    """The JSON documents of one delivery (one, or one per NDJSON line), within its bounds."""

    def __init__(self, body: bytes) -> None:
        if _containers(body) > MAX_CONTAINERS and _containers(_STRING.sub(b"", body)) > (
            MAX_CONTAINERS
        ):
            raise TooManyValues(f"more than {MAX_CONTAINERS:,} JSON objects and arrays")
        self._numbers = 0

    def loads(self, text: str) -> Any:
        """One JSON document, strictly; `BadDelivery` for anything else."""
        # A decoder per call: the C scanner keeps a memo of keys that parses would share.
        decoder = json.JSONDecoder(
            parse_int=self._integer, parse_float=self._finite_float, parse_constant=_constant
        )
        try:
            value = decoder.decode(text)
        except (json.JSONDecodeError, RecursionError):
            raise BadDelivery("the body is not JSON") from None
        if _SURROGATE_ESCAPE.search(text) and _has_lone_surrogate(value):
            raise BadDelivery("a string in the body holds a lone surrogate (no Unicode text)")
        return value

    def _count(self) -> None:
        self._numbers += 1
        if self._numbers > MAX_NUMBERS:
            raise TooManyValues(f"more than {MAX_NUMBERS:,} numbers")

    def _integer(self, text: str) -> int:
        self._count()
        return whole_number(text)

    def _finite_float(self, text: str) -> float:
        self._count()
        value = float(text)
        if not math.isfinite(value):
            raise BadDelivery("a number in the body is too large to be finite")
        return value


def is_number(value: Any) -> bool:
    """A JSON number (bool is an int to Python, not to JSON)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def _containers(body: bytes) -> int:
    return body.count(b"{") + body.count(b"[")


def _has_lone_surrogate(value: Any) -> bool:
    """Whether any key or string in a parsed document holds a surrogate (a pair would have
    been joined into one character by the parser, so any left is alone)."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False
