"""SSL enforcement: whether the project's database refuses connections without TLS.

`PUT /v1/projects/{ref}/ssl-enforcement` (SslEnforcementRequest `{requestedConfig:
{database}}`) answers SslEnforcementResponse `{currentConfig: {database},
appliedSuccessfully}`; `GET` of the same path reads it. The change restarts the database
(supabase/supabase apps/docs/content/guides/platform/ssl-enforcement.mdx) and may not be
applied by the time the PUT answers, so, like the official Terraform provider
(supabase/terraform-provider-supabase, internal/provider/settings_resource.go,
updateSslEnforcementConfig), the provider polls until it is, then waits, bounded, for the
project's services to be healthy again (`services`), so that the next call does not land
on a restarting database. A project that cannot have it answers 400 "not allowed to
configure SSL enforcements" (same file).

Delete leaves the setting as it is: turning TLS off is never safer, so it takes an
explicit `database: false`.
"""

from dataclasses import dataclass

import pulumi

from components.supabase.api import ManagementApi, SupabaseApiError
from components.supabase.fields import setting
from components.supabase.ownership import Ownership
from components.supabase.services import wait_for_services
from components.supabase.surface import SurfaceInputs, SurfaceProvider, SurfaceResource
from components.supabase.waiting import poll
from stacks.json_values import JsonObject, member

UNSUPPORTED = "not allowed to configure SSL enforcements"
PATH = "/ssl-enforcement"
CHANGE = (f"PUT {PATH}", "GET /postgrest", "GET /health")


@dataclass(frozen=True, kw_only=True)
class SslEnforcementInputs(SurfaceInputs):
    database: pulumi.Input[bool] = setting(True)
    """Refuse database connections (direct and pooled) that do not use TLS."""


class SslEnforcementProvider(SurfaceProvider):
    inputs = SslEnforcementInputs
    what = "SSL enforcement"
    ownership = Ownership(
        owns="`requestedConfig.database`, the whole of what the endpoint sets",
        leaves="nothing else: the endpoint has no other field",
        create=CHANGE,
        update=CHANGE,
        refresh=(f"GET {PATH}",),
        delete=(),
        note=f"`GET {PATH}` until applied; `GET /health` until every service is healthy",
    )

    def apply(
        self, api: ManagementApi, ref: str, news: JsonObject, _olds: JsonObject | None
    ) -> JsonObject:
        wanted = bool(news["database"])
        path = _path(ref)
        try:
            answers = [api.call("PUT", path, json={"requestedConfig": {"database": wanted}})]
        except SupabaseApiError as error:
            if error.status == 400 and UNSUPPORTED in error.message:
                raise SupabaseApiError(
                    "PUT", path, 400,
                    f"{error.message}: SSL enforcement needs a paid plan and a current "
                    "Postgres version; upgrade the project, then run `pulumi up` again",
                ) from None  # fmt: skip
            raise

        def applied() -> bool | None:
            answer = answers.pop() if answers else api.call("GET", path)
            done = (
                member(answer, "appliedSuccessfully")
                and member(answer, "currentConfig", "database") is wanted
            )
            return True if done else None

        def gave_up() -> SupabaseApiError:
            return SupabaseApiError(
                "GET", path, None,
                f"SSL enforcement still not applied after {self._waiting.timeout:g} s; "
                "run `pulumi refresh`, then `pulumi up` again",
            )  # fmt: skip

        poll(applied, self._waiting.timeout, self._waiting, self._retry, gave_up)
        after = f"SSL enforcement was turned {'on' if wanted else 'off'} (the database restarts)"
        wait_for_services(api, ref, self._waiting, self._retry, after)
        return {"database": wanted}

    def observe(self, api: ManagementApi, ref: str, _props: JsonObject) -> JsonObject:
        return {"database": member(api.call("GET", _path(ref)), "currentConfig", "database")}


class SslEnforcement(SurfaceResource, module="supabase", name="SslEnforcement"):
    """Whether a Supabase project's database accepts only TLS connections."""

    provider_class = SslEnforcementProvider
    database: pulumi.Output[bool]


def _path(ref: str) -> str:
    return f"/v1/projects/{ref}{PATH}"
