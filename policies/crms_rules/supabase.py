"""Supabase: the project's configuration is managed and meets Supabase's production checklist.

Source of each rule: supabase/supabase apps/docs/content/guides/deployment/going-into-prod.mdx
(the checklist), unless the rule names another. The configuration resources are dynamic
resources (components/supabase/), whose properties are the API's own snake_case names.
A project's surfaces are its siblings: children of the same Database component. Stack rules
name the project's URN, so a verdict lands on the database in the residency report.
"""

from collections.abc import Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from crms_rules.core import Resource, ResourceRule, Rule, Severity, StackRule, Violation, of_type

DYNAMIC = "pulumi-python:dynamic/supabase:"
PROJECT = DYNAMIC + "Project"
AUTH = DYNAMIC + "AuthConfig"
SSL = DYNAMIC + "SslEnforcement"
NETWORK = DYNAMIC + "NetworkRestrictions"
PITR = DYNAMIC + "PitrAddon"
DATA_API = DYNAMIC + "PostgrestConfig"
POSTGRES = DYNAMIC + "PostgresConfig"
PASSWORD = "random:index/randomPassword:RandomPassword"  # noqa: S105 (a type token)
SURFACES = {
    AUTH: "Auth configuration",
    SSL: "SSL enforcement",
    NETWORK: "network restrictions",
    PITR: "point-in-time recovery add-on",
    DATA_API: "Data API settings",
    POSTGRES: "Postgres settings",
}
OPEN = ("0.0.0.0/0", "::/0")
"""Every IPv4 and IPv6 address (network-restrictions.mdx: how to remove restrictions)."""
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")
STRONG_PASSWORD = 32
"""Characters of a generated database password that may face the whole internet."""
# The app's schemas the Data API must never serve (a copy: tests/policies/test_copies.py ties
# it to app/operators/migrations and the runner's bookkeeping schema), and Supabase's `auth`,
# whose users table holds every password hash (guides/auth/password-security.mdx).
INTERNAL_SCHEMAS = ("audit", "private", "crms_migrations", "auth")


def _surfaces(project: Resource, resources: Sequence[Resource]) -> dict[str, Resource]:
    return {r.type: r for r in resources if r.type in SURFACES and r.parent == project.parent}


def configuration_managed(
    resources: Sequence[Resource], _: Mapping[str, Any]
) -> Iterator[Violation]:
    for project in of_type(resources, PROJECT):
        present = _surfaces(project, resources)
        for type_, what in SURFACES.items():
            if type_ not in present:
                yield Violation(
                    f"the Supabase project has no {what} resource: its {what} are whatever "
                    "the dashboard says, and a change there goes unseen",
                    project.urn,
                )


def ssl_enforced(resources: Sequence[Resource], _: Mapping[str, Any]) -> Iterator[Violation]:
    for project in of_type(resources, PROJECT):
        ssl = _surfaces(project, resources).get(SSL)
        if ssl is None or ssl.props.get("database") is not True:
            yield Violation("the database accepts connections without TLS", project.urn)


def network_restricted(resources: Sequence[Resource], _: Mapping[str, Any]) -> Iterator[Violation]:
    """An allow-list open to every address is safe only with TLS enforced and a generated
    password too long to guess; a list that mixes `all` with ranges misleads its reader."""
    for project in of_type(resources, PROJECT):
        surfaces = _surfaces(project, resources)
        network = surfaces.get(NETWORK)
        if network is None:
            yield Violation("the database has no network restrictions resource", project.urn)
            continue
        cidrs = [str(cidr) for cidr in network.props.get("allowed_cidrs") or []]
        open_ = [cidr for cidr in cidrs if cidr in OPEN] or ([] if cidrs else list(OPEN))
        if not open_:
            continue
        if len(open_) < len(cidrs):
            yield Violation(
                f"the allow-list opens {', '.join(open_)} beside narrower ranges: it reads as "
                "restricted but lets every address in",
                project.urn,
            )
        ssl = surfaces.get(SSL)
        if ssl is None or ssl.props.get("database") is not True:
            yield Violation("the database is open to every address without TLS", project.urn)
        passwords = [r for r in of_type(resources, PASSWORD) if r.parent == project.parent]
        if not any(int(p.props.get("length") or 0) >= STRONG_PASSWORD for p in passwords):
            yield Violation(
                "the database is open to every address, but its password is not a generated "
                f"one of at least {STRONG_PASSWORD} characters",
                project.urn,
            )


def pitr_enabled(resources: Sequence[Resource], _: Mapping[str, Any]) -> Iterator[Violation]:
    for project in of_type(resources, PROJECT):
        pitr = _surfaces(project, resources).get(PITR)
        if pitr is None or pitr.props.get("variant") in (None, "none"):
            yield Violation(
                "the database has no point-in-time recovery: a restore loses up to a day",
                project.urn,
            )


def data_api_internal_schemas(
    resources: Sequence[Resource], _: Mapping[str, Any]
) -> Iterator[Violation]:
    for project in of_type(resources, PROJECT):
        data_api = _surfaces(project, resources).get(DATA_API)
        if data_api is None:
            yield Violation("the Data API exposes Supabase's defaults", project.urn)
            continue
        exposed = [s.strip() for s in str(data_api.props.get("db_schema") or "").split(",")]
        internal = [schema for schema in exposed if schema in INTERNAL_SCHEMAS]
        if internal:
            yield Violation(f"the Data API exposes {', '.join(internal)}", project.urn)


def custom_smtp(resource: Resource, _: Mapping[str, Any]) -> Iterator[str]:
    if resource.type != AUTH:
        return
    props = resource.props
    missing = [key for key in ("smtp_host", "smtp_user", "smtp_admin_email") if not props.get(key)]
    if missing or props.get("smtp_pass") is None:
        yield (
            "auth e-mails go through Supabase's own SMTP (no "
            + ", ".join(missing or ["smtp_pass"])
            + "), which it limits to a few an hour and does not support in production"
        )


def site_url(resource: Resource, _: Mapping[str, Any]) -> Iterator[str]:
    if resource.type != AUTH:
        return
    urls = [("site_url", str(resource.props.get("site_url") or ""))]
    allowed = str(resource.props.get("uri_allow_list") or "")
    urls += [("uri_allow_list", url.strip()) for url in allowed.split(",") if url.strip()]
    for key, url in urls:
        parts = urlsplit(url)
        if parts.scheme != "https":
            yield f"{key} {url!r} is not https: e-mailed links would travel in clear"
        elif (parts.hostname or "") in LOOPBACK_HOSTS:
            yield f"{key} {url!r} points at localhost: links would open users' own machines"


def auth_checklist(resource: Resource, _: Mapping[str, Any]) -> Iterator[str]:
    if resource.type != AUTH:
        return
    props = resource.props
    if props.get("mailer_autoconfirm") is not False:
        yield "e-mail confirmations are off: anyone can sign up with an address not theirs"
    if int(props.get("mailer_otp_exp") or 0) not in range(1, 3601):
        yield f"e-mailed codes stay valid {props.get('mailer_otp_exp')} s, more than 3600"
    if not (props.get("mfa_totp_enroll_enabled") and props.get("mfa_totp_verify_enabled")):
        yield "TOTP multi-factor authentication is off"
    # password-security.mdx: "Anything less than 8 characters is not recommended."
    if int(props.get("password_min_length") or 0) < 8:
        yield f"passwords may be {props.get('password_min_length')} characters, fewer than 8"
    if props.get("password_hibp_enabled") is not True:
        yield "leaked passwords are accepted (password-security.mdx: prevent leaked passwords)"


RULES: list[Rule] = [
    StackRule(
        name="supabase-configuration-managed",
        description="Each Supabase project's configuration surfaces are resources of the stack.",
        severity=Severity.HIGH,
        remediation="Build the project through components.database.Database with its settings.",
        check=configuration_managed,
    ),
    StackRule(
        name="supabase-ssl-enforced",
        description="The database refuses connections without TLS (checklist: SSL enforcement).",
        severity=Severity.HIGH,
        remediation="Set crms:databaseSslEnforced true.",
        check=ssl_enforced,
    ),
    StackRule(
        name="supabase-network-restricted",
        description=(
            "The database's allow-list is managed; open to every address only with TLS "
            "enforced and a generated password (checklist: network restrictions)."
        ),
        severity=Severity.HIGH,
        remediation=(
            "List the clients' ranges in crms:databaseAllowedCidrs, or keep 0.0.0.0/0 and ::/0 "
            "alone with crms:databaseSslEnforced true (docs/design.md: who may connect)."
        ),
        check=network_restricted,
    ),
    StackRule(
        name="supabase-pitr-enabled",
        description="The database has point-in-time recovery (checklist: PITR over 4 GB).",
        severity=Severity.MEDIUM,
        remediation="Set crms:databasePitr to pitr_7, pitr_14 or pitr_28.",
        check=pitr_enabled,
    ),
    StackRule(
        name="supabase-data-api-internal-schemas",
        description="The Data API exposes none of the app's internal schemas, nor auth.",
        severity=Severity.HIGH,
        remediation="Keep crms:dataApiSchemas to public (and graphql_public).",
        check=data_api_internal_schemas,
    ),
    ResourceRule(
        name="supabase-auth-custom-smtp",
        description="Auth e-mails go through the stack's SMTP (Resend), not Supabase's own.",
        severity=Severity.HIGH,
        remediation="Set the secret crms:resendApiKey and crms:authSenderEmail.",
        check=custom_smtp,
    ),
    ResourceRule(
        name="supabase-auth-site-url",
        description="Auth's site URL and redirect URLs are https and not localhost.",
        severity=Severity.HIGH,
        remediation="Set crms:authSiteUrl and crms:authRedirectUrls to the web app's https URLs.",
        check=site_url,
    ),
    ResourceRule(
        name="supabase-auth-checklist",
        description=(
            "E-mail confirmations on, codes valid an hour at most, TOTP MFA on, passwords of "
            "8 characters or more and not known from leaks."
        ),
        severity=Severity.MEDIUM,
        remediation="Keep the crms:auth* settings' defaults (stacks/supabase_settings.py).",
        check=auth_checklist,
    ),
]
