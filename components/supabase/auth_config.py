"""Supabase Auth: where its e-mails link to and go through, and how sign-in is guarded.

`PATCH /v1/projects/{ref}/config/auth` (UpdateAuthConfigBody, every field optional) and
`GET` of the same path both answer AuthConfigResponse. Only the fields below are managed and
sent (a PATCH leaves every other field as it is); the inputs use the API's own names, so a
plan reads as the API does.

The PATCH's answer is not the configuration: in the real traffic the Supabase CLI recorded,
it answers `rate_limit_email_sent` (a managed field), `sms_provider` and
`security_captcha_provider` as null where the next GET shows them set (supabase/cli
apps/cli-e2e/fixtures/recorded/PATCH_v1_projects___PROJECT_REF___config_auth/default and
GET_..._config_auth/2, commit 1d1e7191). So create and update read the configuration back
with a GET and keep that, or a field the answer leaves null would show as a change on every
`pulumi up`.

The SMTP password is write-only: the API answers it as the hex HMAC-SHA256 of the password
keyed by the project's ref, which is how the Supabase CLI tells whether it changed
(supabase/cli apps/cli-go/pkg/config: secret.go `DecryptSecretHookFunc`, utils.go
`sha256Hmac`, auth.go `smtp.fromAuthConfig`; internal/config/push/push.go keys it by the
ref). The provider keeps that hash, so a password changed in the dashboard shows as a
change, and the password itself stays a secret input that no error repeats.

Auth e-mail goes through Resend's SMTP relay: host `smtp.resend.com`, port 465, user
`resend`, the API key as password (https://resend.com/docs/send-with-supabase-smtp).

Delete leaves the configuration as it is: Supabase's defaults send through its own SMTP,
which it does not support for production, with links to `http://localhost:3000`.
"""

import hashlib
import hmac
from dataclasses import dataclass

import pulumi

from components.supabase.api import ManagementApi
from components.supabase.fields import behaviour, computed, setting
from components.supabase.ownership import Ownership
from components.supabase.surface import SurfaceInputs, SurfaceProvider, SurfaceResource
from stacks.json_values import JsonObject, as_object, as_text

RESEND_SMTP_HOST = "smtp.resend.com"
RESEND_SMTP_PORT = "465"  # the spec types smtp_port as text
RESEND_SMTP_USER = "resend"
PATH = "/config/auth"


@dataclass(frozen=True, kw_only=True)
class AuthConfigInputs(SurfaceInputs):
    site_url: pulumi.Input[str] = setting()
    """The web app's URL: e-mail links and redirects start from it."""
    uri_allow_list: pulumi.Input[str] = setting()
    """Further redirect URLs allowed after sign-in, comma-separated."""
    mailer_autoconfirm: pulumi.Input[bool] = setting()
    """False: a new user must confirm the e-mail address before signing in."""
    mailer_secure_email_change_enabled: pulumi.Input[bool] = setting(True)
    """A change of address is confirmed from both the old and the new address."""
    mailer_otp_exp: pulumi.Input[int] = setting()
    """Seconds an e-mailed one-time password or link stays valid."""
    mailer_otp_length: pulumi.Input[int] = setting()
    smtp_host: pulumi.Input[str] = setting(RESEND_SMTP_HOST)
    smtp_port: pulumi.Input[str] = setting(RESEND_SMTP_PORT)
    smtp_user: pulumi.Input[str] = setting(RESEND_SMTP_USER)
    smtp_pass: pulumi.Input[str] = setting(secret=True)
    """The Resend API key."""
    smtp_admin_email: pulumi.Input[str] = setting()
    """The sender address of every auth e-mail."""
    smtp_sender_name: pulumi.Input[str] = setting()
    smtp_max_frequency: pulumi.Input[int] = setting()
    """Seconds before another e-mail of the same kind may go to the same user."""
    password_min_length: pulumi.Input[int] = setting()
    password_required_characters: pulumi.Input[str] = setting()
    """The character classes a password needs, `:`-separated, each one required."""
    password_hibp_enabled: pulumi.Input[bool] = setting()
    """Refuse passwords known from leaks (HaveIBeenPwned's Pwned Passwords)."""
    mfa_totp_enroll_enabled: pulumi.Input[bool] = setting()
    mfa_totp_verify_enabled: pulumi.Input[bool] = setting()
    jwt_exp: pulumi.Input[int] = setting()
    """Seconds an access token stays valid."""
    refresh_token_rotation_enabled: pulumi.Input[bool] = setting(True)
    external_anonymous_users_enabled: pulumi.Input[bool] = setting(False)
    rate_limit_email_sent: pulumi.Input[int] = setting()
    """E-mails per hour, all users together."""
    rate_limit_otp: pulumi.Input[int] = setting()
    """Sign-ups and sign-ins per 5 minutes and IP address."""
    rate_limit_verify: pulumi.Input[int] = setting()
    """One-time password and link verifications per 5 minutes and IP address."""
    rate_limit_token_refresh: pulumi.Input[int] = setting()
    """Session refreshes per 5 minutes and IP address."""
    smtp_pass_hash: str | None = computed(secret=True)
    """The API's HMAC of the SMTP password: how a change made elsewhere is seen."""


SENT = behaviour(AuthConfigInputs).sent


class AuthConfigProvider(SurfaceProvider):
    inputs = AuthConfigInputs
    what = "auth configuration"
    ownership = Ownership(
        owns=f"{len(SENT)} fields: the site URL and redirects, e-mail sending and links "
        "(Resend's SMTP), password rules, TOTP MFA, token lifetimes, rate limits",
        leaves="every other Auth setting (sign-in providers, hooks, templates, SMS, ...)",
        create=(f"PATCH {PATH}", f"GET {PATH}"),
        update=(f"PATCH {PATH}", f"GET {PATH}"),
        refresh=(f"GET {PATH}",),
        delete=(),
    )

    def apply(
        self, api: ManagementApi, ref: str, news: JsonObject, _olds: JsonObject | None
    ) -> JsonObject:
        password = news.get("smtp_pass")
        api.hide(password if isinstance(password, str) else None)
        api.call("PATCH", _path(ref), json={name: news[name] for name in SENT})
        return self.observe(api, ref, news)

    def observe(self, api: ManagementApi, ref: str, _props: JsonObject) -> JsonObject:
        return _managed(as_object(api.call("GET", _path(ref))))

    def differs(self, name: str, olds: JsonObject, news: JsonObject) -> bool:
        # Without a hash from the API (none answered), the state's password is all there is.
        if name == "smtp_pass" and olds.get("smtp_pass_hash") and news.get("smtp_pass"):
            ref = str(news.get("project_ref") or olds.get("project_ref"))
            return bool(olds["smtp_pass_hash"] != smtp_pass_hash(ref, as_text(news["smtp_pass"])))
        return super().differs(name, olds, news)


class AuthConfig(SurfaceResource, module="supabase", name="AuthConfig"):
    """A Supabase project's Auth configuration (URLs, e-mail, passwords, MFA, limits)."""

    provider_class = AuthConfigProvider
    site_url: pulumi.Output[str]


def smtp_pass_hash(ref: str, password: str) -> str:
    """How the API answers an SMTP password: HMAC-SHA256 keyed by the project's ref."""
    return hmac.new(ref.encode(), password.encode(), hashlib.sha256).hexdigest()


def _managed(answer: JsonObject) -> JsonObject:
    """The managed fields of an AuthConfigResponse; its `smtp_pass` is the password's hash."""
    managed = {name: answer.get(name) for name in SENT if name != "smtp_pass"}
    return {**managed, "smtp_pass_hash": answer.get("smtp_pass")}


def _path(ref: str) -> str:
    return f"/v1/projects/{ref}{PATH}"
