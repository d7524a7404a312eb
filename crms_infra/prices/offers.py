"""One price from the AWS Price List: a service's offer file for one region.

The offer file is public JSON, no credentials: `/offers/v1.0/aws/<offer>/current/<region>/
index.json` holds `publicationDate`, `products` (sku -> attributes, among them `usagetype`)
and `terms.OnDemand` (sku -> term -> `priceDimensions`: `unit`, `pricePerUnit.USD`,
`beginRange`, `endRange`), as the AWS Price List documents it
(https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/reading-service-price-list-files-for-aws-services.html).
A tiered price (S3's first 50 TB, CloudWatch's first 10,000 metrics) is read at its first paid
tier; a free tier the file lists at $0 is the allowances' business, not a price.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import httpx

PRICE_LIST = "https://pricing.us-east-1.amazonaws.com"
TIMEOUT_SECONDS = 120.0
"""An offer file is tens of megabytes for S3; a slow line still reads it in time."""


class PriceRefreshError(Exception):
    """A source could not be read, or does not hold the price an entry names."""


@dataclass(frozen=True)
class OfferPrice:
    usd_per_unit: Decimal
    unit: str
    published: str
    """The offer file's publication date, YYYY-MM-DD: the date the source states."""


def offer_url(base: str, offer: str, region: str) -> str:
    return f"{base.rstrip('/')}/offers/v1.0/aws/{offer}/current/{region}/index.json"


def fetch_offer(client: httpx.Client, url: str) -> Mapping[str, Any]:
    try:
        response = client.get(url)
        response.raise_for_status()
        document = json.loads(response.text, parse_float=Decimal)
    except httpx.HTTPError as error:
        raise PriceRefreshError(f"cannot read {url}: {error}") from None
    except ValueError as error:
        raise PriceRefreshError(f"{url} is not JSON: {error}") from None
    if not isinstance(document, dict) or not isinstance(document.get("products"), dict):
        raise PriceRefreshError(f"{url} is not an offer file (no products)")
    return document


def find_price(offer: Mapping[str, Any], usagetype: str, unit: str, url: str) -> OfferPrice:
    """The first paid tier of the on-demand price of `usagetype`, checked to be per `unit`."""
    skus = [
        sku
        for sku, product in offer["products"].items()
        if isinstance(product, dict) and product.get("attributes", {}).get("usagetype") == usagetype
    ]
    on_demand = offer.get("terms", {}).get("OnDemand", {})
    dimensions = [
        dimension
        for sku in skus
        for term in on_demand.get(sku, {}).values()
        for dimension in term.get("priceDimensions", {}).values()
    ]
    paid = [d for d in dimensions if _usd(d, url) > 0]
    if not paid:
        raise PriceRefreshError(f"{url} has no paid on-demand price for usage type {usagetype}")
    first = min(paid, key=lambda dimension: _number(dimension.get("beginRange", "0"), url))
    if first.get("unit") != unit:
        raise PriceRefreshError(
            f"{url}: {usagetype} is priced per {first.get('unit')!r}, the entry expects {unit!r}"
        )
    published = str(offer.get("publicationDate", ""))[:10]
    if len(published) != len("YYYY-MM-DD"):
        raise PriceRefreshError(f"{url} states no publicationDate")
    return OfferPrice(_usd(first, url), unit, published)


def _usd(dimension: Mapping[str, Any], url: str) -> Decimal:
    return _number(dimension.get("pricePerUnit", {}).get("USD"), url)


def _number(value: object, url: str) -> Decimal:
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise PriceRefreshError(f"{url}: {value!r} is not a number") from None
