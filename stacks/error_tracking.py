"""The error tracker's Args from the stack's settings, and the web app's Sentry variables."""

from components.error_tracking import ErrorTrackingArgs
from stacks import naming
from stacks.settings import StackSettings

TRACES_SAMPLE_RATE_VARIABLE = "NEXT_PUBLIC_SENTRY_TRACES_SAMPLE_RATE"
"""The web project's variable the app passes to Sentry's `tracesSampleRate` (the seed's 0.1)."""


def error_tracking_args(settings: StackSettings) -> ErrorTrackingArgs:
    sentry = settings.sentry
    return ErrorTrackingArgs(
        organization=sentry.organization,
        team=sentry.team,
        project=naming.prefix(settings),
        # The region's own API (the spec's servers, `https://{region}.sentry.io`), which
        # is also the organization's regionUrl when it is in that region.
        api_url=sentry.region.api_url,
        region_url=sentry.region.api_url,
        key_rate_limit_per_hour=sentry.key_rate_limit_per_hour,
        protect=settings.protect_stateful_resources,
    )
