"""Network restrictions: the address ranges allowed to connect to Postgres and its pooler.

They cover direct and pooled connections only, not the HTTPS APIs (PostgREST, Auth,
Storage) nor supabase-js (supabase/supabase apps/docs/content/guides/platform/
network-restrictions.mdx, "Limitations"). `POST /v1/projects/{ref}/network-restrictions/
apply` (NetworkRestrictionsRequest `{dbAllowedCidrs, dbAllowedCidrsV6}`, answered 201 with
NetworkRestrictionsResponse) replaces both lists whole, as the CLI's `update` does; `GET`
of `.../network-restrictions` reads them. A project that never had restrictions lets every
address in (same page) and reads, in the CLI's recorded real traffic, `0.0.0.0/0` and
`::/0` (supabase/cli apps/cli-e2e/fixtures/recorded/GET_v1_projects___PROJECT_REF___
network_restrictions/default, commit 1d1e7191); an empty list reads the same here. The
recorded answers of one session lack the `status` the spec requires (apps/cli-e2e/fixtures/
scenarios/config-push-reconciles-every-section-against-the-remote): it reads as unknown.

Delete leaves the list as it is: opening the database to every address must be a change
of the list that a reviewer sees, never the side effect of removing a resource.
"""

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass

import pulumi

from components.supabase.api import ManagementApi
from components.supabase.fields import computed, setting
from components.supabase.ownership import Ownership
from components.supabase.surface import SurfaceInputs, SurfaceProvider, SurfaceResource
from stacks.json_values import JsonObject, JsonValue, as_array, as_object, as_text

PATH = "/network-restrictions"
OPEN = ("0.0.0.0/0", "::/0")
"""Every IPv4 and every IPv6 address: no restriction."""


@dataclass(frozen=True, kw_only=True)
class NetworkRestrictionsInputs(SurfaceInputs):
    allowed_cidrs: pulumi.Input[Sequence[str]] = setting()
    """The IPv4 and IPv6 ranges allowed to connect; `0.0.0.0/0` and `::/0` allow all."""
    status: str | None = computed()
    """`applied`, or `stored` while Supabase is still applying the list; null if unsaid."""


class NetworkRestrictionsProvider(SurfaceProvider):
    inputs = NetworkRestrictionsInputs
    what = "network restrictions"
    ownership = Ownership(
        owns="both address lists, `dbAllowedCidrs` and `dbAllowedCidrsV6`, each whole",
        leaves="nothing else: the endpoint has no other field (the incremental `PATCH "
        ".../network-restrictions` is not used)",
        create=(f"POST {PATH}/apply",),
        update=(f"POST {PATH}/apply",),
        refresh=(f"GET {PATH}",),
        delete=(),
    )

    def apply(
        self, api: ManagementApi, ref: str, news: JsonObject, _olds: JsonObject | None
    ) -> JsonObject:
        networks = [ipaddress.ip_network(as_text(cidr)) for cidr in as_array(news["allowed_cidrs"])]
        body: JsonObject = {
            "dbAllowedCidrs": [str(n) for n in networks if n.version == 4],
            "dbAllowedCidrsV6": [str(n) for n in networks if n.version == 6],
        }
        return _state(as_object(api.call("POST", f"{_path(ref)}/apply", json=body)))

    def observe(self, api: ManagementApi, ref: str, _props: JsonObject) -> JsonObject:
        return _state(as_object(api.call("GET", _path(ref))))

    def differs(self, name: str, olds: JsonObject, news: JsonObject) -> bool:
        if name == "allowed_cidrs":
            return normalized(olds.get(name)) != normalized(news.get(name))
        return super().differs(name, olds, news)


class NetworkRestrictions(SurfaceResource, module="supabase", name="NetworkRestrictions"):
    """The address ranges that may connect to a Supabase project's database."""

    provider_class = NetworkRestrictionsProvider
    allowed_cidrs: pulumi.Output[list[str]]
    status: pulumi.Output[str]


def normalized(cidrs: JsonValue | None) -> frozenset[str]:
    """The ranges as a set, each in its canonical spelling; none at all means open."""
    networks = frozenset(str(ipaddress.ip_network(as_text(cidr))) for cidr in as_array(cidrs or []))
    return networks or frozenset(OPEN)


def _state(answer: JsonObject) -> JsonObject:
    config = as_object(answer.get("config") or {})
    cidrs: JsonValue = [
        *as_array(config.get("dbAllowedCidrs", [])),
        *as_array(config.get("dbAllowedCidrsV6", [])),
    ]
    allowed: list[JsonValue] = [*sorted(normalized(cidrs))]
    return {"allowed_cidrs": allowed, "status": answer.get("status")}


def _path(ref: str) -> str:
    return f"/v1/projects/{ref}{PATH}"
