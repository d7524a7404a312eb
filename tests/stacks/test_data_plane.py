"""stacks/data_plane.py and stacks/preview_settings.py: whose data plane previews use, who
may open them, and a Stripe key in the mode its stack runs in."""

from typing import Any

import pulumi
import pytest

from crms_infra.offline.mocks import PlanMocks
from crms_infra.offline.references import ORGANIZATION
from stacks.data_plane import (
    DATA_PLANE_OUTPUT,
    DATA_PLANE_SECRETS_OUTPUT,
    referenced_data_plane,
)
from stacks.loader import SettingsError
from stacks.preview_settings import VercelAuthentication
from stacks.stripe_mode import StripeMode, checked_stripe_key
from tests.helpers import assert_refused_in_one_line, load

LIVE_KEY = "sk_live_51AbCdEf0123456789"  # shaped like Stripe's, never a real one


@pytest.mark.parametrize(
    ("key", "mode"),
    [
        ("sk_test_51AbCdEf0123456789", StripeMode.TEST),
        ("rk_test_51AbCdEf0123456789", StripeMode.TEST),
        (LIVE_KEY, StripeMode.LIVE),
        ("rk_live_51AbCdEf0123456789", StripeMode.LIVE),
        ("offline-placeholder-staging-crms-stripeSecretKey", StripeMode.TEST),
        ("offline-placeholder-prod-crms-stripeSecretKey", StripeMode.LIVE),
    ],
)
def test_a_key_of_the_stacks_mode_or_of_none_passes(key: str, mode: StripeMode) -> None:
    assert checked_stripe_key(key, mode, "Pulumi.staging.yaml") == key


def test_a_live_key_outside_production_is_refused_without_showing_it() -> None:
    """Staging's key reaches prod's previews: a live one would charge real cards."""
    with pytest.raises(SettingsError) as caught:
        checked_stripe_key(LIVE_KEY, StripeMode.TEST, "Pulumi.staging.yaml")
    message = str(caught.value)
    assert message.startswith("Pulumi.staging.yaml: crms:stripeSecretKey holds a live-mode key")
    assert "pulumi config set --secret stripeSecretKey" in message
    assert "51AbCdEf" not in message


def test_a_test_key_in_production_is_refused() -> None:
    with pytest.raises(SettingsError, match="holds a test-mode key, but this stack's Stripe"):
        checked_stripe_key("sk_test_51AbCdEf0123456789", StripeMode.LIVE, "Pulumi.prod.yaml")


class _NoDataPlane(PlanMocks):
    """A referenced stack that was never `up` with this program: it exports nothing."""

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, Any]:
        if args.typ == "pulumi:pulumi:StackReference":
            return args.name, {"name": args.name, "outputs": {}, "secretOutputNames": []}
        return super().new_resource(args)


def test_a_stack_that_exports_no_data_plane_stops_the_run_saying_why() -> None:
    pulumi.runtime.reset_options(
        project="crms", stack="prod", preview=False, organization=ORGANIZATION
    )
    pulumi.runtime.set_mocks(
        _NoDataPlane(), project="crms", stack="prod", preview=False, organization=ORGANIZATION
    )

    @pulumi.runtime.test
    def run() -> pulumi.Output[str]:
        plane = referenced_data_plane("staging")
        assert plane.stack == "organization/crms/staging"
        return pulumi.Output.from_input(plane.secret["STRIPE_SECRET_KEY"])

    with pytest.raises(pulumi.RunError) as caught:
        run()
    message = str(caught.value)
    assert message.startswith("stack organization/crms/staging exports no ")
    assert message.endswith(
        ": run `pulumi up` on it first (this stack's previews use its data plane)"
    )
    assert DATA_PLANE_OUTPUT in message or DATA_PLANE_SECRETS_OUTPUT in message


def test_the_committed_stacks_protect_previews_and_only_prod_borrows_a_data_plane() -> None:
    for stack in ("dev", "staging", "prod"):
        previews = load(stack).previews
        assert previews.protection is VercelAuthentication.STANDARD
        assert previews.trusted_ips == []
        assert previews.data_plane_stack == ("staging" if stack == "prod" else "")


def test_trusted_ips_need_an_enterprise_plan() -> None:
    assert_refused_in_one_line(
        "previewsTrustedIps", ["203.0.113.0/24"], "needs a Vercel Enterprise plan"
    )
    allowed = load("staging", previewsTrustedIps=["203.0.113.0/24"], computeVercelPlan="enterprise")
    assert allowed.previews.trusted_ips == ["203.0.113.0/24"]


def test_trusted_ips_guard_what_vercel_authentication_guards() -> None:
    with pytest.raises(SettingsError, match="crms:previewsProtection is none"):
        load(
            "staging",
            previewsTrustedIps=["203.0.113.0/24"],
            computeVercelPlan="enterprise",
            previewsProtection="none",
        )


def test_no_protection_is_a_setting_the_pack_refuses_not_the_settings() -> None:
    """Vercel allows it; compliance does not (previews-protected), with an exemption."""
    assert load("dev", previewsProtection="none").previews.protection is VercelAuthentication.NONE


@pytest.mark.parametrize(
    ("key", "value", "allowed"),
    [
        ("computeVercelPlan", "hobby", "pro"),
        ("previewsProtection", "public", "standard_protection_new"),
        ("previewsTrustedIps", ["10.0.0.0/33"], "not an IP address or CIDR range"),
        ("previewsTrustedIps", ["203.0.113.0/24"] * 21, "at most 20"),
        ("previewsDataPlaneStack", "staging", "must name another stack"),
        ("previewsDataPlaneStack", "no spaces", "pattern"),
    ],
)
def test_bad_preview_settings_are_refused_by_file_and_key(
    key: str, value: Any, allowed: str
) -> None:
    assert_refused_in_one_line(key, value, allowed)
