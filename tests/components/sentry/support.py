"""Helpers shared by the Sentry providers' tests and benchmarks/sentry_calls.py."""

from typing import Any, TypeVar

from pulumi.dynamic import Config, ConfigureRequest

from components.sentry.access import SentryApiProvider
from components.sentry.api import RetryPolicy
from tests.components.sentry.fake_api import EU, FakeSentryApi

TOKEN = "sntryu_test_7f3a9c1e5b2d4f60"  # shaped like a user auth token, never a real one
ORG, TEAM = "crms-swiss", "crms"


class VirtualClock:
    """UTC epoch time that passes only when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 1_780_000_000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


P = TypeVar("P", bound=SentryApiProvider)


def configured(provider: P) -> P:
    provider.configure(ConfigureRequest(Config({"crms:sentryAuthToken": TOKEN}, "crms")))
    return provider


def retry(clock: VirtualClock) -> RetryPolicy:
    return RetryPolicy(attempts=3, base_delay=0.01, sleep=clock.sleep, wall_clock=clock)


def project_props(api: FakeSentryApi, **overrides: Any) -> dict[str, Any]:
    return {
        "organization": ORG,
        "team": TEAM,
        "slug": "crms-production",
        "name": "crms-production",
        "platform": "javascript-nextjs",
        "api_url": api.url,
        "region_url": EU,
        "data_scrubber": True,
        "data_scrubber_defaults": True,
        "scrub_ip_addresses": True,
        "sensitive_fields": ["licence_number", "card_number", "email"],
        **overrides,
    }


def key_props(api: FakeSentryApi, **overrides: Any) -> dict[str, Any]:
    return {
        "organization": ORG,
        "project": "crms-production",
        "name": "crms-web",
        "rate_limit_count": 1000,
        "rate_limit_window": 3600,
        "api_url": api.url,
        **overrides,
    }


def outs(result: Any) -> dict[str, Any]:
    """A create's or read's outputs (the SDK types them optional)."""
    assert result.outs is not None
    values: dict[str, Any] = result.outs
    return values
