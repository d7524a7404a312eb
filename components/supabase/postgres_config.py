"""Postgres settings: the database-wide `statement_timeout` override, and nothing else.

`PUT /v1/projects/{ref}/config/database/postgres` (UpdatePostgresConfigBody, closed; each
field optional) replaces the project's whole set of overrides with its body, and answers
PostgresConfigResponse, as `GET` of the same path does. So this surface reads, merges and
writes: the Supabase CLI's `postgres-config update` GETs the current overrides and merges
into them (unless `--replace-existing-overrides`), and its `delete` removes a key by PUTting
the current overrides without it (supabase/cli apps/cli-go/internal/postgresConfig/update/
update.go and delete/delete.go, commit 1d1e7191). The CLI's recorded real traffic shows the
replacement: after `{max_connections, shared_buffers}`, a PUT of `{max_connections}` answers
and keeps `{max_connections}` alone (apps/cli-e2e/fixtures/scenarios/postgres-config-update-
replace-existing-overrides-replaces-all-overrides and the scenarios after it). Overrides set
in the dashboard or by the CLI (`max_connections`, `work_mem`, ...) therefore survive every
create, update and delete here; a postmaster-level one dropped would restart the database.

The body carries no `restart_database`: the API then reloads or restarts as the setting
needs (supabase/supabase apps/docs/content/guides/database/custom-postgres-config.mdx),
and `statement_timeout` only needs a reload. Between the GET and the PUT another writer's
change can be lost: the API offers no version to guard the write with.

`statement_timeout` is text matching `^(-?[0-9]+(?:\\.[0-9]+)?)(us|ms|s|min|h|d)?$`,
milliseconds when no unit is given. The API roles keep their own, shorter timeouts (`anon`
3 s, `authenticated` 8 s), which win over this one; the database-wide value bounds
everything else, such as the ops app's and the migration runner's connections, which Supabase
otherwise caps at 2 minutes (supabase/supabase apps/docs/content/guides/database/postgres/
timeouts.mdx and configuration.mdx). A refresh of a project without the override reads
`statement_timeout` as null: not set, whatever Supabase's default is.
"""

import re
from dataclasses import dataclass

import pulumi

from components.supabase.api import ManagementApi
from components.supabase.fields import setting
from components.supabase.ownership import Ownership
from components.supabase.surface import SurfaceInputs, SurfaceProvider, SurfaceResource
from stacks.json_values import JsonObject, JsonValue, as_object

OWNED = ("statement_timeout",)
PATH = "/config/database/postgres"
_DURATION = re.compile(r"^(-?[0-9]+(?:\.[0-9]+)?)(us|ms|s|min|h|d)?$")
_MILLISECONDS = {"us": 0.001, "ms": 1, "s": 1000, "min": 60_000, "h": 3_600_000, "d": 86_400_000}


@dataclass(frozen=True, kw_only=True)
class PostgresConfigInputs(SurfaceInputs):
    statement_timeout: pulumi.Input[str] = setting()
    """The longest a statement may run, database-wide, e.g. `120s`."""


class PostgresConfigProvider(SurfaceProvider):
    inputs = PostgresConfigInputs
    what = "Postgres settings"
    ownership = Ownership(
        owns="the `statement_timeout` override",
        leaves="every other override (`max_connections`, `shared_buffers`, `work_mem`, ...), "
        "sent back as read",
        create=(f"GET {PATH}", f"PUT {PATH}"),
        update=(f"GET {PATH}", f"PUT {PATH}"),
        refresh=(f"GET {PATH}",),
        delete=(f"GET {PATH}", f"PUT {PATH}"),
        note="delete sends no PUT when the override is already gone",
    )

    def apply(
        self, api: ManagementApi, ref: str, news: JsonObject, _olds: JsonObject | None
    ) -> JsonObject:
        overrides = as_object(api.call("GET", _path(ref)))
        merged = {**overrides, **{name: news[name] for name in OWNED}}
        return _owned(as_object(api.call("PUT", _path(ref), json=merged)))

    def observe(self, api: ManagementApi, ref: str, _props: JsonObject) -> JsonObject:
        return _owned(as_object(api.call("GET", _path(ref))))

    def remove(self, api: ManagementApi, ref: str, _props: JsonObject) -> None:
        overrides = as_object(api.call("GET", _path(ref)))
        if not any(name in overrides for name in OWNED):
            pulumi.log.info(f"Supabase project {ref} has no statement_timeout override left")
            return
        others = {name: value for name, value in overrides.items() if name not in OWNED}
        api.call("PUT", _path(ref), json=others)

    def differs(self, name: str, olds: JsonObject, news: JsonObject) -> bool:
        if name == "statement_timeout":  # "120s" is "2min"
            return milliseconds(olds.get(name)) != milliseconds(news.get(name))
        return super().differs(name, olds, news)


class PostgresConfig(SurfaceResource, module="supabase", name="PostgresConfig"):
    """A Supabase project's database-wide Postgres settings."""

    provider_class = PostgresConfigProvider
    statement_timeout: pulumi.Output[str]


def milliseconds(duration: JsonValue | None) -> float | None:
    """A Postgres duration in milliseconds; None when unset or not a duration."""
    match = _DURATION.fullmatch(str(duration)) if duration is not None else None
    if match is None:
        return None
    return float(match.group(1)) * _MILLISECONDS[match.group(2) or "ms"]


def _owned(answer: JsonObject) -> JsonObject:
    """The owned overrides of a PostgresConfigResponse; one not set reads as None."""
    return {name: answer.get(name) for name in OWNED}


def _path(ref: str) -> str:
    return f"/v1/projects/{ref}{PATH}"
