"""Swiss data residency: data stores in Zurich, everything else inside Switzerland or the EU/EEA."""

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from crms_rules.core import Resource, Rule, Violation, as_list, of_type

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


def database_in_zurich(resource: Resource, _: Mapping[str, Any]) -> Iterator[str]:
    if resource.type == SUPABASE_PROJECT and resource.props.get("region") != ZURICH:
        yield f"the database is in {resource.props.get('region')!r}, not Zurich ({ZURICH})"


def buckets_in_zurich(resources: Sequence[Resource], _: Mapping[str, Any]) -> Iterator[Violation]:
    replica_arns = {
        rule.get("destination", {}).get("bucket")
        for config in of_type(resources, REPLICATION)
        for rule in as_list(config.props.get("rules"))
    }
    for bucket in of_type(resources, BUCKET):
        region = bucket.props.get("region")
        if bucket.props.get("arn") in replica_arns:
            if region not in AWS_EUROPEAN:
                yield Violation(
                    f"replica bucket region {region!r} is outside Switzerland and the EU/EEA",
                    bucket.urn,
                )
        elif region != ZURICH:
            yield Violation(f"bucket region {region!r} is not Zurich ({ZURICH})", bucket.urn)


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


RULES = [
    Rule(
        name="residency-database-zurich",
        description="The Supabase database lives in Zurich (eu-central-2).",
        severity="critical",
        remediation="Set crms:databaseRegion to eu-central-2 (a project cannot move: recreate it).",
        resource_check=database_in_zurich,
    ),
    Rule(
        name="residency-buckets-zurich",
        description="Every bucket is in Zurich; a replication target in Switzerland or the EU.",
        severity="critical",
        remediation="Set the bucket's region to eu-central-2 (replicas: an allowed EU region).",
        stack_check=buckets_in_zurich,
    ),
    Rule(
        name="residency-service-regions",
        description="Cache and function regions are set explicitly and inside the EU allow-list.",
        severity="high",
        remediation="Set crms:cachePrimaryRegion and crms:computeFunctionRegions to EU regions.",
        resource_check=service_regions,
    ),
]
