"""Fixtures for the Sentry providers' tests: the spec-strict fake and providers aimed at it."""

from collections.abc import Iterator

import pytest

from components.sentry.client_key import SentryClientKeyProvider
from components.sentry.project import SentryProjectProvider
from tests.components.sentry.fake_api import EU, FakeSentryApi
from tests.components.sentry.support import ORG, TEAM, TOKEN, VirtualClock, configured, retry


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
def api(clock: VirtualClock) -> Iterator[FakeSentryApi]:
    server = FakeSentryApi(token=TOKEN, clock=clock).start()
    server.add_organization(ORG, EU, TEAM)
    yield server
    server.stop()
    assert server.violations == [], "the fake answered outside the spec"


@pytest.fixture
def project_provider(clock: VirtualClock, monkeypatch: pytest.MonkeyPatch) -> SentryProjectProvider:
    monkeypatch.delenv("SENTRY_AUTH_TOKEN", raising=False)
    return configured(SentryProjectProvider(retry=retry(clock), request_timeout=2))


@pytest.fixture
def key_provider(clock: VirtualClock, monkeypatch: pytest.MonkeyPatch) -> SentryClientKeyProvider:
    monkeypatch.delenv("SENTRY_AUTH_TOKEN", raising=False)
    return configured(SentryClientKeyProvider(retry=retry(clock), request_timeout=2))
