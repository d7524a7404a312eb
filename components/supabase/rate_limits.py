"""Reading the Management API's rate-limit headers: how long a 429 lasts, what is left.

Rate limits, as Supabase documents them (https://supabase.com/docs/reference/api/introduction,
"Rate limits"; source: supabase/supabase apps/docs/content/_partials/api_rate_limits.mdx):
120 requests a minute per user, scope and endpoint; past that every call answers 429
"for the remainder of the minute"; every response carries `X-RateLimit-Limit`,
`X-RateLimit-Remaining` and `X-RateLimit-Reset` (the seconds until the window resets).
No `Retry-After` is documented, so a 429 waits for the reset.
"""

import email.utils
import math
import time

import httpx

RATE_LIMIT_WINDOW = 60.0
"""Seconds of the standard window (the docs' "120 requests / 1 minute")."""
RESET_MARGIN = 1.0
"""Added to X-RateLimit-Reset: it counts whole seconds, so waiting exactly that may be early."""


def throttle_wait(response: httpx.Response) -> float:
    """How long a 429 lasts: X-RateLimit-Reset, else Retry-After, else a whole window."""
    reset = seconds(response.headers.get("X-RateLimit-Reset"))
    if reset is not None:
        return reset + RESET_MARGIN
    # Supabase documents no Retry-After; a proxy in front of it might still send one.
    retry_after = _retry_after(response)
    return retry_after if retry_after is not None else RATE_LIMIT_WINDOW


def quota(response: httpx.Response) -> str:
    limit = response.headers.get("X-RateLimit-Limit")
    return f"{limit} requests a window" if limit else "no X-RateLimit-Limit given"


def seconds(value: str | None) -> float | None:
    """A header's count of seconds (or requests); None when absent or not a count."""
    try:
        number = float(value) if value is not None else None
    except ValueError:
        return None
    return number if number is not None and math.isfinite(number) and number >= 0 else None


def _retry_after(response: httpx.Response) -> float | None:
    """Retry-After in seconds, given as seconds or as an HTTP date."""
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    if value.strip().isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
