"""Keys of every type, a pooler that comes late, and a plain error instead of a None.

GET /v1/projects/{ref}/api-keys?reveal=true answers ApiKeyResponse items whose `type` is
`legacy`, `publishable` or `secret`; GET /v1/projects/{ref}/config/database/pooler answers
SupavisorConfigResponse items, an empty list while the pooler is being set up.
"""

import pytest

from components.supabase.api import SupabaseApiError
from components.supabase.provider import SupabaseProjectProvider
from tests.components.supabase.fake_api import FakeManagementApi
from tests.components.supabase.fake_records import NEW_KEY_TYPES
from tests.components.supabase.support import created, props


def test_a_project_with_only_the_new_keys_outputs_them(
    api: FakeManagementApi, provider: SupabaseProjectProvider
) -> None:
    api.key_types = NEW_KEY_TYPES
    ref, outs = created(provider, api)
    assert outs["publishable_key"] == f"sb_publishable_{ref}"
    assert outs["secret_key"] == f"sb_secret_{ref}"
    assert (outs["anon_key"], outs["service_role_key"]) == (None, None)


def test_legacy_and_new_keys_are_all_output_while_the_api_returns_them(
    api: FakeManagementApi, provider: SupabaseProjectProvider
) -> None:
    ref, outs = created(provider, api)
    assert outs["publishable_key"] == f"sb_publishable_{ref}"
    assert outs["secret_key"] == f"sb_secret_{ref}"
    assert (outs["anon_key"], outs["service_role_key"]) == (f"anon-{ref}", f"service-{ref}")
    assert api.count("GET", rf"/v1/projects/{ref}/api-keys") >= 1


def test_a_project_without_a_server_key_fails_plainly(
    api: FakeManagementApi, provider: SupabaseProjectProvider
) -> None:
    api.key_types = frozenset({"publishable"})
    with pytest.raises(
        SupabaseApiError, match=r"still lacks a secret key \(or the legacy service_role"
    ):
        provider.create(props(api))


def test_the_pooler_is_waited_for_while_its_list_is_empty(
    api: FakeManagementApi, provider: SupabaseProjectProvider
) -> None:
    api.empty_pooler_polls = 3
    ref, outs = created(provider, api)
    assert outs["pooler_host"] == "aws-0-eu-central-2.pooler.supabase.com"
    assert (outs["pooler_port"], outs["pooler_user"], outs["db_name"]) == (
        6543,
        f"postgres.{ref}",
        "postgres",
    )
    assert api.count("GET", rf"/v1/projects/{ref}/config/database/pooler") == 4


def test_a_pooler_that_never_comes_fails_plainly_without_a_none(
    api: FakeManagementApi, provider: SupabaseProjectProvider
) -> None:
    api.empty_pooler_polls = 10_000
    with pytest.raises(SupabaseApiError) as caught:
        provider.create(props(api))
    message = str(caught.value)
    assert "still lacks a PRIMARY pooler configuration after 1 s" in message
    assert "None" not in message
