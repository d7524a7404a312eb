"""Reading a project's keys, pooler and compute size out of the API's answers.

Each reader returns what it found and names what it did not, so the provider can wait
for a value that is still being provisioned and then fail plainly, never pass on None.
"""

from dataclasses import dataclass

from stacks.json_values import JsonObject, JsonValue, as_array, as_object

PREFERRED_KEY_NAME = "default"
"""The name Supabase gives the publishable and secret key a project starts with."""


@dataclass(frozen=True)
class ApiKeys:
    """The project's keys by kind; None where the project has no such key."""

    anon: str | None
    service_role: str | None
    publishable: str | None
    secret: str | None

    def missing(self) -> list[str]:
        """What no key covers: a client (browser) key and a server key are both needed."""
        gaps = []
        if not (self.publishable or self.anon):
            gaps.append("a publishable key (or the legacy anon key)")
        if not (self.secret or self.service_role):
            gaps.append("a secret key (or the legacy service_role key)")
        return gaps


def api_keys(answer: list[JsonObject]) -> ApiKeys:
    """Keys from `GET /v1/projects/{ref}/api-keys?reveal=true` (array of `ApiKeyResponse`).

    `ApiKeyResponse.type` is `legacy`, `publishable` or `secret`; the legacy ones are
    named `anon` and `service_role`, as the official Terraform provider reads them
    (internal/provider/apikeys_data_source.go). A project may have several secret keys:
    the one named `default` wins, else the first. `api_key` is null unless revealed.
    """

    def value(key_type: str, name: str | None = None) -> str | None:
        candidates = [
            key
            for key in answer
            if key.get("type") == key_type
            and (name is None or key.get("name") == name)
            and key.get("api_key")
        ]
        candidates.sort(key=lambda key: key.get("name") != PREFERRED_KEY_NAME)
        return str(candidates[0]["api_key"]) if candidates else None

    return ApiKeys(
        anon=value("legacy", "anon"),
        service_role=value("legacy", "service_role"),
        publishable=value("publishable"),
        secret=value("secret"),
    )


@dataclass(frozen=True)
class Pooler:
    host: str
    port: int
    user: str
    database: str


def primary_pooler(answer: list[JsonObject]) -> Pooler | None:
    """The primary database's Supavisor settings from `GET .../config/database/pooler`.

    An array of `SupavisorConfigResponse`; it is empty while a new project's pooler is
    still being set up, and holds READ_REPLICA entries beside the PRIMARY one.
    """
    for entry in answer:
        if entry.get("database_type") != "PRIMARY":
            continue
        fields = (entry.get("db_host"), entry.get("db_port"), entry.get("db_user"))
        if all(fields) and entry.get("db_name"):
            return Pooler(
                host=str(entry["db_host"]),
                port=_port(entry["db_port"]),
                user=str(entry["db_user"]),
                database=str(entry["db_name"]),
            )
    return None


def _port(value: JsonValue) -> int:
    """A port the API answers as a number (or, leniently, as its digits)."""
    if not isinstance(value, int | float | str):
        raise TypeError(f"a pooler's db_port must be a number, not {type(value).__name__}")
    return int(value)


COMPUTE_ADDON = "compute_instance"
ADDON_PREFIX = "ci_"
BASE_SIZE = "nano"


def addon_variant(instance_size: str) -> str | None:
    """The compute add-on that gives a size (`ci_<size>`); nano is the base and has none."""
    return None if instance_size == BASE_SIZE else f"{ADDON_PREFIX}{instance_size}"


def instance_size(answer: JsonObject) -> str:
    """The compute size from `GET /v1/projects/{ref}/billing/addons` (`ListProjectAddonsResponse`).

    The selected `compute_instance` add-on's variant id is `ci_<size>`, which is how the
    official Terraform provider reads it (project_resource.go, readProject); with no
    compute add-on the project runs on the base size.
    """
    for entry in as_array(answer.get("selected_addons", [])):
        addon = as_object(entry)
        if addon.get("type") == COMPUTE_ADDON:
            variant = as_object(addon.get("variant", {})).get("id", "")
            return str(variant).removeprefix(ADDON_PREFIX)
    return BASE_SIZE
