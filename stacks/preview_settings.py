"""What the web app's previews get, per stack: whose data plane, and who may open them.

Every pull request of the web app gets a preview deployment built from a branch that anyone
with push access controls. Its variables are its own (stacks/data_plane.py), from the data
plane of the stack named here; the policy pack refuses a production data plane in a preview
(policies/crms_rules/previews.py). Which protection the Vercel plan allows is checked here
(components/deployment_protection.py cites what each plan offers).
"""

import ipaddress
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, Field

from stacks.settings_base import Settings


class VercelAuthentication(StrEnum):
    """The Vercel provider's `vercel_authentication.deployment_type` values, each with the
    API's name for it (toApiDeploymentProtectionType in terraform-provider-vercel
    vercel/resource_project.go; components/deployment_protection.py sets it)."""

    STANDARD = "standard_protection_new"
    """`all_except_custom_domains`: every preview and deployment URL, and the project's
    `.vercel.app` domains; production's custom domains stay public."""
    LEGACY_STANDARD = "standard_protection"
    """`prod_deployment_urls_and_all_previews`: previews and production's deployment URLs;
    production's domains, `<project>.vercel.app` among them, stay public."""
    ALL_DEPLOYMENTS = "all_deployments"
    """`all`: every deployment, production's custom domains too."""
    ONLY_PREVIEWS = "only_preview_deployments"
    """`preview`: previews only; production's deployment URLs stay public."""
    NONE = "none"
    """Nothing: anyone with a preview's URL opens it."""


OPS_PROTECTION = VercelAuthentication.LEGACY_STANDARD
"""The ops app has no previews, and its production domain must stay reachable without a
login: Vercel's drains deliver there (components/drain.py, `production_host`), and the app
checks each delivery's signature itself. Its deployment URLs need a login."""


class VercelPlan(StrEnum):
    """The Vercel team's plan. Not Hobby: it has no configurable drains and runs crons
    daily at most (https://vercel.com/docs/cron-jobs/usage-and-pricing), and the stack
    needs both."""

    PRO = "pro"
    ENTERPRISE = "enterprise"


# What each plan offers (https://vercel.com/docs/deployment-protection): Vercel
# Authentication on all plans (Hobby: Standard Protection only; protecting production's
# domains needs Pro or Enterprise); Password Protection on Enterprise or with Pro's Advanced
# Deployment Protection add-on; Trusted IPs on Enterprise only.
TRUSTED_IPS_PLANS = frozenset({VercelPlan.ENTERPRISE})

STACK_NAME_PATTERN = r"^([A-Za-z0-9_.-]{1,100})?$"
"""A stack name as Pulumi takes it (alphanumerics, `-`, `_`, `.`; at most 100), or none."""


def _address_range(value: str) -> str:
    try:
        ipaddress.ip_network(value, strict=True)
    except ValueError as error:
        raise ValueError(f"not an IP address or CIDR range ({error})") from None
    return value


AddressRange = Annotated[str, Field(max_length=49), AfterValidator(_address_range)]


class PreviewSettings(Settings):
    data_plane_stack: Annotated[str, Field(pattern=STACK_NAME_PATTERN, max_length=100)] = Field(
        "",
        description=(
            "The stack of this project whose database, cache, Stripe key, e-mail key and"
            " Sentry DSN the web app's previews use (it must be up first); empty: this"
            " stack's own. A production stack names another (the pack refuses the rest)."
        ),
    )
    protection: VercelAuthentication = Field(
        VercelAuthentication.STANDARD,
        description=(
            "Vercel Authentication of the web project: standard_protection_new (every"
            " deployment but production's custom domains), standard_protection,"
            " all_deployments, only_preview_deployments or none (the pack refuses none)."
        ),
    )
    trusted_ips: Annotated[list[AddressRange], Field(max_length=20)] = Field(
        [],
        description="Addresses or ranges that alone may open previews (Enterprise plans only).",
    )


def preview_problems(
    previews: PreviewSettings, plan: VercelPlan, stack: str | None
) -> list[tuple[str, object, str]]:
    """(key, value, what is allowed) for each preview setting that the plan, or the stack it
    is set in, does not allow."""
    problems: list[tuple[str, object, str]] = []
    if previews.trusted_ips and plan not in TRUSTED_IPS_PLANS:
        problems.append(
            (
                "previewsTrustedIps",
                previews.trusted_ips,
                f"needs a Vercel Enterprise plan (crms:computeVercelPlan is {plan.value}): "
                "Trusted IPs is an Enterprise feature (https://vercel.com/docs/deployment-protection)",
            )
        )
    if previews.trusted_ips and previews.protection is VercelAuthentication.NONE:
        problems.append(
            (
                "previewsTrustedIps",
                previews.trusted_ips,
                "guards the deployments Vercel Authentication guards, and "
                "crms:previewsProtection is none: set it to the deployments to guard",
            )
        )
    if stack is not None and previews.data_plane_stack == stack:
        problems.append(
            (
                "previewsDataPlaneStack",
                previews.data_plane_stack,
                "must name another stack: leave it empty for this stack's own data plane",
            )
        )
    return problems
