"""Previews never touch production: what a preview or a developer's machine gets from a
Vercel project is not production's, and no project leaves its previews open.

Every pull request of the web app gets a preview deployment, built from a branch anyone with
push access controls (and, without Git fork protection, anyone who opens a pull request). In a
stack whose environment is production (its stack output `environment`; one that does not say
counts as production), no Vercel variable that reaches `preview` or `development`:
- also reaches production with a secret or a value made from the stack's resources;
- takes its value from a resource of the stack (its database, cache, a generated secret):
  previews get theirs from another stack, through a reference, which the engine keeps out of
  the pack's view (reads are not among the stack's resources);
- holds the value of a variable that reaches production, when that one is sensitive or made
  from the stack's resources: the pack sees values in clear, so a production secret copied
  into a preview's variable shows;
- tells the app it runs in production.
And in any stack, previews may not use a production stack's data plane (stack output
`previews`, which the program fills from the referenced stack's own `environment`).
"""

from collections.abc import Iterator, Mapping, Sequence
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

VARIABLE = "vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable"
PROJECT = "vercel:index/project:Project"
STACK = "pulumi:pulumi:Stack"
PRODUCTION = "production"
NOT_PRODUCTION = ("preview", "development")
ENVIRONMENT_VARIABLES = ("NEXT_PUBLIC_APP_ENV", "SENTRY_ENVIRONMENT")
"""The web app's variables that name its environment (stacks/data_plane.py; a copy, tied by
tests/policies/test_copies.py)."""
PREVIEWS_OUTPUT = "previews"
PROTECTION_METHODS = ("vercelAuthentication", "passwordProtection", "trustedIps")
COVERS_PREVIEWS = frozenset(
    {
        "standard_protection_new",
        "standard_protection",
        "all_deployments",
        "only_preview_deployments",
    }
)
"""The deployment types that protect previews (pulumiverse_vercel/project.py: every one but
`only_production_deployments` and `none`)."""
FIX = (
    "take the previews' values from a stack that is not production: set "
    "crms:previewsDataPlaneStack (prod's previews use staging)"
)


def _stack(resources: Sequence[Resource]) -> Resource | None:
    return next(of_type(resources, STACK), None)


def _is_production(stack: Resource | None) -> bool:
    return stack is None or str(stack.props.get("environment") or PRODUCTION) == PRODUCTION


def _value_sources(variable: Resource, by_urn: Mapping[str, Resource]) -> list[str]:
    """The names of the stack's resources the variable's value is made from."""
    return sorted(
        by_urn[urn].name
        for urn in variable.property_dependencies.get("value", ())
        if urn in by_urn and by_urn[urn].type != PROJECT
    )


def _production_values(variables: list[Resource], by_urn: Mapping[str, Resource]) -> dict[str, str]:
    """Value -> key of each variable reaching production that holds a secret or a value made
    from the stack's resources."""
    found = {}
    for variable in variables:
        value = variable.props.get("value")
        if PRODUCTION not in as_list(variable.props.get("targets")):
            continue
        kept = variable.props.get("sensitive") or _value_sources(variable, by_urn)
        if kept and isinstance(value, str) and value:
            found[value] = str(variable.props.get("key"))
    return found


def _why(variable: Resource, by_urn: Mapping[str, Resource], production: Mapping[str, str]) -> str:
    key, value = str(variable.props.get("key")), variable.props.get("value")
    sources = _value_sources(variable, by_urn)
    also_production = PRODUCTION in as_list(variable.props.get("targets"))
    if also_production and (variable.props.get("sensitive") or sources):
        return "with production's own value (the variable also reaches production)"
    if sources:
        return f"with a value made from this production stack's {', '.join(sources)}"
    if isinstance(value, str) and value in production:
        return f"with the value {production[value]} has in production"
    if key in ENVIRONMENT_VARIABLES and value == PRODUCTION:
        return "telling the app it runs in production (name the target: preview, development)"
    return ""


def previews_without_production(
    resources: Sequence[Resource], _: Mapping[str, Any]
) -> Iterator[Violation]:
    stack = _stack(resources)
    if stack is not None:
        yield from _previews_data_plane(stack)
    if not _is_production(stack):
        return
    by_urn = {resource.urn: resource for resource in resources}
    variables = list(of_type(resources, VARIABLE))
    production = _production_values(variables, by_urn)
    for variable in variables:
        targets = [t for t in as_list(variable.props.get("targets")) if t in NOT_PRODUCTION]
        why = _why(variable, by_urn, production) if targets else ""
        if why:
            yield Violation(
                f"{variable.props.get('key')} reaches {' and '.join(targets)} {why}; {FIX}",
                variable.urn,
            )


def _previews_data_plane(stack: Resource) -> Iterator[Violation]:
    described = stack.props.get(PREVIEWS_OUTPUT)
    if not isinstance(described, Mapping):
        yield Violation(
            f"the stack does not say whose data plane its previews use (stack output "
            f"{PREVIEWS_OUTPUT}); {FIX}",
            stack.urn,
        )
    elif described.get("environment") == PRODUCTION:
        yield Violation(
            f"the web app's previews use the data plane of {described.get('dataPlane')}, "
            "whose environment is production: its database, Stripe key and secrets reach "
            f"every pull request; {FIX}",
            stack.urn,
        )


def previews_protected(resource: Resource, _: Mapping[str, Any]) -> Iterator[str]:
    if resource.type != PROJECT:
        return
    name = resource.props.get("name")
    types = {
        method: (resource.props.get(method) or {}).get("deploymentType")
        for method in PROTECTION_METHODS
    }
    if not COVERS_PREVIEWS & set(types.values()):
        shown = types["vercelAuthentication"] or "unset: the team's default decides"
        yield (
            f"the project {name} leaves its previews open to anyone with their URL "
            f"(vercelAuthentication {shown}): set crms:previewsProtection to "
            "standard_protection_new"
        )
    if resource.props.get("gitForkProtection") is not True:
        yield (
            f"the project {name} does not set Git fork protection: a fork's pull request "
            "would deploy with the project's variables; set gitForkProtection true"
        )


RULES: list[Rule] = [
    StackRule(
        name="previews-without-production-secrets",
        description=(
            "No Vercel variable that reaches preview or development holds a production "
            "secret, points at production's data or names production; previews never use "
            "a production stack's data plane."
        ),
        severity=Severity.CRITICAL,
        remediation=(
            "Set crms:previewsDataPlaneStack to a stack that is not production (prod: "
            "staging), so that previews get their own variables from it; production's values "
            "reach the production target only (stacks/data_plane.py)."
        ),
        check=previews_without_production,
    ),
    ResourceRule(
        name="previews-protected",
        description=(
            "Every Vercel project protects its previews (Vercel Authentication, Password "
            "Protection or Trusted IPs) and sets Git fork protection, never leaving either "
            "to the team's defaults."
        ),
        severity=Severity.HIGH,
        remediation=(
            "Set crms:previewsProtection to standard_protection_new (or all_deployments); "
            "the projects set git_fork_protection (components/deployment_protection.py)."
        ),
        check=previews_protected,
    ),
]
