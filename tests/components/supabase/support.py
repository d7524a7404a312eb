"""Helpers shared by the Supabase provider's tests."""

from typing import Any

from components.supabase.provider import SupabaseProjectProvider
from tests.components.supabase.fake_api import FakeManagementApi

TOKEN = "sbp_test_5c9d2e7f1a3b"


class VirtualClock:
    """Time that passes only when the code under test sleeps.

    Waits cost nothing, and the fake's rate-limit windows see exactly the time the
    provider chose to wait.
    """

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def props(api: FakeManagementApi, **overrides: Any) -> dict[str, Any]:
    return {
        "name": "crms-production",
        "organization_slug": "crms-swiss",
        "region": "eu-central-2",
        "instance_size": "medium",
        "management_api": api.url,
        "db_pass": "pa55-word",
        **overrides,
    }


def created(
    provider: SupabaseProjectProvider, api: FakeManagementApi, **overrides: Any
) -> tuple[str, dict[str, Any]]:
    result = provider.create(props(api, **overrides))
    assert result.outs is not None
    return result.id, result.outs
