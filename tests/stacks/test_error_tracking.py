"""stacks/error_tracking.py and the Sentry settings: the project per stack, its region, the
key's limit; and stacks/processors.records, which places Sentry where the resource says."""

from typing import Any

import pulumi
import pytest

from stacks.error_tracking import error_tracking_args
from stacks.loader import SettingsError
from stacks.processors import records
from tests.helpers import load


@pytest.mark.parametrize("stack", ["dev", "staging", "prod"])
def test_each_stack_has_its_own_project_in_the_eu(stack: str) -> None:
    settings = load(stack)
    args = error_tracking_args(settings)
    assert args.project == f"crms-{settings.environment.value}"
    assert (args.api_url, args.region_url) == ("https://de.sentry.io", "https://de.sentry.io")
    assert args.key_rate_limit_per_hour == 1000
    assert settings.sentry.traces_sample_rate == 0.1  # the seed's tracesSampleRate


def test_a_us_region_expects_the_us_region_url() -> None:
    args = error_tracking_args(load("prod", sentryRegion="us"))
    assert (args.api_url, args.region_url) == ("https://us.sentry.io", "https://us.sentry.io")


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("sentryKeyRateLimitPerHour", "0"),
        ("sentryTracesSampleRate", "1.5"),
        ("sentryOrganization", "Not A Slug"),
    ],
)
def test_a_bad_sentry_setting_names_its_key(key: str, value: str) -> None:
    with pytest.raises(SettingsError, match=f"crms:{key}"):
        load("prod", **{key: value})


@pytest.mark.parametrize(
    ("region_url", "place"),
    [
        ("https://de.sentry.io", "eu"),
        ("https://us.sentry.io", "us"),
        ("https://x.io", "https://x.io"),
    ],
)
@pulumi.runtime.test
def test_processors_place_sentry_where_the_project_is(
    region_url: str, place: str
) -> pulumi.Output[None]:
    def check(declared: list[dict[str, Any]]) -> None:
        (sentry,) = [record for record in declared if record["name"] == "Sentry"]
        assert list(sentry["places"]) == [{"kind": "sentry", "code": place}]
        assert sentry["secretKeys"] == ["crms:sentryAuthToken"]

    return records(load("prod"), pulumi.Output.from_input(region_url)).apply(check)
