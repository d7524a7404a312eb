"""The metrics CRMS publishes: one catalogue for the app that emits them and the
alarms that watch them, so that names, units and dimensions cannot drift apart."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

NAMESPACE_PREFIX = "CRMS"
Datum = dict[str, Any]
"""One PutMetricData datum, as boto3 takes it."""


def namespace(environment: str) -> str:
    """CloudWatch namespace of one environment's metrics, e.g. `CRMS/production`."""
    return f"{NAMESPACE_PREFIX}/{environment}"


@dataclass(frozen=True)
class Metric:
    name: str
    unit: str
    service: str
    """Value of the one dimension, `Service`: which part of CRMS reports it."""

    @property
    def dimensions(self) -> dict[str, str]:
        return {"Service": self.service}

    def datum(self, at: dt.datetime) -> Datum:
        """A datum of this metric at `at`, its value still to add: the name, dimensions and
        unit its alarm reads."""
        return {
            "MetricName": self.name,
            "Dimensions": [{"Name": k, "Value": v} for k, v in self.dimensions.items()],
            "Unit": self.unit,
            "Timestamp": at,
        }


REQUESTS = Metric("Requests", "Count", "web")
ERRORS = Metric("Errors", "Count", "web")
CONTRACT_CREATION_TIME = Metric("ContractCreationTime", "Seconds", "contracts")
PAYMENT_ATTEMPTS = Metric("PaymentAttempts", "Count", "payments")
PAYMENT_FAILURES = Metric("PaymentFailures", "Count", "payments")
DATABASE_DISK_USAGE = Metric("DatabaseDiskUsage", "Percent", "database")
DRAIN_DELIVERIES = Metric("DrainDeliveries", "Count", "drain")
"""One per signed delivery the drain endpoint accepted: the drain's heartbeat."""

ALL = (
    REQUESTS,
    ERRORS,
    CONTRACT_CREATION_TIME,
    PAYMENT_ATTEMPTS,
    PAYMENT_FAILURES,
    DATABASE_DISK_USAGE,
    DRAIN_DELIVERIES,
)

DISK_PROBE_PERIOD_SECONDS = 300
"""How often the metrics cron runs (the bundle's vercel.json schedule is made from it),
and so how often it publishes disk usage and counts payments."""

DEFAULT_DATABASE_DISK_GB = 8
"""The Supabase project's disk when a stack does not say (the disk alarm's 100%)."""
GIB = 2**30
"""Bytes per GB of the disk size setting when it becomes the app's DATABASE_DISK_BYTES."""

PAYMENT_WINDOW_SECONDS = DISK_PROBE_PERIOD_SECONDS
"""The metrics cron counts the payments of the window since its previous run."""

DEFAULT_CONTRACT_CREATION_ROUTE = "POST /api/contracts"
"""The web app's request whose duration is ContractCreationTime, as `METHOD /route`."""
ROUTE_PATTERN = r"^(GET|POST|PUT|PATCH|DELETE) /\S*$"
"""What a route setting may be: an HTTP method, a space, a path."""
