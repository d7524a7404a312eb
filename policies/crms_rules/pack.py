"""Turn the pure rules into the policy SDK's policies (exemptions applied on the way)."""

import datetime as dt
from collections.abc import Mapping
from typing import Any

from pulumi_policy import (
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)

from crms_rules.core import Resource, ResourceRule, Rule, Violation, apply_exemptions

EXEMPTIONS_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["urn", "reason", "expires"],
        "properties": {
            "urn": {"type": "string", "minLength": 1},
            "reason": {"type": "string", "minLength": 10},
            "expires": {"type": "string", "format": "date"},
        },
    },
}


# A named allowance with its reason (residency-buckets-zurich's allowedOutsideZurich).
ALLOWANCE_SCHEMA = {
    "type": "object",
    "required": ["bucket", "reason"],
    "properties": {
        "bucket": {"type": "string", "minLength": 1},
        "reason": {"type": "string", "minLength": 10},
    },
}


def _config(rule: Rule, given: Mapping[str, Any] | None) -> dict[str, Any]:
    return {**rule.defaults, **(given or {})}


def _report(
    violations: list[Violation], config: Mapping[str, Any], report: ReportViolation
) -> None:
    for violation in apply_exemptions(violations, config, dt.datetime.now(dt.UTC).date()):
        report(violation.message, violation.urn)


def _schema(rule: Rule) -> PolicyConfigSchema:
    properties: dict[str, Any] = {"exemptions": EXEMPTIONS_SCHEMA}
    for key, value in rule.defaults.items():
        if isinstance(value, list):
            properties[key] = {"type": "array", "items": ALLOWANCE_SCHEMA, "default": value}
            continue
        properties[key] = {
            "type": "integer" if isinstance(value, int) else "string",
            "default": value,
        }
    return PolicyConfigSchema(properties=properties)


def to_policy(rule: Rule) -> ResourceValidationPolicy | StackValidationPolicy:
    common: dict[str, Any] = {
        "name": rule.name,
        "description": rule.description,
        "severity": Severity(rule.severity),
        "remediation_steps": rule.remediation,
        "config_schema": _schema(rule),
    }
    if isinstance(rule, ResourceRule):
        check = rule.check

        def validate_resource(args: ResourceValidationArgs, report: ReportViolation) -> None:
            config = _config(rule, args.get_config())
            resource = Resource(
                args.resource_type, args.name, args.urn, args.props, args.opts.protect
            )
            _report([Violation(m, args.urn) for m in check(resource, config)], config, report)

        return ResourceValidationPolicy(validate=validate_resource, **common)

    stack_check = rule.check

    def validate_stack(args: StackValidationArgs, report: ReportViolation) -> None:
        config = _config(rule, args.get_config())
        resources = [
            Resource(
                r.resource_type,
                r.name,
                r.urn,
                r.props,
                r.opts.protect,
                r.parent.urn if r.parent else None,
                tuple(dependency.urn for dependency in r.dependencies),
                {
                    key: tuple(source.urn for source in sources)
                    for key, sources in r.property_dependencies.items()
                },
            )
            for r in args.resources
        ]
        _report(list(stack_check(resources, config)), config, report)

    return StackValidationPolicy(validate=validate_stack, **common)
