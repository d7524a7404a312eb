"""The documentation's tables of what each Supabase surface owns and sends say what the code
declares (`SurfaceProvider.ownership`), which test_sequences checks against the fake."""

from pathlib import Path

import pytest

from components.supabase.auth_config import SENT, AuthConfig
from components.supabase.network_restrictions import NetworkRestrictions
from components.supabase.ownership import Requests
from components.supabase.pitr import PitrAddon
from components.supabase.postgres_config import PostgresConfig
from components.supabase.postgrest import PostgrestConfig
from components.supabase.services import SERVICES
from components.supabase.ssl_enforcement import SslEnforcement
from components.supabase.surface import SurfaceResource
from tests.components.supabase.endpoints import ENDPOINTS, RECORDED
from tests.components.supabase.fake_records import new_project_auth
from tests.conftest import REPO

SURFACES: list[type[SurfaceResource]] = [
    AuthConfig,
    SslEnforcement,
    NetworkRestrictions,
    PitrAddon,
    PostgrestConfig,
    PostgresConfig,
]
COMPARED = ("create", "update", "delete")


def requests(sequence: Requests) -> str:
    return ", ".join(f"`{request}`" for request in sequence) or "nothing"


def ownership_row(resource: type[SurfaceResource]) -> str:
    """The surface's row of the docs' ownership table."""
    declared = resource.provider_class.ownership
    cells = [f"`{resource.__name__}`", declared.owns, declared.leaves]
    cells += [requests(sequence) for sequence in declared.operations().values()]
    return "| " + " | ".join(cells) + " |"


def note_line(resource: type[SurfaceResource]) -> str | None:
    note = resource.provider_class.ownership.note
    return f"- `{resource.__name__}`: {note}." if note else None


def comparison_start(resource: type[SurfaceResource], operation: str) -> str:
    """How the surface's row for `operation` in the comparison table begins."""
    sequence = resource.provider_class.ownership.operations()[operation]
    return f"| `{resource.__name__}` {operation} | {requests(sequence)} |"


def documentation() -> str:
    pages = [REPO / "README.md", *sorted((REPO / "docs").glob("**/*.md"))]
    return "\n".join(page.read_text(encoding="utf-8") for page in pages if Path(page).is_file())


@pytest.mark.parametrize("resource", SURFACES, ids=lambda resource: resource.__name__)
def test_the_ownership_table_is_the_codes(resource: type[SurfaceResource]) -> None:
    text = documentation()
    assert ownership_row(resource) in text
    note = note_line(resource)
    assert note is None or note in text


@pytest.mark.parametrize("operation", COMPARED)
@pytest.mark.parametrize("resource", SURFACES, ids=lambda resource: resource.__name__)
def test_the_comparison_names_what_this_project_sends(
    resource: type[SurfaceResource], operation: str
) -> None:
    assert comparison_start(resource, operation) in documentation()


def test_the_figures_the_docs_give_are_the_codes() -> None:
    text = " ".join(documentation().split())
    recorded = [endpoint for endpoint, basis in ENDPOINTS.items() if basis == RECORDED]
    assert (
        f"kept exchange of the {len(recorded)} endpoints the providers call that have "
        f"recordings (of the {len(ENDPOINTS)} they call)"
    ) in text
    assert f"the Auth settings, {len(new_project_auth())} fields" in text
    assert f"(`GET /health`, the {len(SERVICES)} the spec names" in text
    assert f"{len(SENT)} fields: the site URL" in text
