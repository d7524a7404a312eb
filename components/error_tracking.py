"""The web app's error tracking: a Sentry project in the stack's data region with
server-side scrubbing on, and the rate-limited client key whose DSN becomes `SENTRY_DSN`.

One project per stack, not one project with an environment per stack: a client key belongs
to a project and cannot be confined to one environment, so a shared project would hand
previews (which run on staging's data plane, reached through pull requests) a key that
writes into production's issues and spends production's quota. A project per stack keeps
production's issues, key and rate limit its own; previews report under the environment
`preview` in the project of the stack whose data plane they use.
"""

from dataclasses import dataclass

import pulumi

from components.sentry.client_key import SentryClientKey
from components.sentry.project import SentryProject

PLATFORM = "javascript-nextjs"
"""The web app's platform as Sentry names it (the seed's `@sentry/nextjs`)."""
SENSITIVE_FIELDS = (
    "licence_number",
    "license_number",
    "driving_licence",
    "card_number",
    "card_cvc",
    "iban",
    "email",
)
"""Field names the web app handles whose values Sentry scrubs before storing an event, on
top of its defaults (which already cover passwords, tokens, secrets and card numbers): the
driving licences of renters, card data and e-mail addresses."""
KEY_NAME = "crms-web"
RATE_LIMIT_WINDOW_SECONDS = 3600
"""The key's window: an hour (createProjectKey's `rateLimit.window`, at most 86400)."""


@dataclass(frozen=True, kw_only=True)
class ErrorTrackingArgs:
    organization: str
    """Slug of the Sentry organization."""
    team: str
    """Slug of the team a new project is created under."""
    project: str
    """The project's slug and name: how an existing project is taken over."""
    api_url: str
    """Base URL of Sentry's API (tests point it at a local server)."""
    region_url: str
    """The data region the organization must store in (`https://de.sentry.io`)."""
    key_rate_limit_per_hour: int
    """Errors the client key may send an hour."""
    protect: bool = True
    """Protect the project, and retain it if removed from the program (its issue history)."""


class ErrorTracking(pulumi.ComponentResource):
    dsn: pulumi.Output[str]
    region_url: pulumi.Output[str]
    issues_url: pulumi.Output[str]

    def __init__(
        self, name: str, args: ErrorTrackingArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("crms:index:ErrorTracking", name, None, opts)
        where = {"organization": args.organization, "api_url": args.api_url}
        self.project = SentryProject(
            f"{name}-project",
            {
                **where,
                "team": args.team,
                "slug": args.project,
                "name": args.project,
                "platform": PLATFORM,
                "region_url": args.region_url,
                "data_scrubber": True,
                "data_scrubber_defaults": True,
                "scrub_ip_addresses": True,
                "sensitive_fields": list(SENSITIVE_FIELDS),
            },
            pulumi.ResourceOptions(
                parent=self, protect=args.protect, retain_on_delete=args.protect
            ),
        )
        self.key = SentryClientKey(
            f"{name}-key",
            {
                **where,
                "project": self.project.slug,
                "name": KEY_NAME,
                "rate_limit_count": args.key_rate_limit_per_hour,
                "rate_limit_window": RATE_LIMIT_WINDOW_SECONDS,
            },
            pulumi.ResourceOptions(parent=self),
        )
        self.dsn = pulumi.Output.secret(self.key.dsn)
        self.region_url = self.project.region_url
        self.issues_url = self.project.issues_url
        self.register_outputs(
            {"dsn": self.dsn, "regionUrl": self.region_url, "issuesUrl": self.issues_url}
        )
