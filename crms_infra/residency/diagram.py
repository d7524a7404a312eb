"""Mermaid flowcharts: a stack's data and its flows grouped by country, and a plan diff.

GitHub renders a ```mermaid block in comments and Markdown files. The tests parse
every diagram with Mermaid's own parser (the npm package), not by string matching.
"""

import re
from collections.abc import Iterable

from crms_infra.plan_model import JsonObject
from crms_infra.residency.classify import BUCKET, REDIS, SUPABASE_PROJECT, VERCEL_PROJECT
from crms_infra.residency.links import (
    PlanIndex,
    Resource,
    as_list,
    drain_destination,
    policy_statements,
)
from crms_infra.residency.locations import Location, aws_location
from crms_infra.residency.readers import ENV_VARIABLE, ROLE, ROLE_POLICY
from crms_infra.residency.report import Report

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
CREDENTIAL_STORES = (SUPABASE_PROJECT, REDIS)
_SHAPES = {"functions": '["{}"]', "log drain": '[/"{}"/]'}  # stores: cylinders


def stack_diagram(report: Report, index: PlanIndex) -> str:
    placed: dict[str, tuple[Location, str]] = {}  # node id -> where, node text
    for entry in report.entries:
        shape = _SHAPES.get(entry.kind, '[("{}")]')
        regions = ", ".join(where.region for where in entry.locations)
        text = f"{entry.name}<br/>{entry.provider} {regions}"
        placed[node_id(entry.name)] = (entry.locations[0], shape.format(label(text)))
    for alarm in index.of_type(ALARM):
        where = aws_location(str(alarm["inputs"].get("region")))
        placed[node_id(alarm["name"])] = (where, f'{{{{"{label(alarm["name"])}"}}}}')
    for processor in report.processors:
        text = f"{processor.name}<br/>processor"
        placed[_processor(processor.name)] = (processor.locations[0], f'[["{label(text)}"]]')
    lines = ["flowchart LR"]
    lines += _grouped(placed)
    recipients = sorted(
        {str(item["inputs"].get("endpoint")) for item in index.of_type(SUBSCRIPTION)}
    )
    if recipients:
        lines.append("  subgraph n_recipients [Alert recipients]")
        lines += [f'    {_recipient(address)}(["{label(address)}"])' for address in recipients]
        lines.append("  end")
    edges = _flows(report, index)
    lines += [f'  {source} -->|"{label(text)}"| {target}' for source, target, text in edges]
    return "\n".join(lines)


def node_id(name: str) -> str:
    return "n_" + re.sub(r"\W", "_", name)


def label(text: str) -> str:
    """Text safe inside a quoted Mermaid label."""
    return text.replace('"', "#quot;")


def _recipient(address: str) -> str:
    return node_id("recipient " + address)


def _processor(name: str) -> str:
    return node_id("processor " + name)


def _grouped(placed: dict[str, tuple[Location, str]]) -> list[str]:
    lines = []
    areas = sorted({where.area for where, _ in placed.values()}, key=lambda area: area.value)
    for area in areas:
        lines.append(f'  subgraph {node_id("area " + area.value)} ["{label(area.value)}"]')
        countries = sorted({where.country for where, _ in placed.values() if where.area == area})
        for country in countries:
            lines.append(f'    subgraph {node_id("country " + country)} ["{label(country)}"]')
            for node, (where, shape) in sorted(placed.items()):
                if where.area == area and where.country == country:
                    lines.append(f"      {node}{shape}")
            lines.append("    end")
        lines.append("  end")
    return lines


def _flows(report: Report, index: PlanIndex) -> Iterable[tuple[str, str, str]]:
    projects = {
        str(project["inputs"].get("name")): project["name"]
        for project in index.of_type(VERCEL_PROJECT)
    }
    for entry in report.entries:
        store = index.by_urn[entry.urn]
        keys: dict[str, list[str]] = {}
        # Credentials open the database and the cache; buckets are reached through roles.
        if store["type"] in CREDENTIAL_STORES:
            for variable in index.dependents(store, ENV_VARIABLE):
                project = index.resolve(variable["inputs"].get("projectId"), VERCEL_PROJECT)
                if project is not None:
                    keys.setdefault(project["name"], []).append(str(variable["inputs"].get("key")))
        for project_name, variables in sorted(keys.items()):
            yield node_id(project_name), node_id(entry.name), ", ".join(sorted(set(variables)))
        for target in entry.replication:
            yield node_id(entry.name), node_id(target.split(" in ")[0]), "replication"
    yield from _processor_flows(report, index)
    yield from _role_flows(index, projects)
    yield from _log_flows(index)
    yield from _drain_flows(report, index)
    yield from _alarm_flows(index)


def _processor_flows(report: Report, index: PlanIndex) -> Iterable[tuple[str, str, str]]:
    """A Vercel project holding a processor's key or address sends it data."""
    for processor in report.processors:
        keys: dict[str, list[str]] = {}
        for variable in index.of_type(ENV_VARIABLE):
            key = str(variable["inputs"].get("key"))
            project = index.resolve(variable["inputs"].get("projectId"), VERCEL_PROJECT)
            if key in processor.variables and project is not None:
                keys.setdefault(project["name"], []).append(key)
        # A key's production and preview values are one flow: each target its own variable.
        for project_name, variables in sorted(keys.items()):
            label = ", ".join(sorted(set(variables)))
            yield node_id(project_name), _processor(processor.name), label


def _role_flows(index: PlanIndex, projects: dict[str, str]) -> Iterable[tuple[str, str, str]]:
    """A Vercel project reaches a bucket through the OIDC role its `sub` names."""
    for role_policy in index.of_type(ROLE_POLICY):
        role = index.resolve(role_policy["inputs"].get("role"), ROLE)
        if role is None:
            continue
        subjects = re.findall(r"project:([\w.-]+):environment", str(role["inputs"]))
        buckets = {
            target["name"]
            for statement in _statements(role_policy)
            for arn in as_list(statement.get("Resource"))
            if (target := index.resolve(arn, BUCKET)) is not None
        }
        for subject in subjects:
            if subject in projects:
                for bucket in sorted(buckets):
                    yield node_id(projects[subject]), node_id(bucket), "OIDC role"


def _statements(role_policy: Resource) -> list[JsonObject]:
    return policy_statements(role_policy["inputs"].get("policy"))


def _log_flows(index: PlanIndex) -> Iterable[tuple[str, str, str]]:
    for logging in index.of_type("aws:s3/bucketLogging:BucketLogging"):
        source = index.resolve(logging["inputs"].get("bucket"), BUCKET)
        target = index.resolve(logging["inputs"].get("targetBucket"), BUCKET)
        if source is not None and target is not None:
            yield node_id(source["name"]), node_id(target["name"]), "access logs"


def _drain_flows(report: Report, index: PlanIndex) -> Iterable[tuple[str, str, str]]:
    """The web project's requests or spans into each drain, and the drain to the ops app."""
    for entry in report.entries:
        if entry.kind != "log drain":
            continue
        drain = index.by_urn[entry.urn]
        for project_id in as_list(drain["inputs"].get("projectIds")):
            source = index.resolve(project_id, VERCEL_PROJECT)
            if source is not None:
                yield node_id(source["name"]), node_id(entry.name), "every request"
        target = drain_destination(index, drain)
        if target is not None:
            yield node_id(entry.name), node_id(target["name"]), "signed HTTPS"


def _alarm_flows(index: PlanIndex) -> Iterable[tuple[str, str, str]]:
    endpoints: dict[str, list[str]] = {}
    for subscription in index.of_type(SUBSCRIPTION):
        topic = str(subscription["inputs"].get("topic"))
        endpoints.setdefault(topic, []).append(str(subscription["inputs"].get("endpoint")))
    for alarm in index.of_type(ALARM):
        for action in as_list(alarm["inputs"].get("alarmActions")):
            for endpoint in endpoints.get(str(action), []):
                yield node_id(alarm["name"]), _recipient(endpoint), "SNS e-mail"
