"""Postgres settings: the database-wide `statement_timeout`.

`PUT /v1/projects/{ref}/config/database/postgres` (UpdatePostgresConfigBody, closed; each
field optional) answers PostgresConfigResponse, as `GET` of the same path does.
`statement_timeout` is text matching `^(-?[0-9]+(?:\\.[0-9]+)?)(us|ms|s|min|h|d)?$`,
milliseconds when no unit is given. The API roles keep their own, shorter timeouts
(`anon` 3 s, `authenticated` 8 s), which win over this one; the database-wide value bounds
everything else, such as the ops app's and the migration runner's connections, which Supabase
otherwise caps at 2 minutes (supabase/supabase apps/docs/content/guides/database/postgres/
timeouts.mdx and configuration.mdx).

Delete puts that documented 2 minutes back.
"""

import re
from dataclasses import dataclass
from typing import Any

import pulumi

from components.supabase.api import ManagementApi
from components.supabase.fields import setting
from components.supabase.surface import SurfaceInputs, SurfaceProvider, SurfaceResource

SUPABASE_DEFAULT_TIMEOUT = "2min"
_DURATION = re.compile(r"^(-?[0-9]+(?:\.[0-9]+)?)(us|ms|s|min|h|d)?$")
_MILLISECONDS = {"us": 0.001, "ms": 1, "s": 1000, "min": 60_000, "h": 3_600_000, "d": 86_400_000}


@dataclass(frozen=True, kw_only=True)
class PostgresConfigInputs(SurfaceInputs):
    statement_timeout: pulumi.Input[str] = setting()
    """The longest a statement may run, database-wide, e.g. `120s`."""


class PostgresConfigProvider(SurfaceProvider):
    inputs = PostgresConfigInputs
    what = "Postgres settings"

    def apply(
        self, api: ManagementApi, ref: str, news: dict[str, Any], _olds: dict[str, Any] | None
    ) -> dict[str, Any]:
        body = {"statement_timeout": news["statement_timeout"]}
        return _managed(api.call("PUT", _path(ref), json=body))

    def observe(self, api: ManagementApi, ref: str, _props: dict[str, Any]) -> dict[str, Any]:
        return _managed(api.call("GET", _path(ref)))

    def remove(self, api: ManagementApi, ref: str, _props: dict[str, Any]) -> None:
        api.call("PUT", _path(ref), json={"statement_timeout": SUPABASE_DEFAULT_TIMEOUT})

    def differs(self, name: str, olds: dict[str, Any], news: dict[str, Any]) -> bool:
        if name == "statement_timeout":  # "120s" is "2min"
            return milliseconds(olds.get(name)) != milliseconds(news.get(name))
        return super().differs(name, olds, news)


class PostgresConfig(SurfaceResource, module="supabase", name="PostgresConfig"):
    """A Supabase project's database-wide Postgres settings."""

    provider_class = PostgresConfigProvider
    statement_timeout: pulumi.Output[str]


def milliseconds(duration: Any) -> float | None:
    """A Postgres duration in milliseconds; None when unset or not a duration."""
    match = _DURATION.fullmatch(str(duration)) if duration is not None else None
    if match is None:
        return None
    return float(match.group(1)) * _MILLISECONDS[match.group(2) or "ms"]


def _managed(answer: dict[str, Any]) -> dict[str, Any]:
    # Unset on a project that never had it changed: Supabase's documented 2 minutes apply.
    return {"statement_timeout": answer.get("statement_timeout") or SUPABASE_DEFAULT_TIMEOUT}


def _path(ref: str) -> str:
    return f"/v1/projects/{ref}/config/database/postgres"
