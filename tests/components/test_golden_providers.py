"""Every stack's state keeps the serialized dynamic providers it was last updated with.

The Python SDK stores each dynamic resource's provider as a dill pickle in its `__provider`
input (pulumi/dynamic/dynamic.py, serialize_provider), and the provider host unpickles the
string *saved in the state* for `read` (refresh) and `delete` (destroy, or a resource that
leaves the program); only create, update and refresh rewrite it
(pulumi/dynamic/__main__.py, get_provider). A pickle names classes and functions by module
and attribute, so renaming a provider class, moving its module, or making `read` or
`delete` rely on an attribute older pickles do not carry breaks every existing stack while
previews, which serialize the new code, still look fine.

`golden_providers/` keeps the `__provider` string of each provider, one file per version
that reached a stack (`<module>.<class>.<n>.txt`). Files are added, never rewritten. These
tests load each one as the provider host does and call `read` and `delete` against the
spec-strict fake Management API (and the schema's provider against the local PostgreSQL).
"""

import base64
import importlib
import io
from pathlib import Path
from typing import Any

import dill  # type: ignore[import-untyped]  # the SDK's own pickler, untyped
import pytest
from pulumi.dynamic import Config, ConfigureRequest, ResourceProvider

from app.operators.migration_set import discover
from components.schema import MigrationsProvider
from components.stripe.webhook_endpoint import WebhookEndpointProvider
from components.supabase.auth_config import AuthConfigProvider
from components.supabase.network_restrictions import (
    NetworkRestrictionsInputs,
    NetworkRestrictionsProvider,
)
from components.supabase.pitr import PitrInputs, PitrProvider
from components.supabase.postgres_config import PostgresConfigInputs, PostgresConfigProvider
from components.supabase.postgrest import PostgrestInputs, PostgrestProvider
from components.supabase.provider import SupabaseProjectProvider
from components.supabase.ssl_enforcement import SslEnforcementInputs, SslEnforcementProvider
from components.supabase.surface import SurfaceInputs, SurfaceProvider
from crms_infra.offline.sdk import serialize_provider
from tests.components.supabase.fake_api import FakeManagementApi
from tests.components.supabase.support import (
    TOKEN,
    VirtualClock,
    auth_inputs,
    created,
    surface_props,
    surface_provider,
)

GOLDEN = Path(__file__).parent / "golden_providers"

PROVIDERS: list[type[ResourceProvider]] = [
    SupabaseProjectProvider,
    AuthConfigProvider,
    NetworkRestrictionsProvider,
    PitrProvider,
    PostgrestProvider,
    SslEnforcementProvider,
    PostgresConfigProvider,
    MigrationsProvider,
    WebhookEndpointProvider,
]
"""Every dynamic provider the program registers (`test_the_list_is_complete` checks it)."""

ALIASES: dict[str, str] = {}
"""Names a golden copy references that have moved: old dotted name -> where it lives now.
The old module must keep importing the object under the old name (an alias), or every stack
that holds the old string breaks. None has moved yet."""


def golden_files() -> list[Path]:
    return sorted(GOLDEN.glob("*.txt"))


def referenced_names(serialized: str) -> list[str]:
    """The module-level names (module.attribute) a pickle loads, in order."""
    names: list[str] = []

    class Recording(dill.Unpickler):  # type: ignore[misc]  # dill is untyped
        def find_class(self, module: str, name: str) -> Any:
            names.append(f"{module}.{name}")
            return super().find_class(module, name)

    Recording(io.BytesIO(base64.b64decode(serialized))).load()
    return names


def load_as_the_provider_host_does(serialized: str) -> ResourceProvider:
    """pulumi/dynamic/__main__.py, get_provider: base64, dill.loads, then configure with the
    stack's config (here the access token the stack's secret config would hand over)."""
    # Test data this repository wrote, never input from elsewhere.
    provider: ResourceProvider = dill.loads(base64.b64decode(serialized))  # noqa: S301
    provider.configure(ConfigureRequest(Config({"crms:supabaseAccessToken": TOKEN}, "crms")))
    return provider


def golden_of(provider: type[ResourceProvider]) -> list[str]:
    return [
        path.read_text().strip()
        for path in golden_files()
        if referenced_names(path.read_text().strip())[0]
        in {f"{provider.__module__}.{provider.__name__}", *_old_names_of(provider)}
    ]


def _old_names_of(provider: type[ResourceProvider]) -> set[str]:
    here = f"{provider.__module__}.{provider.__name__}"
    return {old for old, new in ALIASES.items() if new == here}


def unimportable(names: list[str]) -> list[str]:
    missing = []
    for dotted in names:
        module, _, attribute = dotted.rpartition(".")
        try:
            getattr(importlib.import_module(module), attribute)
        except (ImportError, AttributeError):
            missing.append(dotted)
    return missing


@pytest.mark.parametrize("path", golden_files(), ids=lambda path: path.name)
def test_every_name_a_golden_copy_references_still_imports(path: Path) -> None:
    names = referenced_names(path.read_text().strip())
    assert unimportable(names) == [], (
        f"{path.name} is in the state of stacks updated with it: keep an importable alias "
        "at each old name and record it in ALIASES"
    )
    for old, new in ALIASES.items():  # an alias is the same object as what it stands for
        assert unimportable([old, new]) == []


def test_a_rename_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """What the test above sees when a provider class is renamed without an alias."""
    import components.schema

    monkeypatch.delattr(components.schema, "MigrationsProvider")
    golden = GOLDEN / "components.schema.MigrationsProvider.1.txt"
    assert unimportable(["components.schema.MigrationsProvider"]) == [
        "components.schema.MigrationsProvider"
    ]
    with pytest.raises(AttributeError):
        referenced_names(golden.read_text().strip())


@pytest.mark.parametrize("provider", PROVIDERS, ids=lambda provider: provider.__name__)
def test_the_current_serialization_is_kept(provider: type[ResourceProvider]) -> None:
    """A change to what a provider pickles (an attribute, a default) is a new version that
    will reach the stacks: keep it beside the old ones, which stacks still hold."""
    current = serialize_provider(provider())
    assert current in golden_of(provider), (
        f"add {provider.__module__}.{provider.__name__}.<next n>.txt to {GOLDEN.name}/ with "
        f"this content (never rewrite an old one):\n{current}"
    )


def test_the_list_is_complete() -> None:
    """Every provider class the components define that nothing derives from (the bases
    ManagementApiProvider and SurfaceProvider are never registered themselves)."""
    package = Path(importlib.import_module("components").__file__ or "").parent
    defined = set()
    for path in package.rglob("*.py"):
        parts = path.relative_to(package.parent).with_suffix("").parts
        module = importlib.import_module(".".join(p for p in parts if p != "__init__"))
        defined |= {
            value
            for value in vars(module).values()
            if isinstance(value, type)
            and issubclass(value, ResourceProvider)
            and value.__module__ == module.__name__
            and not value.__subclasses__()
        }
    assert defined == set(PROVIDERS)


def test_the_golden_project_provider_reads_and_deletes(
    api: FakeManagementApi, provider: SupabaseProjectProvider
) -> None:
    ref, state = created(provider, api)
    for serialized in golden_of(SupabaseProjectProvider):
        golden = load_as_the_provider_host_does(serialized)
        read = golden.read(ref, state)
        assert read.id == ref
        assert {key: (read.outs or {})[key] for key in ("name", "region")} == {
            "name": "crms-production",
            "region": "eu-central-2",
        }
    load_as_the_provider_host_does(golden_of(SupabaseProjectProvider)[-1]).delete(ref, state)
    assert api.projects[ref]["status"] == "GOING_DOWN"


SURFACES: dict[type[SurfaceProvider], SurfaceInputs] = {
    AuthConfigProvider: auth_inputs(),
    NetworkRestrictionsProvider: NetworkRestrictionsInputs(allowed_cidrs=["0.0.0.0/0", "::/0"]),
    PitrProvider: PitrInputs(variant="pitr_7"),
    PostgrestProvider: PostgrestInputs(db_schema="public", max_rows=1000),
    SslEnforcementProvider: SslEnforcementInputs(database=True),
    PostgresConfigProvider: PostgresConfigInputs(statement_timeout="120s"),
}


@pytest.mark.parametrize("kind", SURFACES, ids=lambda kind: kind.__name__)
def test_the_golden_surface_providers_read_and_delete(
    api: FakeManagementApi, clock: VirtualClock, project: str, kind: type[SurfaceProvider]
) -> None:
    inputs = surface_props(SURFACES[kind], project, api)
    api.config.of(project).postgres["max_connections"] = 200  # set outside the program
    state = surface_provider(kind, clock).create(inputs).outs or {}
    for serialized in golden_of(kind):
        golden = load_as_the_provider_host_does(serialized)
        read = golden.read(project, state)
        assert read.id == project
        assert golden.diff(project, read.outs or {}, inputs).changes is False
        golden.delete(project, state)
    settings = api.config.of(project)
    if kind is PitrProvider:  # the two surfaces whose delete changes the project
        assert settings.pitr is None
    if kind is PostgresConfigProvider:  # its own override removed, no other
        assert settings.postgres == {"max_connections": 200}


@pytest.fixture
def migrated_state(empty_database: str) -> dict[str, Any]:
    migrations = {migration.name: migration.sql for migration in discover()}
    return {"database_url": empty_database, "migrations": migrations, "checksum": "golden"}


def test_the_golden_schema_provider_applies_reads_and_deletes(
    migrated_state: dict[str, Any],
) -> None:
    expected = sorted(migrated_state["migrations"])
    for serialized in golden_of(MigrationsProvider):
        golden = load_as_the_provider_host_does(serialized)
        applied = golden.create(migrated_state).outs or {}
        assert applied["newly_applied"] == expected
        expected = []  # a later version finds them applied
        assert golden.read("crms-schema", applied).outs == applied
        golden.delete("crms-schema", applied)  # the schema itself is kept
