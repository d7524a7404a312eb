"""Sentry: the error tracker stores its data in the EU, scrubbed on Sentry's side.

The project is a dynamic resource (components/sentry/project.py) whose properties are the
provider's snake_case names: `region_url` is the organization's `links.regionUrl` as the
API reports it (the provider refuses to create or change a project elsewhere), and the
scrubbing fields are what it PUTs (ProjectAdminSerializer, getsentry/sentry src/sentry/core/
endpoints/project_details.py, commit 00dbe48f). Sentry's EU data storage location is
Frankfurt (https://docs.sentry.io/organization/data-storage-location/).
"""

from collections.abc import Iterator, Mapping
from typing import Any

from crms_rules.core import Resource, ResourceRule, Rule, Severity

PROJECT = "pulumi-python:dynamic/sentry:Project"
EU_REGION_URL = "https://de.sentry.io"
SCRUBBERS = {
    "data_scrubber": "known sensitive values are stored (dataScrubber off)",
    "data_scrubber_defaults": "Sentry's default sensitive field names are not scrubbed",
    "scrub_ip_addresses": "client IP addresses are stored (scrubIPAddresses off)",
}


def eu_region(resource: Resource, _: Mapping[str, Any]) -> Iterator[str]:
    if resource.type != PROJECT:
        return
    region_url = str(resource.props.get("region_url") or "")
    if region_url.rstrip("/") != EU_REGION_URL:
        yield (
            f"the Sentry organization stores its data at {region_url or 'an unknown region'}, "
            f"not Sentry's EU region ({EU_REGION_URL}, Frankfurt)"
        )


def scrubbing_on(resource: Resource, _: Mapping[str, Any]) -> Iterator[str]:
    if resource.type != PROJECT:
        return
    for field, what in SCRUBBERS.items():
        if resource.props.get(field) is not True:
            yield what
    if not resource.props.get("sensitive_fields"):
        yield "no sensitive field of the app (licence numbers, card data, e-mail) is scrubbed"


RULES: list[Rule] = [
    ResourceRule(
        name="sentry-eu-region",
        description="The Sentry project's organization stores its data in the EU (de.sentry.io).",
        severity=Severity.HIGH,
        remediation=(
            "Use a Sentry organization created in the EU data storage location "
            "(crms:sentryOrganization) and keep crms:sentryRegion: eu."
        ),
        check=eu_region,
    ),
    ResourceRule(
        name="sentry-scrubbing-on",
        description=(
            "Sentry scrubs events before storing them: default scrubbers on, IP addresses "
            "not stored, the app's sensitive fields listed."
        ),
        severity=Severity.HIGH,
        remediation="Build the project through components.error_tracking.ErrorTracking.",
        check=scrubbing_on,
    ),
]
