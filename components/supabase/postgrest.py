"""The Data API (PostgREST): which schemas it exposes, and how many rows one answer holds.

`PATCH /v1/projects/{ref}/postgrest` (V1UpdatePostgrestConfigBody: `db_schema`, a comma-
separated list; `max_rows`, 0 to 1,000,000) answers V1PostgrestConfigResponse; `GET` of
the same path answers PostgrestConfigWithJWTSecretResponse, which also carries the
project's JWT secret: only the two managed fields are kept from it, never that secret.
Supabase exposes `public` and `graphql_public` with a cap of 1,000 rows unless told
otherwise (supabase/cli, pkg/config/templates/config.toml, `[api]`).

Delete leaves the setting as it is: Supabase's default exposes more than the app serves.
"""

from dataclasses import dataclass

import pulumi

from components.supabase.api import ManagementApi
from components.supabase.fields import setting
from components.supabase.ownership import Ownership
from components.supabase.surface import SurfaceInputs, SurfaceProvider, SurfaceResource
from stacks.json_values import JsonObject, JsonValue, as_object

PATH = "/postgrest"


@dataclass(frozen=True, kw_only=True)
class PostgrestInputs(SurfaceInputs):
    db_schema: pulumi.Input[str] = setting()
    """The exposed schemas, comma-separated, the default schema first."""
    max_rows: pulumi.Input[int] = setting()
    """The most rows one answer of the Data API holds."""


class PostgrestProvider(SurfaceProvider):
    inputs = PostgrestInputs
    what = "Data API settings"
    ownership = Ownership(
        owns="`db_schema` and `max_rows`",
        leaves="`db_extra_search_path`, `db_pool` and the JWT secret",
        create=(f"PATCH {PATH}",),
        update=(f"PATCH {PATH}",),
        refresh=(f"GET {PATH}",),
        delete=(),
    )

    def apply(
        self, api: ManagementApi, ref: str, news: JsonObject, _olds: JsonObject | None
    ) -> JsonObject:
        body: JsonObject = {"db_schema": news["db_schema"], "max_rows": news["max_rows"]}
        return _managed(as_object(api.call("PATCH", _path(ref), json=body)))

    def observe(self, api: ManagementApi, ref: str, _props: JsonObject) -> JsonObject:
        return _managed(as_object(api.call("GET", _path(ref))))

    def differs(self, name: str, olds: JsonObject, news: JsonObject) -> bool:
        if name == "db_schema":  # "public, graphql_public" is "public,graphql_public"
            return schemas(olds.get(name)) != schemas(news.get(name))
        return super().differs(name, olds, news)


class PostgrestConfig(SurfaceResource, module="supabase", name="PostgrestConfig"):
    """What a Supabase project's Data API exposes."""

    provider_class = PostgrestProvider
    db_schema: pulumi.Output[str]
    max_rows: pulumi.Output[int]


def schemas(db_schema: JsonValue | None) -> list[str]:
    """The schema names of a `db_schema` value, in order (the first is the default)."""
    return [name.strip() for name in str(db_schema or "").split(",") if name.strip()]


def _managed(answer: JsonObject) -> JsonObject:
    return {"db_schema": answer["db_schema"], "max_rows": answer["max_rows"]}


def _path(ref: str) -> str:
    return f"/v1/projects/{ref}{PATH}"
