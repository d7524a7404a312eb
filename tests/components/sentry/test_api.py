"""components/sentry/api.py and access.py: rate limits as Sentry documents them, errors in
Sentry's shapes, and a token that never leaves the provider process."""

import pickle

import pytest

from components.sentry.api import SentryApi, SentryApiError
from components.sentry.project import SentryProjectProvider
from tests.components.sentry.fake_api import ORGANIZATION, FakeSentryApi, Fault
from tests.components.sentry.support import ORG, TOKEN, VirtualClock, outs, project_props, retry


def test_a_429_waits_for_the_windows_reset_and_tries_again(
    api: FakeSentryApi, clock: VirtualClock
) -> None:
    api.rate_limit, api.rate_window = 2, 30.0
    client = SentryApi(api.url, TOKEN, retry(clock))
    for _ in range(3):
        client.organization(ORG)
    assert [status for _, _, status in api.requests] == [200, 200, 429, 200]
    # X-Sentry-Rate-Limit-Reset is the epoch second the window ends, plus a second's margin.
    assert clock.sleeps == [31.0]


def test_a_retry_after_is_honoured_when_no_reset_header_comes(
    api: FakeSentryApi, clock: VirtualClock
) -> None:
    path = f"/api/0/organizations/{ORG}/"
    api.faults.append(Fault("GET", path, 429, headers={"Retry-After": "7"}))
    SentryApi(api.url, TOKEN, retry(clock)).organization(ORG)
    assert clock.sleeps == [7.0]


def test_a_throttle_longer_than_the_budget_fails_in_one_sentence(
    api: FakeSentryApi, clock: VirtualClock
) -> None:
    path = f"/api/0/organizations/{ORG}/"
    api.faults.append(Fault("GET", path, 429, headers={"Retry-After": "900"}))
    with pytest.raises(SentryApiError, match="run again later"):
        SentryApi(api.url, TOKEN, retry(clock)).organization(ORG)


def test_a_server_error_on_a_read_is_retried(api: FakeSentryApi, clock: VirtualClock) -> None:
    api.faults.append(Fault("GET", f"/api/0/organizations/{ORG}/", 503))
    SentryApi(api.url, TOKEN, retry(clock)).organization(ORG)
    assert api.count("GET", ORGANIZATION) == 2


def test_the_fake_refuses_a_body_field_the_api_does_not_take(
    api: FakeSentryApi, clock: VirtualClock
) -> None:
    api.add_project(ORG, "p")
    client = SentryApi(api.url, TOKEN, retry(clock))
    with pytest.raises(SentryApiError, match=r"HTTP 400.*scrubEverything"):
        client.update_project(ORG, "p", {"scrubEverything": True})
    with pytest.raises(SentryApiError, match="HTTP 400"):
        client.update_project(ORG, "p", {"scrubIPAddresses": "yes"})


def test_an_error_echoing_the_token_never_shows_it(api: FakeSentryApi, clock: VirtualClock) -> None:
    path = f"/api/0/organizations/{ORG}/"
    api.faults.append(Fault("GET", path, 403, body={"detail": f"token {TOKEN} lacks org:read"}))
    with pytest.raises(SentryApiError) as raised:
        SentryApi(api.url, TOKEN, retry(clock)).organization(ORG)
    assert TOKEN not in str(raised.value)
    assert "[secret]" in str(raised.value)


def test_a_wrong_token_is_refused_without_showing_either(
    api: FakeSentryApi, clock: VirtualClock
) -> None:
    with pytest.raises(SentryApiError, match="HTTP 401") as raised:
        SentryApi(api.url, "sntryu_wrong", retry(clock)).organization(ORG)
    assert "sntryu_wrong" not in str(raised.value)
    assert TOKEN not in repr(SentryApi(api.url, TOKEN))


def test_the_token_never_reaches_the_state(
    api: FakeSentryApi, project_provider: SentryProjectProvider
) -> None:
    values = outs(project_provider.create(project_props(api)))
    assert TOKEN.encode() not in pickle.dumps(project_provider)
    assert TOKEN not in repr(values)


def test_no_token_is_a_sentence_naming_where_to_set_it(
    api: FakeSentryApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SENTRY_AUTH_TOKEN", raising=False)
    with pytest.raises(SentryApiError, match="crms:sentryAuthToken or SENTRY_AUTH_TOKEN"):
        SentryProjectProvider().create(project_props(api))
