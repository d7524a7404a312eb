"""What an estimate is made of: the resources as pricing sees them, lines, the estimate.

Money is `Decimal` in USD, the currency every vendor here publishes; each line's month is
rounded to the cent, and the total is the sum of the rounded lines, so what is printed adds up.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CENT = Decimal("0.01")
ZERO = Decimal(0)
DAYS_PER_MONTH = Decimal(31)
"""The month priced: the longest a bill covers, so that an estimate within the budget holds
every month."""
HOURS_PER_MONTH = DAYS_PER_MONTH * 24
"""744: what an hourly price bills in that month. Supabase bills compute and add-ons by the
hour, 744 of them in a 31-day month
(https://supabase.com/docs/guides/platform/manage-your-usage/compute); its monthly column
(Medium ~$60) is the 730-hour average month."""


@dataclass(frozen=True)
class Resource:
    """A resource as pricing sees it: its type, names and properties (engine names)."""

    type: str
    name: str
    urn: str
    props: Mapping[str, Any]
    dependencies: tuple[str, ...] = ()
    """URNs of the resources it depends on."""


@dataclass(frozen=True)
class Line:
    """One priced quantity: of a resource, or of the stack (a plan fee, a credit)."""

    urn: str | None
    """The resource's URN; None for a line of the stack as a whole."""
    name: str
    provider: str
    component: str
    what: str
    unit: str
    quantity: Decimal
    unit_price: Decimal | None
    """USD per `block` units; None where the price could not be found (the line is "unknown")."""
    block: Decimal
    price_key: str
    """The entry of the price files the unit price comes from (`supabase:compute.medium`)."""
    source: str
    read: str
    """The day its price was last read from the source."""
    stated: str
    """The date the source states (its publication or last update), "" if none."""
    settings: tuple[str, ...] = ()
    """The stack settings (config keys) the quantity rests on: usage the plan cannot know."""
    unknown: str = ""
    """Why the price is unknown, if it is."""

    @property
    def monthly(self) -> Decimal | None:
        """USD a month, to the cent; None if the price is unknown (nothing of nothing is 0)."""
        if self.quantity == ZERO:
            return ZERO.quantize(CENT)
        if self.unit_price is None:
            return None
        return (self.quantity * self.unit_price / self.block).quantize(CENT, ROUND_HALF_UP)


@dataclass(frozen=True)
class Estimate:
    lines: tuple[Line, ...]

    @property
    def total(self) -> Decimal:
        """The sum of every line whose price is known."""
        return _sum(line.monthly for line in self.lines)

    @property
    def unknown(self) -> int:
        """How many lines have no known price, and so are not in the total."""
        return sum(1 for line in self.lines if line.monthly is None)

    @property
    def oldest_price_date(self) -> str | None:
        """The day the least recently read price a line used was read (YYYY-MM-DD): how old
        the estimate's knowledge of prices is. None without lines."""
        return min((line.read for line in self.lines), default=None)

    @property
    def from_settings(self) -> Decimal:
        """The part of the total that rests on usage settings."""
        return _sum(line.monthly for line in self.lines if line.settings)

    def subtotals(self, attribute: str) -> dict[str, Decimal]:
        """The known total per provider or per component (`attribute`), in first-seen order."""
        totals: dict[str, Decimal] = {}
        for line in self.lines:
            key = str(getattr(line, attribute))
            totals[key] = totals.get(key, ZERO.quantize(CENT)) + (line.monthly or ZERO)
        return totals

    def biggest(self, count: int) -> list[Line]:
        """The `count` lines costing most, the first-listed first among equals."""
        known = [line for line in self.lines if line.monthly is not None]
        return sorted(known, key=lambda line: -(line.monthly or ZERO))[:count]


def usd(amount: Decimal | None) -> str:
    """`$1,234.50`, `-$10.00`, or `unknown`."""
    if amount is None:
        return "unknown"
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(amount):,.2f}"


def money(value: Any) -> Decimal:
    """A number from JSON, a setting or a property, as an exact Decimal."""
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _sum(amounts: Iterable[Decimal | None]) -> Decimal:
    return sum((amount for amount in amounts if amount is not None), ZERO.quantize(CENT))
