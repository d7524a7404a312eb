"""Region allow-lists: where CRMS data and compute may live (Swiss data residency).

One module so that settings, components and the policy pack agree on the lists.
"""

from enum import StrEnum
from typing import Final, Literal

ZURICH: Final = "eu-central-2"
"""AWS and Supabase code of the Zurich region: the home of every data store."""

AwsEuropeanRegion = Literal[
    "eu-central-2",  # Zurich
    "eu-central-1",  # Frankfurt
    "eu-west-1",  # Ireland
    "eu-west-3",  # Paris
    "eu-north-1",  # Stockholm
    "eu-south-1",  # Milan
    "eu-south-2",  # Spain
]
"""AWS regions in Switzerland or the EU/EEA, which Switzerland recognises as adequate."""

UpstashEuropeanRegion = Literal["eu-central-1", "eu-west-1"]
"""Upstash primary regions inside the EU; Upstash has no Swiss region."""

VercelEuropeanRegion = Literal["fra1", "cdg1", "dub1", "arn1"]
"""Vercel function regions inside the EU (Frankfurt, Paris, Dublin, Stockholm).

London (lhr1) is left out: the UK is neither in the EU nor in the EEA.
"""


class SentryRegion(StrEnum):
    """Sentry's data storage locations, fixed when the organization is created: the EU
    (Frankfurt) or the US (Iowa). The DSN's host shows it: `o<n>.ingest.de.sentry.io` is
    the EU, `o<n>.ingest.sentry.io` or `o<n>.ingest.us.sentry.io` the US
    (https://docs.sentry.io/organization/data-storage-location/,
    https://docs.sentry.io/product/security/ip-ranges/)."""

    EU = "eu"
    US = "us"

    @property
    def api_url(self) -> str:
        """The organization's region URL (getOrganization's `links.regionUrl`): the API's
        `servers` entry `https://{region}.sentry.io`, region `de` or `us`
        (getsentry/sentry-api-schema openapi-derefed.json, commit a589a26c)."""
        return "https://de.sentry.io" if self is SentryRegion.EU else "https://us.sentry.io"
