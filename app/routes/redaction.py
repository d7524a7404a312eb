"""No log line, at any level and from any library, carries a connection string or a secret.

Libraries log what they were given: psycopg_pool logs "error connecting in 'pool-1':
<error>" (psycopg_pool/pool_async.py `_add_connection`), and libpq's errors quote the
connection string they could not parse. Filtering each library's logger would miss
the next library, and filters on a logger do not see its children's records, so
every record is scrubbed where it is made: a log record factory
(https://docs.python.org/3/library/logging.html#logging.setLogRecordFactory). It
removes the configured secrets and anything shaped like a connection string from
the message and each of its arguments, and from the traceback, which it renders
once itself, so that no handler or formatter sees the raw exception.
"""

import logging
import re
import traceback
from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote, urlsplit

REDACTED = "[redacted]"
# Any URL with credentials, and every database or Redis URL with or without them
# (a driver suffix such as postgresql+psycopg:// included).
_CONNECTION_URL = re.compile(
    r"\b(?:postgres(?:ql)?|rediss?)(?:\+\w+)?://[^\s'\"<>]*"
    r"|\b[a-z][a-z0-9+.-]*://[^\s/'\"<>]*@[^\s'\"<>]*",
    re.IGNORECASE,
)
# libpq's key=value form: password=... (quoted or not).
_PASSWORD_PARAMETER = re.compile(
    r"\b(password|passwd)\s*=\s*('(?:[^'\\]|\\.)*'|\S+)", re.IGNORECASE
)
# Shorter values would redact ordinary words; URLs are caught by shape anyway.
_MIN_SECRET_LENGTH = 4

_secrets: set[str] = set()
_installed = False


def redact(text: str) -> str:
    for secret in sorted(_secrets, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    text = _CONNECTION_URL.sub(REDACTED, text)
    return _PASSWORD_PARAMETER.sub(rf"\1={REDACTED}", text)


def secret_parts(value: str) -> set[str]:
    """A secret, and for a URL its password too, raw and percent-decoded."""
    parts = {value}
    try:
        password = urlsplit(value).password
    except ValueError:
        password = None
    if password:
        parts |= {password, unquote(password)}
    return {part for part in parts if len(part) >= _MIN_SECRET_LENGTH}


def _scrubbed(value: object) -> object:
    """The value itself when its text holds nothing to hide (formats such as %d keep working)."""
    text = str(value)
    cleaned = redact(text)
    return value if cleaned == text else cleaned


def _scrub(record: logging.LogRecord) -> None:
    # The arguments stay separate: some formatters read them (uvicorn's access log does).
    if isinstance(record.msg, str):
        record.msg = redact(record.msg)
    else:
        record.msg = _scrubbed(record.msg)
    if isinstance(record.args, tuple):
        record.args = tuple(_scrubbed(arg) for arg in record.args)
    elif isinstance(record.args, dict):
        record.args = {key: _scrubbed(arg) for key, arg in record.args.items()}
    if record.exc_info and record.exc_info[0] is not None:
        rendered = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        # logging.Formatter prints exc_text when exc_info is empty.
        record.exc_text, record.exc_info = redact(rendered), None
    elif record.exc_text:
        record.exc_text = redact(record.exc_text)
    if record.stack_info:
        record.stack_info = redact(record.stack_info)


def install_log_redaction(secrets: Iterable[str] = ()) -> None:
    """Scrub every log record made from now on; secrets add to those given before."""
    global _installed
    for secret in secrets:
        _secrets.update(secret_parts(secret))
    if _installed:
        return
    make_record = logging.getLogRecordFactory()

    def scrubbed_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        _scrub(record)
        return record

    logging.setLogRecordFactory(scrubbed_record)
    _installed = True
