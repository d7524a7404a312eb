"""The Supabase project's settings: each bound refuses by file and key, production keeps the
checklist's values, and PITR is asked only where Supabase offers it."""

import json
from typing import Any, get_args

import pytest

from components.supabase import network_restrictions, pitr
from stacks.loader import SettingsError
from stacks.supabase_settings import (
    AuthSettings,
    DataApiSettings,
    DatabaseConfigSettings,
    PasswordRequirements,
    PitrVariant,
)
from tests.components.supabase.spec import spec
from tests.conftest import REPO, STACKS
from tests.helpers import assert_refused_in_one_line, load

# (key, bad value, words the message must hold besides the file and key)
BAD_VALUES = [
    ("authSiteUrl", "http://crms.swiss", "pattern"),
    ("authSiteUrl", "https://localhost:3000", "localhost"),
    ("authSiteUrl", "https://crms.swiss/a,b", "pattern"),
    ("authSiteUrl", "https://" + "a" * 200 + ".ch", "at most 200"),
    ("authRedirectUrls", ["http://127.0.0.1:3000/**"], "pattern"),
    ("authRedirectUrls", ["https://crms.swiss/**"] * 21, "at most 20"),
    ("authSenderEmail", "no-reply", "email"),
    ("authSenderName", "C" * 65, "at most 64"),
    ("authOtpExpirySeconds", 7200, "3600"),
    ("authOtpLength", 5, "6"),
    ("authPasswordMinLength", 6, "8"),
    ("authPasswordRequirements", "digits", "lower_upper_letters_digits"),
    ("authJwtExpirySeconds", 60, "300"),
    ("authRateLimitEmailsPerHour", 0, "1"),
    ("authRateLimitTokenRefreshesPer5Minutes", 100_000, "10000"),
    ("databaseAllowedCidrs", ["10.0.0.0/8"], "private or reserved"),
    ("databaseAllowedCidrs", ["192.0.2.1/33"], "not a CIDR range"),
    ("databaseAllowedCidrs", ["0.0.0.0/0", "0.0.0.0/0"], "each value once"),
    ("databaseAllowedCidrs", [], "at least 1"),
    ("databasePitr", "pitr_30", "pitr_7"),
    ("databaseStatementTimeoutSeconds", 0, "1"),
    ("databaseStatementTimeoutSeconds", 7200, "3600"),
    ("dataApiSchemas", ["audit"], "public"),
    ("dataApiSchemas", ["public", "public"], "each value once"),
    ("dataApiMaxRows", 0, "1"),
    ("dataApiMaxRows", 20_000, "10000"),
]


@pytest.mark.parametrize(("key", "value", "allowed"), BAD_VALUES)
def test_bad_value_names_file_key_value_and_what_is_allowed(
    key: str, value: Any, allowed: str
) -> None:
    assert_refused_in_one_line(key, value, allowed)


def test_a_sender_name_cannot_add_a_header_line() -> None:
    with pytest.raises(SettingsError, match=r"crms:authSenderName has the bad value .*pattern"):
        load("staging", authSenderName="CRMS\nBcc: everyone@example.com")


@pytest.mark.parametrize("stack", STACKS)
def test_every_stack_keeps_the_production_checklist(stack: str) -> None:
    settings = load(stack)
    assert settings.database.ssl_enforced is True
    assert settings.auth.site_url.startswith("https://")
    assert settings.auth.email_confirmations is True
    assert settings.auth.otp_expiry_seconds <= 3600
    assert settings.auth.mfa_totp is True
    assert settings.auth.leaked_password_check is True
    assert settings.data_api.schemas == ["public"]


def test_the_defaults_pass_the_checklist_too() -> None:
    """A key left out of a stack file gets a value the checklist accepts."""
    defaults = {
        name: field.default
        for model in (AuthSettings, DatabaseConfigSettings, DataApiSettings)
        for name, field in model.model_fields.items()
    }
    assert defaults["ssl_enforced"] is True
    assert defaults["otp_expiry_seconds"] == 3600
    assert defaults["password_min_length"] >= 8
    assert (
        defaults["password_requirements"] is PasswordRequirements.LOWER_UPPER_LETTERS_DIGITS_SYMBOLS
    )
    assert defaults["leaked_password_check"] is True
    assert defaults["mfa_totp"] is True
    assert defaults["rate_limit_emails_per_hour"] == 30  # the checklist's custom-SMTP default
    assert defaults["schemas"] == ["public"]


def test_production_enforces_ssl() -> None:
    with pytest.raises(
        SettingsError, match=r"crms:databaseSslEnforced .*must be true in production"
    ):
        load("prod", databaseSslEnforced=False)


def test_production_has_point_in_time_recovery() -> None:
    assert load("prod").database.pitr == "pitr_7"
    with pytest.raises(
        SettingsError, match=r"crms:databasePitr has the bad value \"none\": must be"
    ):
        load("prod", databasePitr="none")


def test_pitr_is_refused_below_the_small_compute_size() -> None:
    with pytest.raises(SettingsError) as caught:
        load("dev", databasePitr="pitr_7", databaseInstanceSize="micro")
    assert "crms:databaseInstanceSize small or larger (it is micro)" in str(caught.value)
    assert load("staging", databasePitr="pitr_14").database.pitr == "pitr_14"


def test_open_network_is_spelt_out_in_each_stack_file() -> None:
    """The decision is visible where a reviewer reads the stack (docs/design.md says why)."""
    for stack in STACKS:
        text = (REPO / f"Pulumi.{stack}.yaml").read_text()
        assert "crms:databaseAllowedCidrs:" in text
    assert json.dumps(load("prod").database.allowed_cidrs) == '["0.0.0.0/0", "::/0"]'


def test_the_settings_copies_are_the_apis_values() -> None:
    """The settings cannot import the providers (the CLI imports the settings, and must not
    load `components` before it plans a project directory), so each copy is tied here."""
    schemas = spec().document["components"]["schemas"]
    characters = schemas["UpdateAuthConfigBody"]["properties"]["password_required_characters"]
    assert sorted(r.characters for r in PasswordRequirements) == sorted(characters["enum"])
    variants = schemas["ApplyProjectAddonBody"]["properties"]["addon_variant"]["oneOf"]
    pitr_variants = {v for option in variants for v in option["enum"] if v.startswith("pitr_")}
    assert set(get_args(PitrVariant)) == {v.value for v in pitr.PitrVariant}
    assert set(get_args(PitrVariant)) == pitr_variants | {pitr.PitrVariant.NONE.value}
    assert list(DatabaseConfigSettings.model_fields["allowed_cidrs"].default) == list(
        network_restrictions.OPEN
    )
