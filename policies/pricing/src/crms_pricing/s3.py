"""S3: what each bucket stores, in the storage classes it holds, its requests, and the data
replication copies to another region.

Sources: each price's page in prices/aws.json. A bucket holds what its `purpose` tag says
(components/purposes.py's Purpose; a replica holds what its source holds). Objects are written
in the bucket's class (a replica in its replication rule's `storageClass`) and move to a
lifecycle transition's class when they reach its age
(https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html).
The app's requests reach the buckets in the stack's storage region; replicas only receive
replication, which pays the transfer out of the source's region
(https://aws.amazon.com/s3/pricing/, Replication).
"""

from collections.abc import Mapping, Sequence
from decimal import Decimal

from . import keys
from .context import Context, PricingError
from .model import DAYS_PER_MONTH, Line, Resource

BUCKET = "aws:s3/bucket:Bucket"
LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
REPLICATION = "aws:s3/bucketReplicationConfig:BucketReplicationConfig"
STORED_GB = {
    "photos": keys.PHOTOS_STORED_GB,
    "backups": keys.BACKUPS_STORED_GB,
    "access-logs": keys.ACCESS_LOGS_STORED_GB,
}
ADDED_GB = {"photos": keys.PHOTOS_ADDED_GB, "backups": keys.BACKUPS_ADDED_GB}
CLASSES = {
    "STANDARD": ("standard", "S3 Standard"),
    "STANDARD_IA": ("standard_ia", "S3 Standard-IA"),
    "GLACIER_IR": ("glacier_ir", "S3 Glacier Instant Retrieval"),
}
"""The storage classes the program writes or transitions to: price key part, name."""


def bucket(resource: Resource, context: Context) -> list[Line]:
    purpose = _purpose(resource)
    region = str(resource.props.get("region"))
    stored = context.setting(STORED_GB[purpose])
    lines = []
    split = _storage(resource, purpose, stored, context)
    settings = (STORED_GB[purpose], *((ADDED_GB[purpose],) if len(split) > 1 else ()))
    for storage_class, quantity, when in split:
        part, name = _class(storage_class, resource)
        price = f"aws:s3.{region}.{part}_gb_month"
        what = f"{name} storage{when}"
        lines.append(context.line(resource, price, quantity, what, settings=settings))
    if purpose == "photos" and region == context.text(keys.STORAGE_REGION):
        for requests, kind in ((keys.PHOTO_UPLOADS, "put"), (keys.PHOTO_DOWNLOADS, "get")):
            price = f"aws:s3.{region}.{kind}_1000"
            lines.append(context.usage_line(resource, price, requests, f"{kind.upper()} requests"))
    return lines


def replication(resource: Resource, context: Context) -> list[Line]:
    """Data added to the source, copied to another region (with RTC where a rule has it).

    The buckets it depends on are its source and replica, which hold the same data."""
    source, replica = _pair(resource, context)
    added = ADDED_GB[_purpose(source)]
    region = str(resource.props.get("region"))
    to_region = str(replica.props.get("region"))
    lines = []
    for rule in _mappings(resource.props.get("rules")):
        transfer = f"aws:s3.{region}.transfer_to_{to_region}_gb"
        what = f"replication of rule {rule.get('id')} to {to_region}"
        lines.append(context.usage_line(resource, transfer, added, what))
        destination = _mapping(rule.get("destination"))
        if _mapping(destination.get("replicationTime")).get("status") == "Enabled":
            what = f"Replication Time Control of rule {rule.get('id')}"
            rtc = "aws:s3.replication_time_control_gb"
            lines.append(context.usage_line(resource, rtc, added, what))
    return lines


def _storage(
    resource: Resource, purpose: str, stored: Decimal, context: Context
) -> list[tuple[str, Decimal, str]]:
    """(class, GB, when) of what the bucket holds: the class objects are written in, then, for
    a lifecycle transition, the class of objects older than its days. The added GB a month
    (the purpose's usage setting) say how much is younger than that."""
    written = _written_class(resource, context)
    transition = _transition(resource, context)
    if transition is None or purpose not in ADDED_GB:
        return [(written, stored, "")]
    cold_class, days = transition
    young = min(stored, context.setting(ADDED_GB[purpose]) * days / DAYS_PER_MONTH)
    return [
        (written, young, f" (objects younger than {days} days)"),
        (cold_class, stored - young, f" (objects {days} days and older)"),
    ]


def _written_class(resource: Resource, context: Context) -> str:
    """STANDARD, or for a replica the storage class its replication rule writes in."""
    for config in context.of_type(REPLICATION):
        _, replica = _pair(config, context)
        if replica.urn == resource.urn:
            rules = _mappings(config.props.get("rules"))
            classes = {str(_mapping(r.get("destination")).get("storageClass")) for r in rules}
            if len(classes) == 1:
                return classes.pop()
            raise PricingError(f"replication {config.name} writes in classes {sorted(classes)}")
    return "STANDARD"


def _transition(resource: Resource, context: Context) -> tuple[str, Decimal] | None:
    """The (class, days) of the bucket's lifecycle transition, if it has one."""
    for config in context.of_type(LIFECYCLE):
        if resource.urn not in config.dependencies:
            continue
        transitions = [
            _mapping(transition)
            for rule in _mappings(config.props.get("rules"))
            if rule.get("status") == "Enabled"
            for transition in _mappings(rule.get("transitions"))
        ]
        if len(transitions) > 1:
            raise PricingError(f"lifecycle {config.name} has more than one transition")
        if transitions:
            days = transitions[0].get("days")
            # The policy SDK hands numbers as floats (a protobuf Struct's only number type).
            if isinstance(days, bool) or not isinstance(days, int | float | Decimal):
                raise PricingError(f"lifecycle {config.name} transitions by date, not days")
            return str(transitions[0].get("storageClass")), Decimal(int(days))
    return None


def _pair(config: Resource, context: Context) -> tuple[Resource, Resource]:
    """The source and the replica bucket of a replication configuration (by region)."""
    region = config.props.get("region")
    buckets = [b for b in context.of_type(BUCKET) if b.urn in config.dependencies]
    sources = [b for b in buckets if b.props.get("region") == region]
    replicas = [b for b in buckets if b.props.get("region") != region]
    if len(sources) != 1 or len(replicas) != 1:
        raise PricingError(f"replication {config.name} depends on no source and replica bucket")
    return sources[0], replicas[0]


def _class(storage_class: str, resource: Resource) -> tuple[str, str]:
    if storage_class not in CLASSES:
        raise PricingError(f"bucket {resource.name}: no price for storage class {storage_class}")
    return CLASSES[storage_class]


def _purpose(resource: Resource) -> str:
    tags = resource.props.get("tags")
    purpose = tags.get("purpose") if isinstance(tags, Mapping) else None
    if purpose not in STORED_GB:
        raise PricingError(f"bucket {resource.name} has no purpose tag pricing knows ({purpose!r})")
    return str(purpose)


def _mapping(value: object) -> Mapping[str, object]:
    return value if isinstance(value, Mapping) else {}


def _mappings(value: object) -> list[Mapping[str, object]]:
    """A list of objects (the policy SDK hands lists and objects as proxies)."""
    items = value if isinstance(value, Sequence) and not isinstance(value, str) else []
    return [_mapping(item) for item in items]
