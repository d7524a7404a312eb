"""components/variables.py: one resource per value, the targets Vercel accepts, and the
order that keeps Vercel from refusing a key's second variable."""

import pulumi
import pulumiverse_vercel as vercel
import pytest

from components.variables import EVERY_TARGET, EnvVar, Target, project_variables


def test_a_sensitive_value_never_reaches_development() -> None:
    with pytest.raises(ValueError, match="Vercel refuses a sensitive value in development"):
        EnvVar("STRIPE_SECRET_KEY", "sk_test_x", sensitive=True, targets=EVERY_TARGET)


@pytest.mark.parametrize("targets", [(), (Target.PREVIEW, Target.PREVIEW)])
def test_targets_are_named_once_each(targets: tuple[Target, ...]) -> None:
    with pytest.raises(ValueError, match="name each target once"):
        EnvVar("NODE_ENV", "production", sensitive=False, targets=targets)


def test_a_variable_keeps_its_name_while_it_reaches_production() -> None:
    assert EnvVar("SENTRY_DSN", "x", True).resource_name("compute-web") == "compute-web-sentry-dsn"
    preview = EnvVar("SENTRY_DSN", "x", True, (Target.PREVIEW,))
    assert preview.resource_name("compute-web") == "compute-web-preview-sentry-dsn"
    both = EnvVar("NEXT_PUBLIC_SUPABASE_URL", "x", False, (Target.PREVIEW, Target.DEVELOPMENT))
    assert both.resource_name("w") == "w-preview-development-next-public-supabase-url"


@pytest.mark.usefixtures("mocks")
@pulumi.runtime.test
def test_two_values_for_one_key_and_target_are_refused() -> pulumi.Output[str]:
    project = vercel.Project("web", name="crms-test")
    parent = pulumi.ComponentResource("crms:index:Test", "parent")
    clash = [
        EnvVar("NEXT_PUBLIC_APP_ENV", "production", False, EVERY_TARGET),
        EnvVar("NEXT_PUBLIC_APP_ENV", "preview", False, (Target.PREVIEW,)),
    ]
    with pytest.raises(ValueError, match="NEXT_PUBLIC_APP_ENV: two values for preview"):
        project_variables("web", project, clash, parent)
    return project.id
