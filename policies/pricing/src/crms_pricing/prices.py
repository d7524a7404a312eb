"""The price data: one JSON file per vendor in `prices/`, each price with its page and date.

A file holds `vendor` (the name lines show), `prices` (key -> `usd` for a `block` of that
many units (default 1) of the unit it is `per`, the `source` page, the day it was `read`, the
date the source states if it states one (`stated`: its publication or last update), a `note`,
and for a machine-readable source the `refresh` that `make prices` reads it by) and
`allowances` (key -> `quantity` included, same fields). An estimate shows the oldest `read`
it used: how long ago its prices were last checked against their sources. A price that could
not be found is `"usd": null` with the reason in `unknown`: its lines are "unknown", never a
guess. Keys are read as `<file>:<key>`, e.g. `supabase:compute.medium`.
"""

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

PRICES_DIR = Path(__file__).resolve().parent / "prices"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class PriceDataError(Exception):
    """A price file is malformed, or a price the pricing asks for has no entry."""


@dataclass(frozen=True)
class Price:
    key: str
    vendor: str
    usd: Decimal | None
    block: Decimal
    """How many units `usd` buys: 100,000 for "$0.20 per 100,000 commands"."""
    per: str
    source: str
    read: str
    stated: str
    note: str
    refresh: Mapping[str, str] | None = None
    """Where `make prices` reads it (an AWS offer file: offer, region, usagetype, unit)."""
    unknown: str = ""
    """Why there is no price (`usd` null)."""


@dataclass(frozen=True)
class Allowance:
    key: str
    quantity: Decimal
    per: str
    source: str
    read: str
    stated: str
    note: str


class PriceBook:
    def __init__(self, prices: Mapping[str, Price], allowances: Mapping[str, Allowance]) -> None:
        self.prices = dict(prices)
        self.allowances = dict(allowances)

    @classmethod
    def load(cls, directory: Path = PRICES_DIR) -> "PriceBook":
        prices: dict[str, Price] = {}
        allowances: dict[str, Allowance] = {}
        for path in sorted(directory.glob("*.json")):
            data = json.loads(path.read_text(), parse_float=Decimal, parse_int=Decimal)
            vendor = _text(data, "vendor", path.name)
            for key, entry in _section(data, "prices", path.name).items():
                usd = entry.get("usd")
                if usd is not None and not isinstance(usd, Decimal):
                    raise PriceDataError(f"{path.name}: {key}: usd must be a number or null")
                block = entry.get("block", Decimal(1))
                if not isinstance(block, Decimal) or block <= 0:
                    raise PriceDataError(f"{path.name}: {key}: block must be a positive number")
                fields = _common(entry, f"{path.name}: {key}")
                name = f"{path.stem}:{key}"
                refresh = _refresh(entry.get("refresh"), f"{path.name}: {key}")
                unknown = entry.get("unknown", "")
                if (usd is None) != (isinstance(unknown, str) and bool(unknown)):
                    raise PriceDataError(
                        f"{path.name}: {key}: a null usd needs its reason in unknown, "
                        "and a price none"
                    )
                prices[name] = Price(
                    name, vendor, usd, block, **fields, refresh=refresh, unknown=str(unknown)
                )
            for key, entry in _section(data, "allowances", path.name).items():
                quantity = entry.get("quantity")
                if not isinstance(quantity, Decimal):
                    raise PriceDataError(f"{path.name}: {key}: quantity must be a number")
                fields = _common(entry, f"{path.name}: {key}")
                allowances[f"{path.stem}:{key}"] = Allowance(
                    f"{path.stem}:{key}", quantity, **fields
                )
        return cls(prices, allowances)

    def price(self, key: str) -> Price:
        if key not in self.prices:
            raise PriceDataError(f"no price entry {key!r}: add it to its vendor's price file")
        return self.prices[key]

    def allowance(self, key: str) -> Allowance:
        if key not in self.allowances:
            raise PriceDataError(f"no allowance entry {key!r}: add it to its vendor's price file")
        return self.allowances[key]


def _section(data: Any, name: str, file_name: str) -> dict[str, dict[str, Any]]:
    section = data.get(name) if isinstance(data, dict) else None
    if not isinstance(section, dict) or not all(isinstance(v, dict) for v in section.values()):
        raise PriceDataError(f"{file_name}: {name} must be an object of entries")
    return section


def _common(entry: Mapping[str, Any], where: str) -> dict[str, str]:
    fields = {name: _text(entry, name, where) for name in ("per", "source", "read")}
    if not fields["source"].startswith("https://"):
        raise PriceDataError(f"{where}: source must be the https:// page the price comes from")
    if not _DATE.match(fields["read"]):
        raise PriceDataError(f"{where}: read must be the day the source was read, YYYY-MM-DD")
    stated = entry.get("stated", "")
    if stated != "" and not (isinstance(stated, str) and _DATE.match(stated)):
        raise PriceDataError(f"{where}: stated must be the date the source states, YYYY-MM-DD")
    note = entry.get("note", "")
    return {**fields, "stated": str(stated), "note": note if isinstance(note, str) else ""}


REFRESH_FIELDS = ("offer", "region", "usagetype", "unit")


def _refresh(value: object, where: str) -> dict[str, str] | None:
    if value is None:
        return None
    if not isinstance(value, dict) or sorted(value) != sorted(REFRESH_FIELDS):
        raise PriceDataError(f"{where}: refresh must hold {', '.join(REFRESH_FIELDS)}")
    return {name: _text(value, name, where) for name in REFRESH_FIELDS}


def _text(data: Any, name: str, where: str) -> str:
    value = data.get(name) if isinstance(data, Mapping) else None
    if not isinstance(value, str) or not value:
        raise PriceDataError(f"{where}: {name} must be a non-empty text")
    return value
