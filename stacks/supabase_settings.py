"""The Supabase project's configuration, per stack: Auth, the Data API, and the database's
SSL, network, backup and timeout settings.

Each default passes Supabase's production checklist (supabase/supabase apps/docs/content/
guides/deployment/going-into-prod.mdx): SSL enforced, e-mail confirmations on with an OTP
expiry of an hour or less, TOTP MFA, custom SMTP (Resend; its constants live with the auth
resource), leaked passwords refused, the auth rate limits set. Bounds are the API's
(tests/fixtures/supabase-management-api-v1.openapi.json) or tighter, with the reason.
"""

import ipaddress
import string
from enum import StrEnum
from typing import Annotated, Literal, get_args
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field

from stacks.settings_base import LOOPBACK_HOSTS, EmailAddress, Settings

OPEN_TO_ALL = ("0.0.0.0/0", "::/0")
"""Every IPv4 and IPv6 address (components.supabase.network_restrictions.OPEN)."""
PitrVariant = Literal["none", "pitr_7", "pitr_14", "pitr_28"]
"""None, or the spec's `pitr_*` add-on variants (components.supabase.pitr.PitrVariant)."""


class PasswordRequirements(StrEnum):
    """What a password must contain, by the names the Supabase CLI gives the values of
    UpdateAuthConfigBody.password_required_characters (apps/cli-go/pkg/config/auth.go)."""

    NONE = "none"
    LETTERS_DIGITS = "letters_digits"
    LOWER_UPPER_LETTERS_DIGITS = "lower_upper_letters_digits"
    LOWER_UPPER_LETTERS_DIGITS_SYMBOLS = "lower_upper_letters_digits_symbols"

    @property
    def characters(self) -> str:
        """The API's value: the character classes, each one required, `:`-separated."""
        return _CHARACTERS[self]


_LOWER, _UPPER, _DIGITS = string.ascii_lowercase, string.ascii_uppercase, string.digits
_CHARACTERS = {
    PasswordRequirements.NONE: "",
    PasswordRequirements.LETTERS_DIGITS: f"{_LOWER}{_UPPER}:{_DIGITS}",
    PasswordRequirements.LOWER_UPPER_LETTERS_DIGITS: f"{_LOWER}:{_UPPER}:{_DIGITS}",
    PasswordRequirements.LOWER_UPPER_LETTERS_DIGITS_SYMBOLS: (
        f"{_LOWER}:{_UPPER}:{_DIGITS}:!@#$%^&*()_+-=[]{{}};'\\\\:\"|<>?,./`~"
    ),
}


def _valid_range(cidr: str) -> str:
    """A CIDR range a client of Supabase can come from: Supabase sees public addresses only
    (the official Terraform provider refuses private ones, settings_resource.go)."""
    try:
        network = ipaddress.ip_network(cidr, strict=True)
    except ValueError as error:
        raise ValueError(f"not a CIDR range ({error})") from None
    if not network.is_global:
        raise ValueError("a private or reserved range, which no client of Supabase comes from")
    return cidr


def _public_https(url: str) -> str:
    """E-mail links and sign-in redirects go to users: over TLS, never to a local machine."""
    if (urlsplit(url).hostname or "") in LOOPBACK_HOSTS:
        raise ValueError(
            "must not point at localhost: e-mail links would go to users' own machines"
        )
    return url


def _each_once(values: list[str]) -> list[str]:
    if len(set(values)) != len(values):
        raise ValueError("must name each value once")
    return values


# Auth's URL fields take no comma (site_url's pattern `^[^,]+$`; uri_allow_list is a
# comma-separated list); `*` globs are allowed in redirect URLs.
PublicUrl = Annotated[
    str,
    Field(pattern=r"^https://[^\s,/]+(/[^\s,]*)?$", max_length=200),
    AfterValidator(_public_https),
]
CidrRange = Annotated[str, Field(max_length=49), AfterValidator(_valid_range)]
DataApiSchema = Literal["public", "graphql_public"]
"""What the Data API may expose: the app's tables and Supabase's GraphQL entry. The app's
internal schemas (audit, private, crms_migrations) are not among them."""


class DatabaseConfigSettings(Settings):
    """The fields of `DatabaseSettings` (stacks/settings.py) for the project's configuration."""

    ssl_enforced: bool = Field(
        True, description="Refuse database connections without TLS (Supabase SSL enforcement)."
    )
    allowed_cidrs: Annotated[
        list[CidrRange], Field(min_length=1, max_length=64), AfterValidator(_each_once)
    ] = Field(
        list(OPEN_TO_ALL),
        description=(
            "Address ranges that may connect to Postgres and its pooler; 0.0.0.0/0 and ::/0"
            " allow every address (see docs/design.md on why)."
        ),
    )
    pitr: PitrVariant = Field(
        "none",
        description="Point-in-time recovery add-on: none, pitr_7, pitr_14 or pitr_28 (days).",
    )
    statement_timeout_seconds: int = Field(
        120,
        ge=1,
        le=3600,
        description="Database-wide statement_timeout in seconds (Supabase's default is 120).",
    )


class AuthSettings(Settings):
    """Supabase Auth: its URLs, its e-mail through Resend, passwords, MFA and rate limits."""

    site_url: PublicUrl = Field(description="The web app's https URL: auth e-mails link to it.")
    redirect_urls: Annotated[list[PublicUrl], Field(max_length=20)] = Field(
        default_factory=list, description="Further https URLs allowed as sign-in redirects."
    )
    sender_email: EmailAddress = Field(
        description="Sender address of auth e-mails (its domain verified in Resend)."
    )
    sender_name: Annotated[str, Field(pattern=r"^[^\x00-\x1f\x7f]+$", max_length=64)] = Field(
        "CRMS", description="Sender name of auth e-mails."
    )
    email_confirmations: bool = Field(
        True, description="New users confirm their e-mail address before signing in."
    )
    email_min_interval_seconds: int = Field(
        60, ge=1, le=3600, description="Seconds before another auth e-mail to the same user."
    )
    otp_expiry_seconds: int = Field(
        3600,
        ge=60,
        le=3600,
        description="Lifetime of e-mailed codes and links (checklist: <= 3600).",
    )
    otp_length: int = Field(6, ge=6, le=10, description="Digits of an e-mailed code (6 to 10).")
    password_min_length: int = Field(
        12, ge=8, le=128, description="Shortest password accepted (Supabase advises 8 or more)."
    )
    password_requirements: PasswordRequirements = Field(
        PasswordRequirements.LOWER_UPPER_LETTERS_DIGITS_SYMBOLS,
        description="Character classes a password needs.",
    )
    leaked_password_check: bool = Field(
        True, description="Refuse passwords known from leaks (HaveIBeenPwned); paid plans."
    )
    mfa_totp: bool = Field(True, description="Users may enrol and use TOTP (authenticator apps).")
    jwt_expiry_seconds: int = Field(
        3600, ge=300, le=604800, description="Lifetime of an access token (300 to 604800 s)."
    )
    rate_limit_emails_per_hour: int = Field(
        30, ge=1, le=10_000, description="Auth e-mails per hour, all users together."
    )
    rate_limit_sign_ins_per_5_minutes: int = Field(
        30, ge=1, le=10_000, description="Sign-ups and sign-ins per 5 minutes and IP address."
    )
    rate_limit_verifications_per_5_minutes: int = Field(
        30, ge=1, le=10_000, description="Code and link verifications per 5 minutes and IP."
    )
    rate_limit_token_refreshes_per_5_minutes: int = Field(
        150, ge=1, le=10_000, description="Session refreshes per 5 minutes and IP address."
    )


class DataApiSettings(Settings):
    """What the Data API (PostgREST) exposes."""

    schemas: Annotated[
        list[DataApiSchema],
        Field(min_length=1, max_length=len(get_args(DataApiSchema))),
        AfterValidator(_each_once),
    ] = Field(["public"], description="Schemas the Data API exposes (public, graphql_public).")
    max_rows: int = Field(
        1000, ge=1, le=10_000, description="Most rows one Data API answer holds (1 to 10000)."
    )
