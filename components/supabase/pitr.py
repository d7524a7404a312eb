"""Point-in-time recovery: the project's `pitr` billing add-on, or none.

`GET /v1/projects/{ref}/billing/addons` (ListProjectAddonsResponse) lists the selected
add-ons; `PATCH` of the same path (ApplyProjectAddonBody `{addon_type: pitr,
addon_variant}`) selects a variant, `pitr_7`, `pitr_14` or `pitr_28` (days of recovery);
`DELETE .../billing/addons/{addon_variant}` removes it. Supabase offers PITR on the Pro
plan and above, and only with at least the Small compute size (supabase/supabase
apps/docs/content/guides/platform/backups.mdx, "Point-in-Time recovery"); the spec's one
documented refusal of the PATCH is 403 "Forbidden action".

Delete removes the add-on, back to Supabase's default (daily backups): it is billed, and a
stack that no longer declares it should not keep paying. Production protects the resource,
so that takes removing the protection first.
"""

from dataclasses import dataclass
from enum import StrEnum

import pulumi

from components.supabase.api import ManagementApi, NotFoundError, SupabaseApiError
from components.supabase.fields import setting
from components.supabase.ownership import Ownership
from components.supabase.surface import SurfaceInputs, SurfaceProvider, SurfaceResource
from stacks.json_values import JsonObject, as_array, as_object, as_text, member

ADDON_TYPE = "pitr"
PATH = "/billing/addons"


class PitrVariant(StrEnum):
    """Days of point-in-time recovery (the spec's `pitr_*` add-on variants), or none."""

    NONE = "none"
    DAYS_7 = "pitr_7"
    DAYS_14 = "pitr_14"
    DAYS_28 = "pitr_28"


@dataclass(frozen=True, kw_only=True)
class PitrInputs(SurfaceInputs):
    variant: pulumi.Input[str] = setting(PitrVariant.NONE.value)
    """The PITR add-on variant (`pitr_7`, `pitr_14`, `pitr_28`), or `none`."""


class PitrProvider(SurfaceProvider):
    inputs = PitrInputs
    what = "point-in-time recovery"
    ownership = Ownership(
        owns="the `pitr` add-on",
        leaves="every other add-on: the compute size (the project's own), IPv4, custom domain, ...",
        create=(f"GET {PATH}", f"PATCH {PATH}"),
        update=(f"PATCH {PATH}",),
        refresh=(f"GET {PATH}",),
        delete=(f"DELETE {PATH}/{{addon_variant}}",),
        note="create sends no PATCH when the variant is already selected; a change to "
        f"`none` sends `DELETE {PATH}/{{addon_variant}}` instead of the PATCH; delete sends "
        "nothing when the variant is `none`",
    )

    def apply(
        self, api: ManagementApi, ref: str, news: JsonObject, olds: JsonObject | None
    ) -> JsonObject:
        wanted = PitrVariant(as_text(news["variant"]))
        # On create the project's add-ons are unknown; on update the state says them.
        current = self.observe(api, ref, news)["variant"] if olds is None else olds["variant"]
        if wanted is not PitrVariant.NONE and wanted.value != current:
            body = {"addon_type": ADDON_TYPE, "addon_variant": wanted.value}
            try:
                api.call("PATCH", _path(ref), json=body)
            except SupabaseApiError as error:
                if error.status != 403:
                    raise
                raise SupabaseApiError(
                    "PATCH", _path(ref), 403,
                    f"{error.message}: PITR needs the Pro plan or above and at least the Small "
                    "compute size (databaseInstanceSize)",
                ) from None  # fmt: skip
        elif wanted is PitrVariant.NONE and current != PitrVariant.NONE.value:
            api.call("DELETE", f"{_path(ref)}/{current}")
        return {"variant": wanted.value}

    def observe(self, api: ManagementApi, ref: str, _props: JsonObject) -> JsonObject:
        answer = as_object(api.call("GET", _path(ref)))
        for entry in as_array(answer.get("selected_addons", [])):
            addon = as_object(entry)
            if addon.get("type") == ADDON_TYPE:
                return {"variant": str(member(addon, "variant", "id"))}
        return {"variant": PitrVariant.NONE.value}

    def remove(self, api: ManagementApi, ref: str, props: JsonObject) -> None:
        variant = props.get("variant")
        if variant and variant != PitrVariant.NONE.value:
            try:
                api.call("DELETE", f"{_path(ref)}/{variant}")
            except NotFoundError:
                pulumi.log.info(f"the PITR add-on of Supabase project {ref} was already removed")


class PitrAddon(SurfaceResource, module="supabase", name="PitrAddon"):
    """A Supabase project's point-in-time recovery add-on (or its absence)."""

    provider_class = PitrProvider
    variant: pulumi.Output[str]


def _path(ref: str) -> str:
    return f"/v1/projects/{ref}{PATH}"
