"""`crms-infra prices`: read every price entry that names a machine-readable source (its
`refresh`: an AWS offer file and usage type), print what changed, and with `--write` put the
new prices and their sources' dates into the price files, for a person to review with
`git diff` and commit. Nothing is written unless every source was read.

The other vendors publish pages, not data: their entries are read by a person, who sets the
price and the date the page states.
"""

import argparse
import datetime as dt
import json
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from crms_pricing.prices import PRICES_DIR, PriceBook

from crms_infra.prices.offers import (
    PRICE_LIST,
    TIMEOUT_SECONDS,
    PriceRefreshError,
    fetch_offer,
    find_price,
    offer_url,
)

EXIT_OK = 0
EXIT_ERROR = 2


@dataclass(frozen=True)
class Change:
    key: str
    """`aws:s3.eu-central-2.standard_gb_month`."""
    was: Decimal | None
    now: Decimal
    was_dated: str
    dated: str
    """The offer file's publication date: the entry's `stated`."""
    url: str
    """Where it was read (the Price List, or a stand-in given with --price-list)."""
    source: str
    """The Price List's own address of the offer file: what the entry cites."""

    def text(self) -> str:
        return (
            f"{self.key}: {usd_price(self.was)} → {usd_price(self.now)} "
            f"(dated {self.was_dated} → {self.dated}, {self.url})"
        )


def usd_price(amount: Decimal | None) -> str:
    return "unknown" if amount is None else f"${amount.normalize():f}"


def changes(prices_dir: Path, base: str, client: httpx.Client) -> list[Change]:
    """What the sources say now, against the files, entry by entry."""
    book = PriceBook.load(prices_dir)
    offers: dict[str, Any] = {}
    found = []
    for price in book.prices.values():
        if price.refresh is None:
            continue
        spec = price.refresh
        url = offer_url(base, spec["offer"], spec["region"])
        if url not in offers:
            offers[url] = fetch_offer(client, url)
        read = find_price(offers[url], spec["usagetype"], spec["unit"], url)
        now = (read.usd_per_unit * price.block).normalize()
        if now != price.usd or read.published != price.stated:
            source = offer_url(PRICE_LIST, spec["offer"], spec["region"])
            was_dated = price.stated or "no date"
            found.append(Change(price.key, price.usd, now, was_dated, read.published, url, source))
    return found


def write(prices_dir: Path, found: list[Change], today: str) -> None:
    """Each change into its vendor's file: the price, the day it was read, the date the source
    states, and no unknown reason."""
    by_file: dict[str, list[Change]] = {}
    for change in found:
        by_file.setdefault(change.key.split(":", 1)[0], []).append(change)
    for stem, file_changes in by_file.items():
        path = prices_dir / f"{stem}.json"
        document = json.loads(path.read_text(), parse_float=Decimal, parse_int=Decimal)
        for change in file_changes:
            entry = document["prices"][change.key.split(":", 1)[1]]
            entry["usd"] = change.now
            entry["read"] = today
            entry["stated"] = change.dated
            entry["source"] = change.source
            entry.pop("unknown", None)
        text = json.dumps(document, indent=2, ensure_ascii=False, default=_json_number)
        path.write_text(text + "\n")


def add_command(
    commands: "argparse._SubParsersAction[argparse.ArgumentParser]",
    common: argparse.ArgumentParser,
) -> None:
    prices = commands.add_parser(
        "prices",
        parents=[common],
        help="re-read the machine-readable price sources; --write puts changes in the files",
    )
    prices.add_argument("--write", action="store_true", help="write the changes for review")
    prices.add_argument("--price-list", default=PRICE_LIST, help="the AWS Price List's address")
    prices.add_argument("--prices-dir", type=Path, default=PRICES_DIR, help=argparse.SUPPRESS)
    # The day written as `read`: today, unless a test names another.
    prices.add_argument("--today", type=dt.date.fromisoformat, help=argparse.SUPPRESS)
    prices.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        with httpx.Client(timeout=TIMEOUT_SECONDS, follow_redirects=True) as client:
            found = changes(args.prices_dir, args.price_list, client)
    except PriceRefreshError as error:
        print(f"error: {error}; no price file was changed", file=sys.stderr)
        return EXIT_ERROR
    for change in found:
        print(change.text())
    if not found:
        print("prices: every machine-readable price is as its source states")
    elif args.write:
        write(args.prices_dir, found, (args.today or dt.datetime.now(dt.UTC).date()).isoformat())
        print(f"prices: wrote {len(found)} changes to {args.prices_dir}: review and commit them")
    else:
        print(f"prices: {len(found)} changes; run with --write (`make prices`) to write them")
    return EXIT_OK


def _json_number(value: object) -> int | float:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"{type(value).__name__} is not JSON")
