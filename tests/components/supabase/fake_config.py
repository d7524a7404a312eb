"""The fake's configuration surfaces: what each project has set, as its dashboard shows it.

Each project starts on Supabase's defaults. Tests change a `ProjectSettings` directly to
act as someone in the dashboard (drift), and set the knobs below for what the API refuses:
a plan without PITR, a project that cannot enforce SSL, restrictions not yet applied.
Every request and answer still passes through the spec checks of `fake_api`.
"""

import hashlib
import hmac
import ipaddress
from dataclasses import dataclass, field
from typing import Any

from tests.components.supabase.spec import spec

Route = tuple[str, str]
Answer = tuple[int, Any]
SMALL_OR_LARGER = ("ci_small", "ci_medium", "ci_large", "ci_xlarge", "ci_2xlarge", "ci_4xlarge")


def default_auth() -> dict[str, Any]:
    """An AuthConfigResponse of a new project: every required field, with GoTrue's and
    Supabase's defaults where this project reads them (null SMTP: Supabase's own)."""
    schema = spec().document["components"]["schemas"]["AuthConfigResponse"]
    blank = {"boolean": False, "integer": 0, "number": 0, "string": ""}
    record = {
        # OpenAPI 3.0 takes an enum literally: null passes only if listed, so an enum field
        # holds its first value (GoTrue's defaults are among them).
        name: prop["enum"][0]
        if "enum" in prop
        else None
        if prop.get("nullable")
        else blank[prop["type"]]
        for name, prop in schema["properties"].items()
        if name in schema["required"]
    }
    return {
        **record,
        "site_url": "http://localhost:3000", "uri_allow_list": "", "jwt_exp": 3600,
        "mailer_autoconfirm": False, "mailer_secure_email_change_enabled": True,
        "mailer_otp_exp": 86400, "mailer_otp_length": 6, "smtp_max_frequency": 60,
        "password_min_length": 6, "password_required_characters": "",
        "password_hibp_enabled": False, "mfa_totp_enroll_enabled": True,
        "mfa_totp_verify_enabled": True, "refresh_token_rotation_enabled": True,
        "external_anonymous_users_enabled": False, "external_email_enabled": True,
        "rate_limit_email_sent": 2, "rate_limit_otp": 30, "rate_limit_verify": 30,
        "rate_limit_token_refresh": 150, "sms_otp_length": 6, "mfa_phone_otp_length": 6,
    }  # fmt: skip


@dataclass
class ProjectSettings:
    auth: dict[str, Any] = field(default_factory=default_auth)
    ssl_enforced: bool = False
    ssl_pending_reads: int = 0
    """GETs that still show the old SSL setting after a PUT (it restarts the database)."""
    cidrs_v4: list[str] = field(default_factory=list)
    cidrs_v6: list[str] = field(default_factory=list)
    postgrest: dict[str, Any] = field(
        default_factory=lambda: {
            "db_schema": "public, graphql_public",
            "max_rows": 1000,
            "db_extra_search_path": "public, extensions",
            "db_pool": None,
            "jwt_secret": "fake-jwt-secret-never-in-state",
        }
    )
    postgres: dict[str, Any] = field(default_factory=dict)
    pitr: str | None = None


@dataclass
class FakeProjectConfig:
    plan: str = "pro"
    """The organization's plan: PITR is refused on `free`."""
    ssl_supported: bool = True
    ssl_reads_until_applied: int = 0
    network_entitlement: str = "allowed"
    projects: dict[str, ProjectSettings] = field(default_factory=dict)

    def of(self, ref: str) -> ProjectSettings:
        return self.projects.setdefault(ref, ProjectSettings())

    def route(
        self, ref: str, route: Route, path_values: dict[str, str], body: Any, compute: str | None
    ) -> Answer:
        """The answer to `route` (method, path below the project's) on project `ref`, whose
        compute add-on is `compute`."""
        settings = self.of(ref)
        method, path = route
        if path == "/config/auth":
            if method == "PATCH":
                settings.auth.update(body)
                if body.get("smtp_pass") is not None:  # the API answers the password's HMAC
                    settings.auth["smtp_pass"] = _hashed(ref, body["smtp_pass"])
            return 200, dict(settings.auth)
        if path == "/ssl-enforcement":
            return self._ssl(settings, method, body)
        if path.startswith("/network-restrictions"):
            return self._network(settings, method, body)
        if path == "/postgrest":
            if method == "PATCH":
                settings.postgrest.update(body)
                return 200, {k: v for k, v in settings.postgrest.items() if k != "jwt_secret"}
            return 200, dict(settings.postgrest)
        if path == "/config/database/postgres":
            if method == "PUT":
                settings.postgres.update(body)
            return 200, dict(settings.postgres)
        if path.startswith("/billing/addons"):
            return self._pitr(settings, method, body, compute, path_values.get("addon_variant"))
        return 501, {"message": f"{method} {path} is in the spec but not in the fake"}

    def _ssl(self, settings: ProjectSettings, method: str, body: Any) -> Answer:
        if method == "PUT":
            if not self.ssl_supported:  # the Terraform provider's settings_resource.go
                return 400, {"message": "Project is not allowed to configure SSL enforcements"}
            if settings.ssl_enforced != body["requestedConfig"]["database"]:
                settings.ssl_pending_reads = self.ssl_reads_until_applied
            settings.ssl_enforced = body["requestedConfig"]["database"]
        pending = settings.ssl_pending_reads > 0
        if pending and method == "GET":
            settings.ssl_pending_reads -= 1
        shown = (
            (not settings.ssl_enforced) if pending else settings.ssl_enforced
        )  # old until applied
        return 200, {"currentConfig": {"database": shown}, "appliedSuccessfully": not pending}

    def _network(self, settings: ProjectSettings, method: str, body: Any) -> Answer:
        if method == "POST":
            if self.network_entitlement != "allowed":
                return 403, None  # the spec's "Forbidden action", without a body
            try:
                for cidr in [*body.get("dbAllowedCidrs", []), *body.get("dbAllowedCidrsV6", [])]:
                    ipaddress.ip_network(cidr)
            except ValueError as error:
                return 400, {"message": f"Invalid CIDR: {error}"}
            settings.cidrs_v4 = list(body.get("dbAllowedCidrs", []))
            settings.cidrs_v6 = list(body.get("dbAllowedCidrsV6", []))
        answer = {
            "entitlement": self.network_entitlement,
            "config": {"dbAllowedCidrs": settings.cidrs_v4, "dbAllowedCidrsV6": settings.cidrs_v6},
            "status": "applied" if settings.cidrs_v4 or settings.cidrs_v6 else "stored",
        }
        return (201 if method == "POST" else 200), answer

    def _pitr(
        self,
        settings: ProjectSettings,
        method: str,
        body: Any,
        compute: str | None,
        variant: str | None,
    ) -> Answer:
        if method == "PATCH":
            # Pro plan and up, and at least the Small compute size (backups.mdx); the spec
            # documents 403 ("Forbidden action", no body) as the PATCH's refusal.
            if self.plan == "free" or compute not in SMALL_OR_LARGER:
                return 403, None
            settings.pitr = body["addon_variant"]
            return 200, None
        if settings.pitr is None or settings.pitr != variant:
            return 404, {"message": "Addon not found"}
        settings.pitr = None
        return 200, None


def _hashed(ref: str, password: str) -> str:
    return hmac.new(ref.encode(), password.encode(), hashlib.sha256).hexdigest()
