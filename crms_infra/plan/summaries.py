"""What a reviewer looks for in each kind of resource, in one line of the plan.

One small function per resource type, in SUMMARIES: a kind added to the program later is
one more entry. A type without one shows only its first settings.
"""

import re
from collections.abc import Callable

from pydantic import JsonValue

from crms_infra.plan_model import JsonObject, obj
from crms_infra.residency import buckets
from crms_infra.residency.links import PlanIndex, Resource, as_list

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
VERCEL_PROJECT = "vercel:index/project:Project"
VARIABLE = "vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable"
MIGRATIONS = "pulumi-python:dynamic/crms:SchemaMigrations"
SUPABASE = "pulumi-python:dynamic/supabase:"
"""The Supabase resources' types (components/supabase/: the project and its surfaces)."""

Summary = Callable[[Resource, PlanIndex], str]

# CloudWatch's comparison operators (PutMetricAlarm, ComparisonOperator).
_COMPARISONS = {
    "GreaterThanThreshold": ">",
    "GreaterThanOrEqualToThreshold": ">=",
    "LessThanThreshold": "<",
    "LessThanOrEqualToThreshold": "<=",
}


def alarm(resource: Resource, index: PlanIndex) -> str:
    inputs = resource["inputs"]
    metric, statistic, period = _watched(inputs)
    operator = inputs.get("comparisonOperator")
    evaluations = inputs.get("evaluationPeriods")
    breaching = inputs.get("datapointsToAlarm", evaluations)
    out_of = "" if breaching == evaluations else f", {breaching} of them breaching"
    topics = {str(arn) for arn in as_list(inputs.get("alarmActions"))}
    recipients = sorted(
        str(item["inputs"].get("endpoint"))
        for item in index.of_type(SUBSCRIPTION)
        if str(item["inputs"].get("topic")) in topics
    )
    return (
        f"alarm: {metric} ({statistic}) {_COMPARISONS.get(str(operator), operator)} "
        f"{inputs.get('threshold')} in {evaluations} period(s) of {period} s{out_of}; "
        f"missing data {inputs.get('treatMissingData', 'missing')}; "
        f"notifies {', '.join(recipients) or 'no one'}"
    )


def _watched(inputs: JsonObject) -> tuple[str, str, int | list[int] | JsonValue]:
    """(metric or expression, statistic, period) of a plain or a metric-math alarm."""
    queries = [obj(query) for query in as_list(inputs.get("metricQueries"))]
    if not queries:
        statistic = inputs.get("statistic") or inputs.get("extendedStatistic")
        return str(inputs.get("metricName")), str(statistic), inputs.get("period")
    metrics = {
        str(q.get("id")): obj(q["metric"]) for q in queries if isinstance(q.get("metric"), dict)
    }
    (shown,) = [q for q in queries if q.get("returnData")] or queries[:1]
    named = metrics.get(str(shown.get("id")), {}).get("metricName")
    expression = str(shown.get("expression") or named)
    for query_id, metric in metrics.items():
        name = str(metric.get("metricName"))
        expression = re.sub(rf"\b{re.escape(query_id)}\b", name, expression)
    statistics = sorted({str(metric.get("stat")) for metric in metrics.values()})
    periods = sorted({p for m in metrics.values() if isinstance(p := m.get("period"), int)})
    return expression, ", ".join(statistics), periods[0] if len(periods) == 1 else periods


def functions(resource: Resource, _: PlanIndex) -> str:
    """What a Vercel project's functions really get: mode, CPU, memory, maxDuration, regions."""
    config = resource["inputs"].get("resourceConfig")
    if not isinstance(config, dict):
        return "functions: Vercel's defaults"
    # Imported late, as in stacks.bundle.stack_function_limits: `components` is the
    # planned project's own package.
    from components.function_limits import for_resource_config

    limits = for_resource_config(config)
    regions = ", ".join(str(region) for region in as_list(config.get("functionDefaultRegions")))
    described = limits.describe() if limits else "limits unknown"
    return f"functions: {described}, regions {regions or 'Vercel default'}"


def bucket(resource: Resource, index: PlanIndex) -> str:
    targets = [
        f"{target['name']} in {target['inputs'].get('region')}"
        for target in buckets.replicas(index, resource)
    ]
    replicated = f"replicated to {', '.join(targets)}" if targets else "not replicated"
    parts = [buckets.encryption(index, resource), buckets.versioning(index, resource)]
    return "bucket: " + "; ".join([*parts, buckets.lock(index, resource), replicated])


def variable(resource: Resource, _: PlanIndex) -> str:
    inputs = resource["inputs"]
    kind = "sensitive" if inputs.get("sensitive") else "plain"
    targets = ", ".join(str(target) for target in as_list(inputs.get("targets")))
    return f"{inputs.get('key')}={inputs.get('value')} ({kind}; {targets})"


def migrations(resource: Resource, _: PlanIndex) -> str:
    names = sorted(obj(resource["inputs"].get("migrations")))
    checksum = str(resource["inputs"].get("checksum", ""))[:12]
    return f"migrations: {', '.join(names) or 'none'} (checksum {checksum}…)"


def supabase_project(resource: Resource, _: PlanIndex) -> str:
    inputs = resource["inputs"]
    return (
        f"database: {inputs.get('name')} in {inputs.get('region')}, "
        f"compute {inputs.get('instance_size')}"
    )


def auth(resource: Resource, _: PlanIndex) -> str:
    """Where sign-in e-mails link and leave from, and the production checklist's values."""
    inputs = resource["inputs"]
    mfa = "on" if inputs.get("mfa_totp_enroll_enabled") else "off"
    confirm = "off" if inputs.get("mailer_autoconfirm") else "on"
    return (
        f"auth: site {inputs.get('site_url')}; e-mail via {inputs.get('smtp_host')}:"
        f"{inputs.get('smtp_port')} from {inputs.get('smtp_admin_email')}, confirmations "
        f"{confirm}, OTP expiry {inputs.get('mailer_otp_exp')} s; passwords of "
        f"{inputs.get('password_min_length')}+, leaked check "
        f"{'on' if inputs.get('password_hibp_enabled') else 'off'}; TOTP MFA {mfa}; "
        f"JWT expiry {inputs.get('jwt_exp')} s"
    )


def ssl(resource: Resource, _: PlanIndex) -> str:
    return f"SSL enforced: {'yes' if resource['inputs'].get('database') else 'no'}"


def network(resource: Resource, _: PlanIndex) -> str:
    cidrs = ", ".join(str(cidr) for cidr in as_list(resource["inputs"].get("allowed_cidrs")))
    return f"database reachable from: {cidrs or 'nowhere'}"


def pitr(resource: Resource, _: PlanIndex) -> str:
    return f"point-in-time recovery: {resource['inputs'].get('variant')}"


def data_api(resource: Resource, _: PlanIndex) -> str:
    inputs = resource["inputs"]
    return f"Data API: schemas {inputs.get('db_schema')}, at most {inputs.get('max_rows')} rows"


def postgres(resource: Resource, _: PlanIndex) -> str:
    return f"Postgres: statement_timeout {resource['inputs'].get('statement_timeout')}"


SUMMARIES: dict[str, Summary] = {
    SUPABASE + "Project": supabase_project,
    SUPABASE + "AuthConfig": auth,
    SUPABASE + "SslEnforcement": ssl,
    SUPABASE + "NetworkRestrictions": network,
    SUPABASE + "PitrAddon": pitr,
    SUPABASE + "PostgrestConfig": data_api,
    SUPABASE + "PostgresConfig": postgres,
    ALARM: alarm,
    VERCEL_PROJECT: functions,
    buckets.BUCKET: bucket,
    VARIABLE: variable,
    MIGRATIONS: migrations,
}


def summary(resource: Resource, index: PlanIndex) -> str:
    """The resource's summary, or "" for a type without one."""
    summarise = SUMMARIES.get(resource["type"])
    return summarise(resource, index) if summarise else ""
