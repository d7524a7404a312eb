"""The data-residency report of one stack, derived from its offline plan alone.

For every resource that stores, copies or processes customer data: where it lies
(country and legal area), what it holds, how it is encrypted and who holds the
key, how long data is kept and how it is deleted, where it is replicated, who can
read it, and the verdict of each revFADP rule of the policy pack that judges it.
"""

from dataclasses import dataclass, field
from typing import Any

from crms_infra.plan_model import JsonObject, Plan, at
from crms_infra.policy_config import PolicyConfig
from crms_infra.residency import buckets
from crms_infra.residency.classify import (
    BUCKET,
    REDIS,
    SENTRY_PROJECT,
    SUPABASE_AUTH,
    SUPABASE_PROJECT,
    VERCEL_PROJECT,
    DataType,
    Kind,
    data_type,
)
from crms_infra.residency.links import PlanIndex, Resource, as_list, drain_destination
from crms_infra.residency.locations import (
    SENTRY_REGIONS,
    LegalArea,
    Location,
    aws_location,
    place_location,
    vercel_location,
)
from crms_infra.residency.previews import Previews, previews_of
from crms_infra.residency.processors import ProcessorEntry, processor_entries, undeclared
from crms_infra.residency.readers import bucket_readers, credential_holders
from crms_infra.residency.verdicts import Subject, Verdict, verdicts


@dataclass(frozen=True)
class Entry:
    name: str
    urn: str
    kind: str
    provider: str
    locations: list[Location]
    classification: str
    encryption: str
    retention: str
    deletion: str
    replication: list[str]
    readers: list[str]
    verdicts: list[Verdict] = field(default_factory=list)

    @property
    def meets_rules(self) -> bool:
        return all(verdict.passes for verdict in self.verdicts)


@dataclass(frozen=True)
class Report:
    project: str
    stack: str
    entries: list[Entry]
    processors: list[ProcessorEntry] = field(default_factory=list)
    undeclared: list[str] = field(default_factory=list)
    """The pack's findings of keys handed to processors the stack does not declare."""
    previews: Previews | None = None
    """What the web app's previews hold, and whose."""

    @property
    def meets_rules(self) -> bool:
        stores = all(entry.meets_rules for entry in self.entries)
        processors = all(processor.meets_rules for processor in self.processors)
        previews = self.previews is None or self.previews.meets_rules
        return stores and processors and previews and not self.undeclared


def residency_report(plan: Plan, policy: PolicyConfig) -> Report:
    index = PlanIndex(plan)
    entries = []
    for resource in plan["resources"]:
        kind = data_type(resource)
        if kind is not None:
            entry = _entry(index, resource, kind)
            subject = Subject(resource["urn"], resource["name"])
            found = verdicts(kind.rules, subject, plan["policy"]["violations"], policy)
            entries.append(_with_verdicts(entry, found))
    return Report(
        plan["project"],
        plan["stack"],
        entries,
        processor_entries(plan, policy),
        undeclared(plan),
        previews_of(plan, policy),
    )


def _entry(index: PlanIndex, resource: Resource, kind: DataType) -> Entry:
    inputs = resource["inputs"]
    common: dict[str, Any] = {
        "name": resource["name"],
        "urn": resource["urn"],
        "kind": kind.kind.value,
        "provider": kind.provider,
        "classification": kind.classification,
        "encryption": kind.encryption,
        "retention": kind.retention,
        "deletion": _deletion(resource),
        "replication": [],
    }
    if resource["type"] == BUCKET:
        return Entry(
            **{**common, **buckets.describe(index, resource)},
            readers=bucket_readers(index, resource),
        )
    if resource["type"] == SUPABASE_PROJECT:
        locations = [aws_location(str(inputs.get("region")))]
        return Entry(**common, locations=locations, readers=credential_holders(index, resource))
    if resource["type"] == SUPABASE_AUTH:
        # Sent from the Resend domain's region; stored in the US whatever it is (classify.py).
        stored = Location("us", "Resend's account data", "United States", LegalArea.ELSEWHERE)
        readers = [f"Resend, sending as {inputs.get('smtp_admin_email')}", "each recipient"]
        return Entry(**common, locations=[stored], readers=readers)
    if resource["type"] == SENTRY_PROJECT:
        # Where the API says the organization stores its data (the provider's region_url).
        region = SENTRY_REGIONS.get(str(inputs.get("region_url")), "unknown")
        readers = [
            f"members of the Sentry organization {inputs.get('organization')}",
            "whoever holds its DSN may send events (the web app's SENTRY_DSN)",
        ]
        return Entry(**common, locations=[place_location("sentry", region)], readers=readers)
    if resource["type"] == REDIS:
        regions = [
            str(region)
            for region in (inputs.get("primaryRegion"), *as_list(inputs.get("readRegions")))
        ]
        return Entry(
            **{**common, "replication": [f"read replica in {r}" for r in regions[1:]]},
            locations=[aws_location(region) for region in regions],
            readers=credential_holders(index, resource),
        )
    if resource["type"] == VERCEL_PROJECT:
        return Entry(
            **common,
            locations=[vercel_location(region) for region in _function_regions(inputs)],
            readers=["members of the Vercel team that owns the project"],
        )
    if kind.kind is Kind.LOG_DRAIN:
        destination = drain_destination(index, resource)
        regions = _function_regions(destination["inputs"]) if destination else []
        name = str(destination["inputs"].get("name", destination["name"])) if destination else "?"
        return Entry(
            **common,
            locations=[vercel_location(region) for region in regions],
            readers=[f"Vercel project {name}, at {inputs.get('endpoint')}"],
        )
    raise AssertionError(f"no report for {resource['type']}")  # DATA_TYPES and this agree


def _function_regions(inputs: JsonObject) -> list[str]:
    regions = as_list(at(inputs, "resourceConfig", "functionDefaultRegions"))
    legacy = inputs.get("serverlessFunctionRegion")
    if legacy and legacy not in regions:
        regions.append(legacy)
    # Unset, functions run in Washington, D.C. (iad1), Vercel's default
    # (https://vercel.com/docs/functions/configuring-functions/region).
    return [str(region) for region in regions] or ["iad1"]


def _deletion(resource: Resource) -> str:
    if resource["protect"]:
        return "protected: Pulumi refuses to delete it"
    return "deleted with the stack (not protected)"


def _with_verdicts(entry: Entry, found: list[Verdict]) -> Entry:
    return Entry(**{**entry.__dict__, "verdicts": found})
