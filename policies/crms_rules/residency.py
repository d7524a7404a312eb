"""Swiss data residency: data stores in Zurich, everything else inside Switzerland or the EU/EEA."""

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from crms_rules.core import (
    Resource,
    ResourceRule,
    Rule,
    Severity,
    StackRule,
    Violation,
    as_list,
    of_type,
)

ZURICH = "eu-central-2"
AWS_EUROPEAN = {
    "eu-central-2",
    "eu-central-1",
    "eu-west-1",
    "eu-west-3",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
}
UPSTASH_EUROPEAN = {"eu-central-1", "eu-west-1"}
VERCEL_EUROPEAN = {"fra1", "cdg1", "dub1", "arn1"}
SUPABASE_PROJECT = "pulumi-python:dynamic/supabase:Project"
BUCKET = "aws:s3/bucket:Bucket"
REPLICATION = "aws:s3/bucketReplicationConfig:BucketReplicationConfig"
LOGGING = "aws:s3/bucketLogging:BucketLogging"
DRAINS = ("vercel:index/logDrain:LogDrain", "vercel:index/traceDrain:TraceDrain")
DEPLOYMENT = "vercel:index/deployment:Deployment"


def database_in_zurich(resource: Resource, _: Mapping[str, Any]) -> Iterator[str]:
    if resource.type == SUPABASE_PROJECT and resource.props.get("region") != ZURICH:
        yield f"the database is in {resource.props.get('region')!r}, not Zurich ({ZURICH})"


def buckets_in_zurich(
    resources: Sequence[Resource], config: Mapping[str, Any]
) -> Iterator[Violation]:
    """Zurich, except replicas (and their regional log buckets) the stack allows by name.

    Each allowance in the rule's `allowedOutsideZurich` config names a bucket and says why
    its data may leave Zurich; the bucket must still be a replication target, or the log
    bucket S3 requires in a replica's region, and in Switzerland or the EU/EEA.
    """
    allowed = {
        str(entry.get("bucket")): str(entry.get("reason") or "").strip()
        for entry in as_list(config.get("allowedOutsideZurich"))
    }
    replica_arns = {
        rule.get("destination", {}).get("bucket")
        for config_resource in of_type(resources, REPLICATION)
        for rule in as_list(config_resource.props.get("rules"))
    }
    log_targets = {
        str(logging.props.get("targetBucket")) for logging in of_type(resources, LOGGING)
    }
    for bucket in of_type(resources, BUCKET):
        region = bucket.props.get("region")
        if region == ZURICH:
            continue
        is_replica = bucket.props.get("arn") in replica_arns
        if not (is_replica or str(bucket.props.get("bucket")) in log_targets):
            yield Violation(f"bucket region {region!r} is not Zurich ({ZURICH})", bucket.urn)
        elif region not in AWS_EUROPEAN:
            yield Violation(
                f"replica bucket region {region!r} is outside Switzerland and the EU/EEA",
                bucket.urn,
            )
        elif bucket.name not in allowed:
            yield Violation(
                f"bucket {bucket.name} in {region!r} is not Zurich ({ZURICH}) and not allowed "
                "as a replica (allowedOutsideZurich)",
                bucket.urn,
            )
        elif len(allowed[bucket.name]) < 10:
            yield Violation(f"bucket {bucket.name} is allowed without a reason", bucket.urn)


def drains_to_own_deployments(
    resources: Sequence[Resource], _: Mapping[str, Any]
) -> Iterator[Violation]:
    """A drain copies every request's path, status and client address out of Vercel: it may
    deliver only over HTTPS to a deployment of this stack, whose functions' regions the
    service-regions rule holds inside the EU, never to a third party's endpoint."""
    hosts = {
        str(host).removeprefix("https://")
        for deployment in of_type(resources, DEPLOYMENT)
        for host in [deployment.props.get("url"), *as_list(deployment.props.get("domains"))]
        if host
    }
    for drain in of_type(resources, *DRAINS):
        endpoint = str(drain.props.get("endpoint") or "")
        scheme, _separator, rest = endpoint.partition("://")
        host = rest.split("/", 1)[0]
        if scheme != "https":
            yield Violation(f"drain endpoint {endpoint!r} is not HTTPS", drain.urn)
        elif host not in hosts:
            yield Violation(
                f"drain endpoint host {host!r} is not a deployment of this stack", drain.urn
            )


def service_regions(resource: Resource, _: Mapping[str, Any]) -> Iterable[str]:
    props = resource.props
    if resource.type == "upstash:index/redisDatabase:RedisDatabase":
        if props.get("primaryRegion") not in UPSTASH_EUROPEAN:
            yield f"cache primary region {props.get('primaryRegion')!r} is not an allowed EU region"
        for region in as_list(props.get("readRegions")):
            if region not in UPSTASH_EUROPEAN:
                yield f"cache read region {region!r} is not an allowed EU region"
    if resource.type == "vercel:index/project:Project":
        # resource_config.function_default_regions is the provider's way to set them; the
        # deprecated serverlessFunctionRegion conflicts with it (vercel/resource_project.go).
        regions = as_list((props.get("resourceConfig") or {}).get("functionDefaultRegions"))
        if not regions or not all(regions):
            yield "the function region is not set explicitly"
        if props.get("serverlessFunctionRegion"):
            regions.append(props["serverlessFunctionRegion"])
        for region in filter(None, regions):
            if region not in VERCEL_EUROPEAN:
                yield f"function region {region!r} is outside the EU"


RULES: list[Rule] = [
    ResourceRule(
        name="residency-database-zurich",
        description="The Supabase database lives in Zurich (eu-central-2).",
        severity=Severity.CRITICAL,
        remediation="Set crms:databaseRegion to eu-central-2 (a project cannot move: recreate it).",
        check=database_in_zurich,
    ),
    StackRule(
        name="residency-buckets-zurich",
        description=(
            "Every bucket is in Zurich; a replica (or its regional log bucket) elsewhere in "
            "Switzerland or the EU only where the stack allows it by name, with a reason."
        ),
        severity=Severity.CRITICAL,
        remediation=(
            "Set the bucket's region to eu-central-2, or for a replica: an allowed EU region "
            "and an allowedOutsideZurich entry {bucket, reason} in policies/config.<stack>.json."
        ),
        check=buckets_in_zurich,
        defaults={"allowedOutsideZurich": []},
    ),
    StackRule(
        name="residency-drains-own-endpoint",
        description="Log and trace drains deliver over HTTPS to this stack's own deployments.",
        severity=Severity.CRITICAL,
        remediation="Point the drain at the ops app's production domain (components/drain.py).",
        check=drains_to_own_deployments,
    ),
    ResourceRule(
        name="residency-service-regions",
        description="Cache and function regions are set explicitly and inside the EU allow-list.",
        severity=Severity.HIGH,
        remediation="Set crms:cachePrimaryRegion and crms:computeFunctionRegions to EU regions.",
        check=service_regions,
    ),
]
