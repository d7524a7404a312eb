"""The fake's configuration surfaces: what each project has set, as its dashboard shows it.

Each project starts as a new project does in the recordings of real traffic
(`fake_records`). Tests change a `ProjectSettings` directly to act as someone in the
dashboard (drift), and set the knobs below for what the API refuses: a plan without PITR, a
project that cannot enforce SSL, a database still rebooting. Every request and answer still
passes through the spec checks of `fake_api`, and `test_replay` replays every recorded
exchange against it.
"""

import hashlib
import hmac
import ipaddress
from dataclasses import dataclass, field
from typing import Any

from tests.components.supabase import fake_records

Route = tuple[str, str]
Answer = tuple[int, Any]
SMALL_OR_LARGER = ("ci_small", "ci_medium", "ci_large", "ci_xlarge", "ci_2xlarge", "ci_4xlarge")
PATCH_ANSWER_NULLS = ("rate_limit_email_sent", "security_captcha_provider", "sms_provider")
"""Fields the API answers `null` to a PATCH of config/auth although they are set, as the next
GET shows (recorded/PATCH_..._config_auth/default and GET_..._config_auth/2)."""


@dataclass
class ProjectSettings:
    auth: dict[str, Any] = field(default_factory=fake_records.new_project_auth)
    ssl_enforced: bool = False
    """Off on a new project: it accepts connections without TLS (supabase/supabase
    apps/docs/content/guides/platform/ssl-enforcement.mdx)."""
    ssl_pending_reads: int = 0
    """GETs that still show the old SSL setting after a PUT (it restarts the database)."""
    services_coming_up: int = 0
    """Health reads that still show the services COMING_UP (the reboot of an SSL change)."""
    cidrs_v4: list[str] = field(default_factory=lambda: ["0.0.0.0/0"])
    cidrs_v6: list[str] = field(default_factory=lambda: ["::/0"])
    network_applied_at: str | None = None
    postgrest: dict[str, Any] = field(default_factory=fake_records.new_project_postgrest)
    postgres: dict[str, Any] = field(default_factory=dict)
    """The overrides: none on a new project (scenarios/postgres-config-get-...: `{}`)."""
    pitr: str | None = None


@dataclass
class FakeProjectConfig:
    plan: str = "pro"
    """The organization's plan: PITR is refused on `free`."""
    ssl_supported: bool = True
    ssl_reads_until_applied: int = 0
    services_reads_after_reboot: int = 0
    """How many health reads show the services COMING_UP after SSL enforcement changed."""
    unhealthy_service: str | None = None
    """A service whose health read answers UNHEALTHY with an error (it never recovers)."""
    network_entitlement: str = "allowed"
    projects: dict[str, ProjectSettings] = field(default_factory=dict)

    def of(self, ref: str) -> ProjectSettings:
        return self.projects.setdefault(ref, ProjectSettings())

    def route(
        self,
        ref: str,
        route: Route,
        path_values: dict[str, str],
        query: dict[str, list[str]],
        body: Any,
        compute: str | None,
    ) -> Answer:
        """The answer to `route` (method, path below the project's) on project `ref`, whose
        compute add-on is `compute`."""
        settings = self.of(ref)
        method, path = route
        if path == "/config/auth":
            return self._auth(ref, settings, method, body)
        if path == "/ssl-enforcement":
            return self._ssl(settings, method, body)
        if path == "/health":
            return self._health(settings, query.get("services", []))
        if path.startswith("/network-restrictions"):
            return self._network(settings, method, body)
        if path == "/postgrest":
            if method == "PATCH":
                settings.postgrest.update(body)
                return 200, {k: v for k, v in settings.postgrest.items() if k != "jwt_secret"}
            return 200, dict(settings.postgrest)
        if path == "/config/database/postgres":
            if method == "PUT":
                # The body replaces every override (scenarios/postgres-config-update-replace-
                # existing-overrides-...); `restart_database` says how, it is not one.
                settings.postgres = {k: v for k, v in body.items() if k != "restart_database"}
            return 200, dict(settings.postgres)
        if path.startswith("/billing/addons"):
            return self._pitr(settings, method, body, compute, path_values.get("addon_variant"))
        return 501, {"message": f"{method} {path} is in the spec but not in the fake"}

    def _auth(self, ref: str, settings: ProjectSettings, method: str, body: Any) -> Answer:
        if method == "GET":
            return 200, dict(settings.auth)
        settings.auth.update(body)
        if body.get("smtp_pass") is not None:  # the API answers the password's HMAC
            settings.auth["smtp_pass"] = _hashed(ref, body["smtp_pass"])
        return 200, {**settings.auth, **dict.fromkeys(PATCH_ANSWER_NULLS)}

    def _ssl(self, settings: ProjectSettings, method: str, body: Any) -> Answer:
        if method == "PUT":
            if not self.ssl_supported:  # the Terraform provider's settings_resource.go
                return 400, {"message": "Project is not allowed to configure SSL enforcements"}
            if settings.ssl_enforced != body["requestedConfig"]["database"]:
                settings.ssl_pending_reads = self.ssl_reads_until_applied
                settings.services_coming_up = self.services_reads_after_reboot
            settings.ssl_enforced = body["requestedConfig"]["database"]
        pending = settings.ssl_pending_reads > 0
        if pending and method == "GET":
            settings.ssl_pending_reads -= 1
        shown = (not settings.ssl_enforced) if pending else settings.ssl_enforced
        return 200, {"currentConfig": {"database": shown}, "appliedSuccessfully": not pending}

    def _health(self, settings: ProjectSettings, services: list[str]) -> Answer:
        coming_up = settings.services_coming_up > 0
        settings.services_coming_up = max(0, settings.services_coming_up - 1)
        status = "COMING_UP" if coming_up else "ACTIVE_HEALTHY"
        answer = [fake_records.service_health(name, status) for name in services]
        for entry in answer:
            if entry["name"] == self.unhealthy_service:
                entry.update(status="UNHEALTHY", healthy=False, error='{"error":"failed"}')
        return 200, answer

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
            settings.network_applied_at = fake_records.CREATED_AT
        answer = {
            "entitlement": self.network_entitlement,
            "config": {"dbAllowedCidrs": settings.cidrs_v4, "dbAllowedCidrsV6": settings.cidrs_v6},
            "status": "applied",
        }
        if method == "GET" and settings.network_applied_at is not None:
            answer["applied_at"] = settings.network_applied_at  # as recorded after an apply
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
