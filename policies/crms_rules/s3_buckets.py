"""How the S3 rules (crms_rules/s3.py) find buckets and the separate resources that
configure them (AWS provider v7: `aws:s3/bucketVersioning:BucketVersioning` and its kind),
each keyed by the bucket's name, as its `bucket` property names it."""

from collections.abc import Iterator, Sequence

from crms_rules.core import Resource, of_type

BUCKET = "aws:s3/bucket:Bucket"
S3 = "aws:s3/"


def configs_of(resources: Sequence[Resource], kind: str) -> dict[str, list[Resource]]:
    """Configuration resources of one kind, by the bucket they configure."""
    found: dict[str, list[Resource]] = {}
    for resource in resources:
        if resource.type.startswith(f"{S3}{kind}:"):
            found.setdefault(str(resource.props.get("bucket")), []).append(resource)
    return found


def named_buckets(resources: Sequence[Resource]) -> Iterator[tuple[Resource, str]]:
    """Each bucket with its name."""
    for bucket in of_type(resources, BUCKET):
        yield bucket, str(bucket.props.get("bucket"))


def log_targets_of(resources: Sequence[Resource]) -> set[str]:
    """The names of the buckets that receive another's access logs."""
    return {str(r.props.get("targetBucket")) for r in _flat(configs_of(resources, "bucketLogging"))}


def _flat(configs: dict[str, list[Resource]]) -> list[Resource]:
    return [resource for group in configs.values() for resource in group]
