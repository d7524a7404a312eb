"""AWS: bucket storage and requests, cross-region replication, KMS keys and requests,
CloudWatch alarms and custom metrics, SNS e-mail deliveries.

Sources: each price's page in prices/aws.json. A bucket holds what its `purpose` tag says
(components/purposes.py's Purpose; a replica holds what its source holds); the app's requests
reach the buckets in the stack's storage region, replicas only receive replication. An alarm
is billed per metric it evaluates, a metric-math alarm per metric in its expression, and
periods under 60 s are high resolution (https://aws.amazon.com/cloudwatch/pricing/).
"""

from collections.abc import Mapping, Sequence
from decimal import Decimal

from . import keys
from .context import Context, PricingError
from .model import Line, Resource

BUCKET = "aws:s3/bucket:Bucket"
KMS_KEY = "aws:kms/key:Key"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
STORED_GB = {
    "photos": keys.PHOTOS_STORED_GB,
    "backups": keys.BACKUPS_STORED_GB,
    "access-logs": keys.ACCESS_LOGS_STORED_GB,
}
ADDED_GB = {"photos": keys.PHOTOS_ADDED_GB, "backups": keys.BACKUPS_ADDED_GB}


def bucket(resource: Resource, context: Context) -> list[Line]:
    purpose = _purpose(resource)
    region = str(resource.props.get("region"))
    stored = STORED_GB[purpose]
    what = "S3 Standard storage (before lifecycle transitions)"
    lines = [context.usage_line(resource, f"aws:s3.{region}.standard_gb_month", stored, what)]
    if purpose == "photos" and region == context.text(keys.STORAGE_REGION):
        for requests, kind in ((keys.PHOTO_UPLOADS, "put"), (keys.PHOTO_DOWNLOADS, "get")):
            price = f"aws:s3.{region}.{kind}_1000"
            lines.append(context.usage_line(resource, price, requests, f"{kind.upper()} requests"))
    return lines


def replication(resource: Resource, context: Context) -> list[Line]:
    """Data added to the source, copied to another region (with RTC where a rule has it).

    The buckets it depends on are its source and replica, which hold the same data."""
    buckets = [b for b in context.of_type(BUCKET) if b.urn in resource.dependencies]
    added = ADDED_GB[_purpose(buckets[0] if buckets else None)]
    region = str(resource.props.get("region"))
    lines = []
    for rule in _mappings(resource.props.get("rules")):
        transfer = f"aws:s3.{region}.replication_transfer_gb"
        what = f"replication of rule {rule.get('id')} to another region"
        lines.append(context.usage_line(resource, transfer, added, what))
        destination = _mapping(rule.get("destination"))
        if _mapping(destination.get("replicationTime")).get("status") == "Enabled":
            what = f"Replication Time Control of rule {rule.get('id')}"
            rtc = "aws:s3.replication_time_control_gb"
            lines.append(context.usage_line(resource, rtc, added, what))
    return lines


def kms_key(resource: Resource, context: Context) -> list[Line]:
    return [context.line(resource, "aws:kms.key_month", Decimal(1), "customer-managed key")]


def alarm(resource: Resource, context: Context) -> list[Line]:
    read = _metrics(resource)
    metrics = len(read)
    high = any(_seconds(metric.get("period")) < 60 for metric in read)
    kind = "high_resolution_alarm_metric_month" if high else "alarm_metric_month"
    region = str(resource.props.get("region"))
    what = f"{'high' if high else 'standard'}-resolution alarm on {metrics} metric(s)"
    return [context.line(resource, f"aws:cloudwatch.{region}.{kind}", Decimal(metrics), what)]


def email_subscription(resource: Resource, context: Context) -> list[Line]:
    if resource.props.get("protocol") != "email":
        return []
    price = f"aws:sns.{resource.props.get('region')}.email_100k"
    return [context.usage_line(resource, price, keys.ALARM_EMAILS, "alarm e-mails delivered")]


def account(context: Context, _: Sequence[Line]) -> list[Line]:
    """What the stack's use of KMS and CloudWatch costs beyond its resources: key requests,
    the custom metrics its alarms read, and the app's PutMetricData calls."""
    lines = []
    if context.of_type(KMS_KEY):
        lines.append(
            context.usage_line(
                None,
                "aws:kms.requests_10k",
                keys.KMS_REQUESTS,
                "KMS requests",
                component="Storage",
                name="account",
            )
        )
    alarms = context.of_type(ALARM)
    if alarms:
        cloudwatch = f"aws:cloudwatch.{alarms[0].props.get('region')}"
        metrics = {_metric_key(metric) for alarm in alarms for metric in _metrics(alarm)}
        custom = Decimal(len({metric for metric in metrics if not metric.startswith("AWS/")}))
        what = "custom metrics the alarms read"
        lines += [
            context.line(
                None,
                f"{cloudwatch}.custom_metric_month",
                custom,
                what,
                component="Alerts",
                name="account",
            ),
            context.usage_line(
                None,
                f"{cloudwatch}.api_requests_1000",
                keys.METRIC_REQUESTS,
                "PutMetricData requests",
                component="Alerts",
                name="account",
            ),
        ]
    return lines


def _purpose(resource: Resource | None) -> str:
    tags = resource.props.get("tags") if resource else None
    purpose = tags.get("purpose") if isinstance(tags, Mapping) else None
    if purpose not in STORED_GB:
        name = resource.name if resource else "(none among a replication's dependencies)"
        raise PricingError(f"bucket {name} has no purpose tag pricing knows ({purpose!r})")
    return str(purpose)


def _mapping(value: object) -> Mapping[str, object]:
    return value if isinstance(value, Mapping) else {}


def _mappings(value: object) -> list[Mapping[str, object]]:
    """A list of objects (the policy SDK hands lists and objects as proxies)."""
    items = value if isinstance(value, Sequence) and not isinstance(value, str) else []
    return [_mapping(item) for item in items]


def _metrics(resource: Resource) -> list[Mapping[str, object]]:
    """The metrics an alarm reads: those of its metric queries, or its own."""
    queries = [
        _mapping(query.get("metric")) for query in _mappings(resource.props.get("metricQueries"))
    ]
    return [metric for metric in queries if metric] or [resource.props]


def _seconds(period: object) -> float:
    return float(period) if isinstance(period, int | float | Decimal) else 60.0


def _metric_key(metric: Mapping[str, object]) -> str:
    dimensions = metric.get("dimensions")
    dims = sorted(dimensions.items()) if isinstance(dimensions, Mapping) else []
    return f"{metric.get('namespace')}/{metric.get('metricName')}/{dims}"
