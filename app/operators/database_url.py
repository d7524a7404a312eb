"""Checking a database URL before use, and keeping its password out of messages.

libpq fills in whatever a URL leaves out from its own defaults: an empty URL
connects to the local server's default database as the current user, and the
runner would create its bookkeeping there. A URL it cannot parse is quoted whole
in psycopg's error, password included. So a URL is checked here first, and
every message the runner prints passes through `redact`.
"""

import re
from urllib.parse import quote

import psycopg
from psycopg.conninfo import conninfo_to_dict

_USERINFO = re.compile(r"(://[^:/@\s]*:)[^@\s]*@")


class DatabaseUrlError(ValueError):
    """The database URL is missing or unusable; the message never quotes it."""


def require_database_url(url: str) -> None:
    if not url.strip():
        raise DatabaseUrlError(
            "the database URL is empty; give the database's postgresql://user@host:port/dbname"
        )
    try:
        params = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        raise DatabaseUrlError(
            "the database URL is not a PostgreSQL connection string: it must be"
            " postgresql://user:password@host:port/dbname (a SQLAlchemy-style"
            " 'postgresql+psycopg://' is not one)"
        ) from None
    if not params.get("host") and not params.get("hostaddr"):
        raise DatabaseUrlError(
            "the database URL names no host; the runner does not fall back to a local default"
        )
    if not params.get("dbname"):
        raise DatabaseUrlError("the database URL names no database")


def redact(text: str, url: str) -> str:
    """The text with the URL's password, and any user:password@ in it, masked."""
    text = _USERINFO.sub(r"\1[redacted]@", text)
    try:
        password = str(conninfo_to_dict(url).get("password") or "")
    except psycopg.ProgrammingError:
        password = ""
    for form in {password, quote(password, safe="")} - {""}:
        text = text.replace(form, "[redacted]")
    return text
