"""Where a provider's region code lies: place, country and legal area under the revFADP.

The revFADP (Art. 16) lets personal data go abroad only to states whose laws the
Federal Council lists as adequate (Annex 1 of the Data Protection Ordinance, DPO):
the EU/EEA states are on that list. So the report sorts each region into
Switzerland, the EU/EEA, or elsewhere; the policy pack's allow-lists
(`stacks/regions.py`) admit only the first two, and a test ties the two together.
"""

from dataclasses import dataclass
from enum import StrEnum


class LegalArea(StrEnum):
    SWITZERLAND = "Switzerland"
    EU_EEA = "EU/EEA"
    ELSEWHERE = "elsewhere"


@dataclass(frozen=True)
class Location:
    region: str
    place: str
    country: str
    area: LegalArea

    def label(self) -> str:
        if self.region == self.country:  # a vendor's place known only by its country
            return self.country
        return f"{self.region} ({self.place}, {self.country})"


_CH, _EU, _ELSE = LegalArea.SWITZERLAND, LegalArea.EU_EEA, LegalArea.ELSEWHERE

# AWS region codes, which Supabase and Upstash use too
# (https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html).
_AWS = {
    "eu-central-2": ("Zurich", "Switzerland", _CH),
    "eu-central-1": ("Frankfurt", "Germany", _EU),
    "eu-west-1": ("Dublin", "Ireland", _EU),
    "eu-west-2": ("London", "United Kingdom", _ELSE),
    "eu-west-3": ("Paris", "France", _EU),
    "eu-north-1": ("Stockholm", "Sweden", _EU),
    "eu-south-1": ("Milan", "Italy", _EU),
    "eu-south-2": ("Aragon", "Spain", _EU),
    "us-east-1": ("N. Virginia", "United States", _ELSE),
    "us-east-2": ("Ohio", "United States", _ELSE),
    "us-west-1": ("N. California", "United States", _ELSE),
    "us-west-2": ("Oregon", "United States", _ELSE),
    "ap-southeast-1": ("Singapore", "Singapore", _ELSE),
    "ap-northeast-1": ("Tokyo", "Japan", _ELSE),
    "sa-east-1": ("São Paulo", "Brazil", _ELSE),
}

# Vercel's function regions (https://vercel.com/docs/regions).
_VERCEL = {
    "arn1": ("Stockholm", "Sweden", _EU),
    "cdg1": ("Paris", "France", _EU),
    "dub1": ("Dublin", "Ireland", _EU),
    "fra1": ("Frankfurt", "Germany", _EU),
    "lhr1": ("London", "United Kingdom", _ELSE),
    "bom1": ("Mumbai", "India", _ELSE),
    "cle1": ("Cleveland", "United States", _ELSE),
    "cpt1": ("Cape Town", "South Africa", _ELSE),
    "gru1": ("São Paulo", "Brazil", _ELSE),
    "hkg1": ("Hong Kong", "China", _ELSE),
    "hnd1": ("Tokyo", "Japan", _ELSE),
    "iad1": ("Washington, D.C.", "United States", _ELSE),
    "icn1": ("Seoul", "South Korea", _ELSE),
    "kix1": ("Osaka", "Japan", _ELSE),
    "pdx1": ("Portland", "United States", _ELSE),
    "sfo1": ("San Francisco", "United States", _ELSE),
    "sin1": ("Singapore", "Singapore", _ELSE),
    "syd1": ("Sydney", "Australia", _ELSE),
}

# Sentry's data storage locations (https://docs.sentry.io/organization/data-storage-location/).
_SENTRY = {
    "eu": ("Frankfurt", "Germany", _EU),
    "us": ("Iowa", "United States", _ELSE),
}
SENTRY_REGIONS = {"https://de.sentry.io": "eu", "https://us.sentry.io": "us"}
"""An organization's `links.regionUrl` (the API's `https://{region}.sentry.io`) -> its
data storage location."""
_COUNTRIES = {"Switzerland": _CH, "Germany": _EU, "Ireland": _EU, "United States": _ELSE}


def aws_location(region: str) -> Location:
    """An AWS (or Supabase, or Upstash) region; an unknown code lies 'elsewhere'."""
    return _located(region, _AWS)


def vercel_location(region: str) -> Location:
    return _located(region, _VERCEL)


def place_location(kind: str, code: str) -> Location:
    """A processor's place (stacks/processors.py, Place): a region of AWS, Vercel or
    Sentry, or a country by name (where the vendor's company keeps the data)."""
    if kind == "aws":
        return aws_location(code)
    if kind == "vercel":
        return vercel_location(code)
    if kind == "sentry":
        return _located(code, _SENTRY)
    return Location(code, "the vendor's own sites", code, _COUNTRIES.get(code, _ELSE))


def _located(region: str, table: dict[str, tuple[str, str, LegalArea]]) -> Location:
    if region in table:
        place, country, area = table[region]
        return Location(region, place, country, area)
    return Location(region, "unknown place", "unknown country", LegalArea.ELSEWHERE)
