"""stacks/processors.py: each processor's declaration, and a Sentry DSN in the region the
stack declares (issue 27, point 5)."""

import pytest

from stacks.loader import SettingsError
from stacks.processors import checked_sentry_dsn, processors, sentry_region_of
from stacks.regions import SentryRegion
from tests.helpers import load


@pytest.mark.parametrize(
    ("dsn", "region"),
    [
        ("https://k@o1.ingest.de.sentry.io/2", SentryRegion.EU),
        ("https://k@o1.ingest.sentry.io/2", SentryRegion.US),
        ("https://k@o1.ingest.us.sentry.io/2", SentryRegion.US),
        ("https://k@sentry.example.ch/2", None),
        ("offline-placeholder-sentryDsn", None),
    ],
)
def test_a_dsns_host_names_its_region(dsn: str, region: SentryRegion | None) -> None:
    assert sentry_region_of(dsn) is region


def test_a_dsn_of_the_other_region_is_refused_naming_file_key_and_fix() -> None:
    dsn = "https://public@o1.ingest.sentry.io/2"
    with pytest.raises(SettingsError) as error:
        checked_sentry_dsn(dsn, SentryRegion.EU, "Pulumi.prod.yaml")
    message = str(error.value)
    assert message.startswith("Pulumi.prod.yaml: crms:sentryRegion has the bad value")
    assert "crms:sentryRegion: us" in message
    assert "public" not in message  # the DSN's key is never shown
    assert checked_sentry_dsn(dsn, SentryRegion.US, "Pulumi.prod.yaml") == dsn


def test_the_declarations_follow_the_settings() -> None:
    settings = load(
        "prod",
        sentryRegion="us",
        sentryReplaysOnErrorSampleRate="0.25",
        cachePrimaryRegion="eu-west-1",
    )
    declared = {processor.name: processor for processor in processors(settings)}
    assert [(p.kind, p.code) for p in declared["Sentry"].places] == [("sentry", "us")]
    assert "the session replay of 25% of errors" in declared["Sentry"].data
    assert [(p.kind, p.code) for p in declared["Upstash"].places] == [("aws", "eu-west-1")]
    assert declared["Vercel"].places[0].code == "fra1"
    record = declared["Stripe"].record()
    assert record["sources"] == [{"url": "https://stripe.com/legal/dta", "read": "2026-12-04"}]


def test_a_replay_rate_outside_0_to_1_is_refused() -> None:
    with pytest.raises(SettingsError, match="crms:sentryReplaysOnErrorSampleRate"):
        load("prod", sentryReplaysOnErrorSampleRate="1.5")
