"""AWS beyond S3: KMS keys, their rotations and requests; CloudWatch alarms, custom metrics
and PutMetricData; SNS e-mail deliveries. KMS and CloudWatch within the account's always-free
allowances where the stack carries them (Context.beyond_free).

Sources: each price's page in prices/aws.json. An alarm is billed per metric it evaluates, a
metric-math alarm per metric in its expression, and periods under 60 s are high resolution
(https://aws.amazon.com/cloudwatch/pricing/). A key with automatic rotation adds a key
version's price at each of its first two rotations and none after
(https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html); AWS rotates every
365 days unless `rotationPeriodInDays` says otherwise (EnableKeyRotation, RotationPeriodInDays).
"""

from collections.abc import Mapping, Sequence
from decimal import Decimal

from . import keys
from .context import Context
from .model import Line, Resource

KMS_KEY = "aws:kms/key:Key"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
ROTATION_DAYS = 365
BILLED_ROTATIONS = 2


def kms_key(resource: Resource, context: Context) -> list[Line]:
    lines = [context.line(resource, "aws:kms.key_month", Decimal(1), "customer-managed key")]
    if resource.props.get("enableKeyRotation") is True:
        period = int(resource.props.get("rotationPeriodInDays") or ROTATION_DAYS)
        age = context.setting(keys.KMS_KEY_AGE_DAYS)
        rotations = min(Decimal(BILLED_ROTATIONS), age // Decimal(str(period)))
        what = f"rotated key versions billed at {age} days old (every {period} days, first 2)"
        settings = (keys.KMS_KEY_AGE_DAYS,)
        lines.append(
            context.line(resource, "aws:kms.rotation_month", rotations, what, settings=settings)
        )
    return lines


def alarm(resource: Resource, context: Context) -> list[Line]:
    read = _metrics(resource)
    metrics = Decimal(len(read))
    high = any(_seconds(metric.get("period")) < 60 for metric in read)
    kind = "high_resolution_alarm_metric_month" if high else "alarm_metric_month"
    region = str(resource.props.get("region"))
    # The free alarm metrics are standard-resolution ones only.
    billed = metrics if high else context.beyond_free("aws:cloudwatch.free_alarm_metrics", metrics)
    what = f"{'high' if high else 'standard'}-resolution alarm on {metrics} metric(s)"
    what += _free_note(metrics, billed)
    return [context.line(resource, f"aws:cloudwatch.{region}.{kind}", billed, what)]


def email_subscription(resource: Resource, context: Context) -> list[Line]:
    if resource.props.get("protocol") != "email":
        return []
    # SNS's free deliveries are not priced: its pricing page was not read (prices/aws.json).
    price = f"aws:sns.{resource.props.get('region')}.email_100k"
    return [context.usage_line(resource, price, keys.ALARM_EMAILS, "alarm e-mails delivered")]


def account(context: Context, _: Sequence[Line]) -> list[Line]:
    """What the stack's use of KMS and CloudWatch costs beyond its resources: key requests,
    the custom metrics its alarms read, and the app's PutMetricData calls."""
    lines = []
    key_regions = sorted({str(key.props.get("region")) for key in context.of_type(KMS_KEY)})
    if key_regions:
        # S3 asks the bucket's key in the storage region; the replicas' keys see replication only.
        region = context.text(keys.STORAGE_REGION)
        requests = context.setting(keys.KMS_REQUESTS)
        billed = context.beyond_free("aws:kms.free_requests", requests)
        what = "KMS requests" + _free_note(requests, billed)
        price = f"aws:kms.{region}.requests_10k"
        lines.append(_account_line(context, price, billed, what, "Storage", keys.KMS_REQUESTS))
    alarms = context.of_type(ALARM)
    if alarms:
        cloudwatch = f"aws:cloudwatch.{alarms[0].props.get('region')}"
        metric_keys = {_metric_key(metric) for alarm in alarms for metric in _metrics(alarm)}
        custom = Decimal(len({key for key in metric_keys if not key.startswith("AWS/")}))
        billed = context.beyond_free("aws:cloudwatch.free_custom_metrics", custom)
        what = "custom metrics the alarms read" + _free_note(custom, billed)
        lines.append(_account_line(context, f"{cloudwatch}.custom_metric_month", billed, what))
        requests = context.setting(keys.METRIC_REQUESTS)
        billed = context.beyond_free("aws:cloudwatch.free_api_requests", requests)
        what = "PutMetricData requests" + _free_note(requests, billed)
        price = f"{cloudwatch}.api_requests_1000"
        lines.append(_account_line(context, price, billed, what, setting=keys.METRIC_REQUESTS))
    return lines


def _account_line(
    context: Context,
    price: str,
    quantity: Decimal,
    what: str,
    component: str = "Alerts",
    setting: str | None = None,
) -> Line:
    settings = (setting,) if setting else ()
    return context.line(
        None, price, quantity, what, settings=settings, component=component, name="account"
    )


def _free_note(quantity: Decimal, billed: Decimal) -> str:
    free = quantity - billed
    return f" ({free:,} of them in the account's free tier)" if free else ""


def _mapping(value: object) -> Mapping[str, object]:
    return value if isinstance(value, Mapping) else {}


def _metrics(resource: Resource) -> list[Mapping[str, object]]:
    """The metrics an alarm reads: those of its metric queries, or its own."""
    queries = resource.props.get("metricQueries")
    items = queries if isinstance(queries, Sequence) and not isinstance(queries, str) else []
    metrics = [_mapping(_mapping(query).get("metric")) for query in items]
    return [metric for metric in metrics if metric] or [resource.props]


def _seconds(period: object) -> float:
    return float(period) if isinstance(period, int | float | Decimal) else 60.0


def _metric_key(metric: Mapping[str, object]) -> str:
    dimensions = metric.get("dimensions")
    dims = sorted(dimensions.items()) if isinstance(dimensions, Mapping) else []
    return f"{metric.get('namespace')}/{metric.get('metricName')}/{dims}"
