"""The fake's answers, shaped as the recorded answers of the real API (`recordings`) and as
the spec's response schemas (the fake checks each one)."""

import base64
import copy
import hashlib
import uuid
from functools import cache
from typing import Any

from tests.components.supabase.recordings import recorded

ALL_KEY_TYPES = frozenset({"legacy", "publishable", "secret"})
NEW_KEY_TYPES = frozenset({"publishable", "secret"})
CREATED_AT = "2026-11-25T00:00:00Z"


def project_record(
    ref: str, name: str, organization_slug: str, region: str, status: str
) -> dict[str, Any]:
    """A V1ProjectWithDatabaseResponse."""
    return {
        "id": ref, "ref": ref, "name": name, "organization_id": "org-id",
        "organization_slug": organization_slug, "region": region,
        "created_at": CREATED_AT, "status": status,
        "database": {
            "host": f"db.{ref}.supabase.co", "version": "17.4",
            "postgres_engine": "17", "release_channel": "ga",
        },
    }  # fmt: skip


def keys_answer(ref: str, key_types: frozenset[str], revealed: bool) -> list[dict[str, Any]]:
    """ApiKeyResponse items as recorded (recorded/GET_..._api_keys): a legacy key carries no
    template or dates; without `reveal=true` a secret key's value is its prefix and dots,
    while the legacy and publishable values are given in full."""
    keys: list[dict[str, Any]] = []
    if "legacy" in key_types:
        keys += [
            _legacy("anon", f"anon-{ref}", "Legacy anon API key"),
            _legacy("service_role", f"service-{ref}", "Legacy service_role API key"),
        ]
    if "publishable" in key_types:
        keys.append(_new("publishable", f"sb_publishable_{ref}", None, revealed))
    if "secret" in key_types:
        keys.append(_new("secret", f"sb_secret_{ref}", {"role": "service_role"}, revealed))
    return keys


def _legacy(name: str, value: str, description: str) -> dict[str, Any]:
    return {
        "name": name, "api_key": value, "id": name, "type": "legacy",
        "hash": _hash(value), "prefix": value[-5:], "description": description,
    }  # fmt: skip


def _new(
    key_type: str, value: str, template: dict[str, Any] | None, revealed: bool
) -> dict[str, Any]:
    # The recorder hides how much of a secret key stays visible; four characters here.
    prefix = value[: len(f"sb_{key_type}_") + 4]
    shown = value if revealed or key_type != "secret" else prefix + "\u00b7" * 26
    return {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, value)), "name": "default",
        "type": key_type, "api_key": shown, "description": None,
        "secret_jwt_template": template, "hash": _hash(value), "prefix": prefix,
        "inserted_at": CREATED_AT, "updated_at": CREATED_AT,
    }  # fmt: skip


def _hash(value: str) -> str:
    """A key's hash as recorded: unpadded base64url of 32 bytes."""
    digest = hashlib.sha256(value.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def pooler_answer(ref: str, region: str) -> list[dict[str, Any]]:
    """SupavisorConfigResponse items: the primary's transaction-mode pooler, its pool sizes
    unset as recorded (recorded/GET_..._config_database_pooler/default)."""
    host = f"aws-0-{region}.pooler.supabase.com"
    url = f"postgresql://postgres.{ref}:[YOUR-PASSWORD]@{host}:6543/postgres"
    return [
        {
            "identifier": ref, "database_type": "PRIMARY", "db_user": f"postgres.{ref}",
            "db_host": host, "db_port": 6543, "db_name": "postgres", "connection_string": url,
            "pool_mode": "transaction", "default_pool_size": None, "max_client_conn": None,
            "is_using_scram_auth": True, "connectionString": url,
        }
    ]  # fmt: skip


def addons_answer(compute_variant: str | None, pitr_variant: str | None = None) -> dict[str, Any]:
    """A ListProjectAddonsResponse: the selected compute and PITR add-ons, each as the
    recorded offer describes it, and the recorded offer itself."""
    offered = {
        variant["id"]: variant
        for addon in _recorded_addons()["available_addons"]
        for variant in addon["variants"]
    }
    selected = [
        {"type": addon_type, "variant": offered[variant]}
        for addon_type, variant in (("compute_instance", compute_variant), ("pitr", pitr_variant))
        if variant is not None
    ]
    return {"selected_addons": selected, "available_addons": _recorded_addons()["available_addons"]}


def new_project_auth() -> dict[str, Any]:
    """The AuthConfigResponse of a project whose Auth settings nobody changed, as recorded
    (recorded/GET_..._config_auth/3, the same in scenarios/link-...); the recorder writes
    every localhost port as `__PORT__`, and Supabase's default site URL is
    http://localhost:3000 (supabase/cli pkg/config/templates/config.toml, `[auth]`)."""
    answer = copy.deepcopy(_answer("GET /v1/projects/{ref}/config/auth", -1))
    answer["site_url"] = "http://localhost:3000"
    return answer


def new_project_postgrest() -> dict[str, Any]:
    """A new project's PostgrestConfigWithJWTSecretResponse, as recorded; its JWT secret is
    the fake's own."""
    answer = copy.deepcopy(_answer("GET /v1/projects/{ref}/postgrest", 0))
    return {**answer, "jwt_secret": "fake-jwt-secret-never-in-state"}


def service_health(name: str, status: str) -> dict[str, Any]:
    """A V1ServiceHealthResponse; `healthy` is the deprecated twin of `status`."""
    return {"name": name, "healthy": status == "ACTIVE_HEALTHY", "status": status}


@cache
def _recorded_addons() -> dict[str, Any]:
    return _answer("GET /v1/projects/{ref}/billing/addons", 0)


def _answer(endpoint: str, index: int) -> dict[str, Any]:
    answer = recorded(endpoint)[index].answer
    assert isinstance(answer, dict)
    return answer
