"""The list of endpoints the providers call is complete, and each has recordings of real
traffic or a written reason for the fake's behaviour there."""

from components.supabase.provider import SupabaseProjectProvider
from tests.components.supabase.endpoints import ENDPOINTS, RECORDED
from tests.components.supabase.fake_api import FakeManagementApi
from tests.components.supabase.recordings import exchanges
from tests.components.supabase.support import VirtualClock, created, surface_props
from tests.components.supabase.support import surface_provider as configured
from tests.components.supabase.surface_cases import CASES


def test_every_endpoint_has_recordings_or_a_reason() -> None:
    recorded = {exchange.endpoint for exchange in exchanges()}
    for endpoint, basis in ENDPOINTS.items():
        if basis == RECORDED:
            assert endpoint in recorded, f"{endpoint}: no recording kept for it"
        else:
            assert endpoint not in recorded, f"{endpoint} has recordings: replay them instead"
            assert len(basis.split()) >= 8, f"{endpoint}: the reason says too little"


def test_every_kept_recording_is_of_an_endpoint_the_providers_call() -> None:
    assert {exchange.endpoint for exchange in exchanges()} - set(ENDPOINTS) <= {
        "GET /v1/projects/{ref}/config/storage",  # in the scenarios beside ours
        "POST /v1/projects/{ref}/database/webhooks/enable",
    }


def test_the_providers_call_exactly_the_listed_endpoints(
    api: FakeManagementApi, provider: SupabaseProjectProvider, clock: VirtualClock
) -> None:
    """Every provider's create, refresh, update and delete, against the fake."""
    ref, outs = created(provider, api)
    provider.read(ref, outs)
    for change in ({"name": "crms-prod", "db_pass": "an0ther-pa55"}, {"instance_size": "large"}):
        outs = provider.update(ref, outs, {**outs, **change}).outs or {}
    for case in CASES.values():
        surface = configured(case.provider, clock)
        inputs = surface_props(case.inputs, ref, api)
        state = surface.create(inputs).outs or {}
        state = surface.update(ref, state, {**inputs, **case.change}).outs or {}
        surface.read(ref, state)
        surface.delete(ref, state)
    provider.delete(ref, outs)
    assert sorted(set(api.operations)) == sorted(ENDPOINTS)
