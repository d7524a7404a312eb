"""The fake's answers, shaped as the spec's response schemas (the fake checks each one)."""

from typing import Any

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
    """ApiKeyResponse items; `api_key` is null unless the caller asked for `reveal=true`."""
    keys: list[dict[str, Any]] = []
    if "legacy" in key_types:
        keys += [
            _key("anon", "legacy", f"anon-{ref}", "Legacy anon API key"),
            _key("service_role", "legacy", f"service-{ref}", "Legacy service_role API key"),
        ]
    if "publishable" in key_types:
        keys.append(_key("default", "publishable", f"sb_publishable_{ref}", None))
    if "secret" in key_types:
        keys.append(_key("default", "secret", f"sb_secret_{ref}", None))
    if not revealed:
        for key in keys:
            key["api_key"] = None
    return keys


def _key(name: str, key_type: str, value: str, description: str | None) -> dict[str, Any]:
    new = key_type != "legacy"
    return {
        "name": name,
        "type": key_type,
        "api_key": value,
        "id": f"{key_type}-{name}" if new else name,
        "prefix": f"sb_{key_type}_" if new else None,
        "description": description,
        "hash": None,
        "secret_jwt_template": None,
        "inserted_at": CREATED_AT if new else None,
        "updated_at": None,
    }


def pooler_answer(ref: str, region: str) -> list[dict[str, Any]]:
    """SupavisorConfigResponse items: the primary's transaction-mode pooler."""
    host = f"aws-0-{region}.pooler.supabase.com"
    return [
        {
            "identifier": ref, "database_type": "PRIMARY", "is_using_scram_auth": True,
            "db_user": f"postgres.{ref}", "db_host": host, "db_port": 6543,
            "db_name": "postgres", "default_pool_size": 15, "max_client_conn": 200,
            "pool_mode": "transaction",
            "connection_string": f"postgresql://postgres.{ref}:[YOUR-PASSWORD]@{host}:6543/postgres",
            "connectionString": f"postgresql://postgres.{ref}:[YOUR-PASSWORD]@{host}:6543/postgres",
        }
    ]  # fmt: skip


def addons_answer(compute_variant: str | None, pitr_variant: str | None = None) -> dict[str, Any]:
    """A ListProjectAddonsResponse: the selected compute and PITR add-ons, and the options."""
    selected = [
        {"type": addon_type, "variant": _variant(variant)}
        for addon_type, variant in (("compute_instance", compute_variant), ("pitr", pitr_variant))
        if variant is not None
    ]
    compute = ["ci_micro", "ci_small", "ci_medium", "ci_large", "ci_xlarge", "ci_2xlarge"]
    return {
        "selected_addons": selected,
        "available_addons": [
            {"type": "compute_instance", "name": "Compute Instance",
             "variants": [_variant(option) for option in compute]},
            {"type": "pitr", "name": "Point in time recovery",
             "variants": [_variant(option) for option in ("pitr_7", "pitr_14", "pitr_28")]},
        ],
    }  # fmt: skip


def _variant(variant_id: str) -> dict[str, Any]:
    name = variant_id.removeprefix("ci_")
    return {
        "id": variant_id,
        "name": name.capitalize(),
        "price": {"description": name, "type": "usage", "interval": "hourly", "amount": 0.01},
    }
