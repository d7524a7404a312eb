"""SSL enforcement: whether the project's database refuses connections without TLS.

`PUT /v1/projects/{ref}/ssl-enforcement` (SslEnforcementRequest `{requestedConfig:
{database}}`) answers SslEnforcementResponse `{currentConfig: {database},
appliedSuccessfully}`; `GET` of the same path reads it. The change restarts the database
and may not be applied by the time the PUT answers, so, like the official Terraform
provider (supabase/terraform-provider-supabase, internal/provider/settings_resource.go,
updateSslEnforcementConfig), the provider polls until it is. A project that cannot have it
answers 400 "not allowed to configure SSL enforcements" (same file).

Delete leaves the setting as it is: turning TLS off is never safer, so it takes an
explicit `database: false`.
"""

from dataclasses import dataclass
from typing import Any

import pulumi

from components.supabase.api import ManagementApi, SupabaseApiError
from components.supabase.fields import setting
from components.supabase.surface import SurfaceInputs, SurfaceProvider, SurfaceResource

UNSUPPORTED = "not allowed to configure SSL enforcements"


@dataclass(frozen=True, kw_only=True)
class SslEnforcementInputs(SurfaceInputs):
    database: pulumi.Input[bool] = setting(True)
    """Refuse database connections (direct and pooled) that do not use TLS."""


class SslEnforcementProvider(SurfaceProvider):
    inputs = SslEnforcementInputs
    what = "SSL enforcement"

    def apply(
        self, api: ManagementApi, ref: str, news: dict[str, Any], _olds: dict[str, Any] | None
    ) -> dict[str, Any]:
        wanted = bool(news["database"])
        body = {"requestedConfig": {"database": wanted}}
        try:
            answer = api.call("PUT", _path(ref), json=body)
        except SupabaseApiError as error:
            if error.status == 400 and UNSUPPORTED in error.message:
                raise SupabaseApiError(
                    "PUT", _path(ref), 400,
                    f"{error.message}: SSL enforcement needs a paid plan and a current "
                    "Postgres version; upgrade the project, then run `pulumi up` again",
                ) from None  # fmt: skip
            raise
        deadline = self._retry.clock() + self._waiting.timeout
        interval = self._waiting.first_interval
        while not (answer["appliedSuccessfully"] and answer["currentConfig"]["database"] is wanted):
            if self._retry.clock() + interval > deadline:
                raise SupabaseApiError(
                    "GET", _path(ref), None,
                    f"SSL enforcement still not applied after {self._waiting.timeout:g} s; "
                    "run `pulumi refresh`, then `pulumi up` again",
                )  # fmt: skip
            self._retry.sleep(interval)
            interval = min(interval * 2, self._waiting.max_interval)
            answer = api.call("GET", _path(ref))
        return {"database": wanted}

    def observe(self, api: ManagementApi, ref: str, _props: dict[str, Any]) -> dict[str, Any]:
        return {"database": api.call("GET", _path(ref))["currentConfig"]["database"]}


class SslEnforcement(SurfaceResource, module="supabase", name="SslEnforcement"):
    """Whether a Supabase project's database accepts only TLS connections."""

    provider_class = SslEnforcementProvider
    database: pulumi.Output[bool]


def _path(ref: str) -> str:
    return f"/v1/projects/{ref}/ssl-enforcement"
