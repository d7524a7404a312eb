"""Rate limits as Supabase documents them, against a fake that enforces them.

https://supabase.com/docs/reference/api/introduction ("Rate limits"; source:
supabase/supabase apps/docs/content/_partials/api_rate_limits.mdx): 120 requests a
minute per user, scope and endpoint; past that, 429 for the rest of the minute; every
answer carries X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset (seconds
until the window resets). No Retry-After. The fake's clock is the provider's virtual
clock, so a retry before the reset meets another 429, as it would for real.
"""

import httpx
import pytest

from components.supabase.api import RetryPolicy, SupabaseApiError
from components.supabase.provider import SupabaseProjectProvider
from components.supabase.rate_limits import RATE_LIMIT_WINDOW
from components.supabase.waiting import Waiting
from tests.components.supabase.conftest import configured
from tests.components.supabase.fake_api import FakeManagementApi, Fault
from tests.components.supabase.support import TOKEN, VirtualClock, created, props


def test_a_429_waits_for_the_reset_then_succeeds(
    api: FakeManagementApi, provider: SupabaseProjectProvider, clock: VirtualClock
) -> None:
    api.rate_limit = 5
    for _ in range(5):  # another run of the same user spends the window's quota
        httpx.get(f"{api.url}/v1/projects", headers={"Authorization": f"Bearer {TOKEN}"})
    created(provider, api)
    # One 429, then a wait for the reset: a retry before it would only meet another.
    assert api.count("GET", "/v1/projects", status=429) == 1
    assert clock.sleeps[0] == RATE_LIMIT_WINDOW + 1


def test_a_429_carrying_only_the_rate_limit_headers_is_honoured(
    api: FakeManagementApi, provider: SupabaseProjectProvider, clock: VirtualClock
) -> None:
    headers = {"X-RateLimit-Limit": "120", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "47"}
    api.faults.append(Fault("POST", "/v1/projects", 429, headers=headers))
    created(provider, api)
    assert 48.0 in clock.sleeps  # the reset plus a second's margin, no exponential guess
    assert api.count("POST", "/v1/projects") == 2


def test_retry_after_is_still_honoured_if_a_proxy_sends_it(
    api: FakeManagementApi, provider: SupabaseProjectProvider, clock: VirtualClock
) -> None:
    api.faults.append(Fault("POST", "/v1/projects", 429, headers={"Retry-After": "3"}))
    created(provider, api)
    assert 3.0 in clock.sleeps


def test_a_429_without_any_header_waits_a_whole_window(
    api: FakeManagementApi, provider: SupabaseProjectProvider, clock: VirtualClock
) -> None:
    api.faults.append(Fault("GET", "/v1/projects", 429))
    created(provider, api)
    assert RATE_LIMIT_WINDOW in clock.sleeps


def test_an_exhausted_quota_is_waited_out_before_the_next_call(
    api: FakeManagementApi, clock: VirtualClock
) -> None:
    api.rate_limit, api.polls_until_healthy = 3, 4
    provider = SupabaseProjectProvider(
        retry=RetryPolicy(sleep=clock.sleep, clock=clock),
        waiting=Waiting(timeout=300, first_interval=0.01),  # the wait for the reset counts
    )
    ref, _ = created(configured(provider), api)
    # The third status poll said Remaining 0: the fourth waited instead of meeting a 429.
    assert api.count("GET", f"/v1/projects/{ref}", status=429) == 0
    assert any(wait > 50 for wait in clock.sleeps)


def test_the_throttle_budget_outlasts_the_window() -> None:
    assert RetryPolicy().throttle_budget > RATE_LIMIT_WINDOW
    # The old budget: six attempts with backoff 1, 2, 4, 8, 16 s is about 31 s.
    assert RetryPolicy().throttle_budget > sum(2**n for n in range(5))


def test_a_limit_that_outlasts_the_budget_fails_plainly(
    api: FakeManagementApi, clock: VirtualClock
) -> None:
    api.rate_limit, api.rate_window = 1, 3600.0
    provider = SupabaseProjectProvider(
        retry=RetryPolicy(sleep=clock.sleep, clock=clock, throttle_budget=120.0)
    )
    with pytest.raises(
        SupabaseApiError, match=r"HTTP 429: rate limited \(1 requests a window\); waited 0 s"
    ):
        configured(provider).create(props(api))  # the second status poll is over the limit
    assert api.count("GET", r"/v1/projects/[a-j]{20}", status=429) == 1  # no hammering
    assert sum(clock.sleeps) < 10  # nor an hour's sleep on the reset
