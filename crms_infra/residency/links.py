"""How resources of a plan refer to each other: IDs, ARNs and recorded dependencies.

A plan holds each resource's inputs, so a bucket's encryption configuration names
the bucket by its ID and the key by its ARN, and an environment variable records
the resources whose outputs make up its value as dependencies. These helpers turn
those references back into resources.
"""

import json
from collections.abc import Iterator

from pydantic import JsonValue

from crms_infra.plan_model import JsonObject, Plan, PlanResource, obj

Resource = PlanResource
DEPLOYMENT = "vercel:index/deployment:Deployment"
VERCEL_PROJECT = "vercel:index/project:Project"


class PlanIndex:
    def __init__(self, plan: Plan) -> None:
        self.resources: list[Resource] = plan["resources"]
        self.by_urn = {resource["urn"]: resource for resource in self.resources}
        self._by_reference: dict[str, list[Resource]] = {}
        for resource in self.resources:
            if resource["custom"]:
                for reference in _references(resource):
                    self._by_reference.setdefault(reference, []).append(resource)

    def of_type(self, type_: str) -> Iterator[Resource]:
        return (resource for resource in self.resources if resource["type"] == type_)

    def resolve(self, reference: JsonValue | None, type_: str | None = None) -> Resource | None:
        """The resource (of a type, if given) that an ID or ARN names, if it is in the plan."""
        if not isinstance(reference, str) or not reference:
            return None
        candidates = self._by_reference.get(reference, [])
        if not candidates and reference.startswith("arn:"):
            # An S3 object ARN (`arn:aws:s3:::bucket/*`) names its bucket; other ARNs end
            # in the resource's ID or, as the offline engine builds them, its name.
            stem = reference.removesuffix("/*")
            candidates = self._by_reference.get(stem) or self._by_reference.get(
                stem.rsplit(":", 1)[-1].rsplit("/", 1)[-1], []
            )
        return next((item for item in candidates if type_ in (None, item["type"])), None)

    def configurations_of(self, bucket: Resource, type_: str) -> Iterator[Resource]:
        """The bucket's configuration resources of one type (they name it by its ID)."""
        return (
            item for item in self.of_type(type_) if item["inputs"].get("bucket") == bucket["id"]
        )

    def dependents(self, resource: Resource, type_: str) -> Iterator[Resource]:
        """Resources of a type whose inputs are built from this resource's outputs."""
        return (item for item in self.of_type(type_) if resource["urn"] in item["dependencies"])


def drain_destination(index: PlanIndex, drain: Resource) -> Resource | None:
    """The Vercel project whose deployment a drain delivers to (its recorded dependency)."""
    for urn in drain["dependencies"]:
        deployment = index.by_urn.get(urn)
        if deployment is not None and deployment["type"] == DEPLOYMENT:
            return index.resolve(deployment["inputs"].get("projectId"), VERCEL_PROJECT)
    return None


def _references(resource: Resource) -> Iterator[str]:
    if resource["id"]:
        yield resource["id"]
        if resource["type"] == "aws:s3/bucket:Bucket":
            yield f"arn:aws:s3:::{resource['id']}"
    yield resource["name"]


def policy_statements(document: JsonValue | None) -> list[JsonObject]:
    """An IAM policy's statements, from JSON text or an object; [] when unreadable."""
    try:
        parsed: JsonValue = json.loads(document) if isinstance(document, str) else document
    except ValueError:
        return []
    statements = obj(parsed).get("Statement", [])
    if isinstance(statements, dict):
        return [statements]
    return [obj(statement) for statement in as_list(statements)]


def as_list(value: JsonValue | None) -> list[JsonValue]:
    """A value that may be one item or a list of them, as a list."""
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]
