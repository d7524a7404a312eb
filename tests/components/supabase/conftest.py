"""Fixtures for the Supabase provider's tests: the spec-strict fake and a provider aimed at it."""

from collections.abc import Iterator

import pytest
from pulumi.dynamic import Config, ConfigureRequest

from components.supabase.api import RetryPolicy
from components.supabase.provider import SupabaseProjectProvider
from components.supabase.waiting import Waiting
from tests.components.supabase.fake_api import FakeManagementApi
from tests.components.supabase.support import TOKEN, VirtualClock


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
def api(clock: VirtualClock) -> Iterator[FakeManagementApi]:
    server = FakeManagementApi(token=TOKEN, clock=clock).start()
    yield server
    server.stop()
    assert server.violations == [], "the fake answered outside the spec"


@pytest.fixture
def provider(clock: VirtualClock, monkeypatch: pytest.MonkeyPatch) -> SupabaseProjectProvider:
    monkeypatch.delenv("SUPABASE_ACCESS_TOKEN", raising=False)
    return configured(
        SupabaseProjectProvider(
            retry=RetryPolicy(attempts=4, base_delay=0.01, sleep=clock.sleep, clock=clock),
            waiting=Waiting(timeout=1, values_timeout=1, first_interval=0.01, max_interval=0.02),
            request_timeout=0.5,
        )
    )


def configured(provider: SupabaseProjectProvider) -> SupabaseProjectProvider:
    provider.configure(ConfigureRequest(Config({"crms:supabaseAccessToken": TOKEN}, "crms")))
    return provider


@pytest.fixture
def project(api: FakeManagementApi) -> str:
    """A healthy project in the fake, on the medium compute add-on."""
    ref = api.add_project("crms-production", "crms-swiss")
    api.addons[ref] = "ci_medium"
    return ref
