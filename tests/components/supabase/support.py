"""Helpers shared by the Supabase provider's tests."""

from dataclasses import replace
from typing import Any

from pulumi.dynamic import Config, ConfigureRequest

from components.supabase.api import RetryPolicy
from components.supabase.auth_config import AuthConfigInputs
from components.supabase.fields import properties
from components.supabase.provider import SupabaseProjectProvider
from components.supabase.surface import SurfaceInputs, SurfaceProvider
from components.supabase.waiting import Waiting
from stacks.supabase_settings import PasswordRequirements
from tests.components.supabase.fake_api import FakeManagementApi

TOKEN = "sbp_test_5c9d2e7f1a3b"
RESEND_KEY = "re_Test1234567890abcdefGHIJ"  # shaped like a Resend API key, never a real one


class VirtualClock:
    """Time that passes only when the code under test sleeps.

    Waits cost nothing, and the fake's rate-limit windows see exactly the time the
    provider chose to wait.
    """

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def props(api: FakeManagementApi, **overrides: Any) -> dict[str, Any]:
    return {
        "name": "crms-production",
        "organization_slug": "crms-swiss",
        "region": "eu-central-2",
        "instance_size": "medium",
        "management_api": api.url,
        "db_pass": "pa55-word",
        **overrides,
    }


def created(
    provider: SupabaseProjectProvider, api: FakeManagementApi, **overrides: Any
) -> tuple[str, dict[str, Any]]:
    result = provider.create(props(api, **overrides))
    assert result.outs is not None
    return result.id, result.outs


def surface_provider(kind: type[SurfaceProvider], clock: VirtualClock) -> SurfaceProvider:
    """A surface's provider on the virtual clock, configured with the fake's token."""
    provider = kind(
        retry=RetryPolicy(attempts=4, base_delay=0.01, sleep=clock.sleep, clock=clock),
        waiting=Waiting(timeout=5, values_timeout=1, first_interval=0.01, max_interval=0.02),
        request_timeout=0.5,
    )
    provider.configure(ConfigureRequest(Config({"crms:supabaseAccessToken": TOKEN}, "crms")))
    return provider


def auth_inputs(**overrides: Any) -> AuthConfigInputs:
    """The auth configuration of a production stack."""
    values: dict[str, Any] = {
        "site_url": "https://crms.swiss",
        "uri_allow_list": "https://crms.swiss/**",
        "mailer_autoconfirm": False,
        "mailer_otp_exp": 3600,
        "mailer_otp_length": 8,
        "smtp_pass": RESEND_KEY,
        "smtp_admin_email": "no-reply@crms.swiss",
        "smtp_sender_name": "CRMS",
        "smtp_max_frequency": 60,
        "password_min_length": 12,
        "password_required_characters": PasswordRequirements.LOWER_UPPER_LETTERS_DIGITS.characters,
        "password_hibp_enabled": True,
        "mfa_totp_enroll_enabled": True,
        "mfa_totp_verify_enabled": True,
        "jwt_exp": 3600,
        "rate_limit_email_sent": 30,
        "rate_limit_otp": 30,
        "rate_limit_verify": 30,
        "rate_limit_token_refresh": 150,
    }
    return AuthConfigInputs(**{**values, **overrides})


def surface_props(
    inputs: SurfaceInputs, ref: str, api: FakeManagementApi | None = None
) -> dict[str, Any]:
    """The properties the engine hands the provider for `inputs` on project `ref`."""
    where = {"management_api": api.url} if api is not None else {}
    return properties(replace(inputs, project_ref=ref, **where))
