"""The rules of crms_rules/previews.py: each way each fails on prod, exemptions, and the
stack files that hand previews production's secrets, planned as a user plans them."""

import json
from dataclasses import replace
from pathlib import Path

from crms_rules import previews
from crms_rules.core import Resource

from tests.helpers import copy_project, plan_copy
from tests.policies.views import (
    PROJECT,
    SUPABASE,
    VARIABLE,
    Failure,
    Mutation,
    changed,
    named,
    rule_case_tests,
    stack_view,
    violations,
)

STACK = "pulumi:pulumi:Stack"
RULE = "previews-without-production-secrets"


def _variable(name: str, **props: object) -> Mutation:
    return lambda view: changed(view, name, VARIABLE, **props)


def _copied_from_production(preview: str, production: str) -> Mutation:
    """The preview's variable given the value its production one holds."""

    def mutate(view: tuple[Resource, ...]) -> list[Resource]:
        value = named(view, production, VARIABLE).props["value"]
        return changed(view, preview, VARIABLE, value=value)

    return mutate


def _made_from_the_database(name: str) -> Mutation:
    """The variable's value made from this stack's Supabase project."""

    def mutate(view: tuple[Resource, ...]) -> list[Resource]:
        database = named(view, "database-project", SUPABASE).urn
        target = named(view, name, VARIABLE)
        sources = {**target.property_dependencies, "value": (database,)}
        return [replace(r, property_dependencies=sources) if r is target else r for r in view]

    return mutate


def _previews_output(**described: object) -> Mutation:
    def mutate(view: tuple[Resource, ...]) -> list[Resource]:
        (stack,) = [r for r in view if r.type == STACK]
        given = None if not described else {**stack.props[previews.PREVIEWS_OUTPUT], **described}
        return changed(view, stack.name, STACK, previews=given)

    return mutate


def _project(name: str, **props: object) -> Mutation:
    return lambda view: changed(view, name, PROJECT, **props)


FAILURES: list[Failure] = [
    (
        RULE,
        _variable("compute-web-stripe-secret-key", targets=["production", "preview"]),
        "STRIPE_SECRET_KEY reaches preview with production's own value",
    ),
    (
        RULE,
        _variable("compute-ops-database-url", targets=["production", "preview"]),
        "DATABASE_URL reaches preview with production's own value",
    ),
    (
        RULE,
        _made_from_the_database("compute-web-preview-supabase-service-key"),
        "SUPABASE_SERVICE_KEY reaches preview with a value made from this production stack's "
        "database-project",
    ),
    (
        RULE,
        _copied_from_production(
            "compute-web-preview-stripe-secret-key", "compute-web-stripe-secret-key"
        ),
        "STRIPE_SECRET_KEY reaches preview with the value STRIPE_SECRET_KEY has in production",
    ),
    (
        RULE,
        _copied_from_production(
            "compute-web-preview-development-next-public-supabase-url",
            "compute-web-next-public-supabase-url",
        ),
        "NEXT_PUBLIC_SUPABASE_URL reaches preview and development with the value "
        "NEXT_PUBLIC_SUPABASE_URL has in production",
    ),
    (
        RULE,
        _variable("compute-web-preview-next-public-app-env", value="production"),
        "NEXT_PUBLIC_APP_ENV reaches preview telling the app it runs in production",
    ),
    (
        RULE,
        _previews_output(environment="production", dataPlane="organization/crms/prod"),
        "previews use the data plane of organization/crms/prod, whose environment is production",
    ),
    (RULE, _previews_output(), "the stack does not say whose data plane its previews use"),
    (
        "previews-protected",
        _project("compute-web", vercelAuthentication={"deploymentType": "none"}),
        "the project crms-production leaves its previews open to anyone with their URL "
        "(vercelAuthentication none)",
    ),
    (
        "previews-protected",
        _project("compute-web", vercelAuthentication=None),
        "(vercelAuthentication unset: the team's default decides)",
    ),
    (
        "previews-protected",
        _project(
            "compute-ops",
            vercelAuthentication={"deploymentType": "none"},
            trustedIps={"deploymentType": "only_production_deployments"},
        ),
        "the project crms-ops-production leaves its previews open",
    ),
    (
        "previews-protected",
        _project("compute-web", gitForkProtection=None),
        "the project crms-production does not set Git fork protection",
    ),
]


(
    test_each_way_a_rule_fails,
    test_every_rule_has_a_failure_case,
    test_an_exemption_waives_a_resource_until_it_expires,
) = rule_case_tests(previews.RULES, FAILURES)


def test_a_violation_names_the_variable_the_target_and_what_to_do() -> None:
    (message,) = violations(
        RULE, _variable("compute-web-resend-api-key", targets=["production", "preview"])(
            stack_view("prod")
        ),
    )  # fmt: skip
    assert message.startswith("RESEND_API_KEY reaches preview ")
    assert "set crms:previewsDataPlaneStack" in message


def test_another_protection_method_covers_previews() -> None:
    view = _project(
        "compute-web",
        vercelAuthentication={"deploymentType": "none"},
        passwordProtection={"deploymentType": "only_preview_deployments"},
    )(stack_view("prod"))
    assert violations("previews-protected", view) == []


def test_outside_production_previews_may_share_the_stacks_own_data_plane() -> None:
    """Staging's previews use staging's database: what they hold is staging's, not
    production's. Its production target and its previews' values are the same here."""
    view = stack_view("staging")
    shared = named(view, "compute-web-preview-stripe-secret-key", VARIABLE)
    assert (
        shared.props["value"]
        == named(view, "compute-web-stripe-secret-key", VARIABLE).props["value"]
    )
    assert violations(RULE, view) == []
    production_plane = _previews_output(environment="production")(view)
    assert violations(RULE, production_plane)


def test_prod_without_a_preview_stack_fails_the_plan(tmp_path: Path) -> None:
    """A stack file that hands previews production's secrets: prod's without
    crms:previewsDataPlaneStack, so its previews use prod's own data plane."""
    project = copy_project(tmp_path)
    stack_file = project / "Pulumi.prod.yaml"
    text = stack_file.read_text()
    assert "  crms:previewsDataPlaneStack: staging\n" in text
    stack_file.write_text(text.replace("  crms:previewsDataPlaneStack: staging\n", ""))
    result = plan_copy(project)
    assert result.returncode == 1, result.stderr
    found = [v for v in json.loads(result.stdout)["policy"]["violations"] if v["policy"] == RULE]
    assert {v["level"] for v in found} == {"mandatory"}
    by_name = {v["urn"].rsplit("::", 1)[-1]: v["message"] for v in found}
    assert (
        "STRIPE_SECRET_KEY reaches preview with the value STRIPE_SECRET_KEY has in production"
        in (by_name["compute-web-preview-stripe-secret-key"])
    )
    assert (
        "made from this production stack's database-project"
        in (by_name["compute-web-preview-supabase-service-key"])
    )
    assert "cache-redis" in by_name["compute-web-preview-upstash-redis-token"]
    assert "previews use the data plane of this stack" in by_name["crms-prod"]
