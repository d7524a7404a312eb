"""The metrics CRMS publishes: one catalogue for the app that emits them and the
alarms that watch them, so that the two cannot drift apart."""

NAMESPACE_PREFIX = "CRMS"


def namespace(environment: str) -> str:
    """CloudWatch namespace of one environment's metrics, e.g. `CRMS/production`."""
    return f"{NAMESPACE_PREFIX}/{environment}"
