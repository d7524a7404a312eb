"""What a pricing function is given: the stack's resources, its usage settings, the prices;
and the one way it makes a line."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .keys import AWS_ACCOUNT_SHARED, CARRIES_TEAM_PLANS
from .model import ZERO, Line, Resource, money
from .prices import PriceBook


class PricingError(Exception):
    """A resource or the stack's cost settings cannot be priced as they are."""


@dataclass(frozen=True)
class Context:
    resources: Sequence[Resource]
    settings: Mapping[str, Any]
    """The stack's cost settings by config key (the program's `costInputs.settings`)."""
    book: PriceBook
    free_used: dict[str, Decimal] = field(default_factory=dict)
    """How much of each of the AWS account's free allowances the lines so far took."""

    def setting(self, key: str) -> Decimal:
        value = self.settings.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            raise PricingError(f"the stack's cost settings have no number {key!r}")
        return money(value)

    def text(self, key: str) -> str:
        value = self.settings.get(key)
        if not isinstance(value, str):
            raise PricingError(f"the stack's cost settings have no text {key!r}")
        return value

    @property
    def carries_team_plans(self) -> bool:
        return self.settings.get(CARRIES_TEAM_PLANS) is True

    @property
    def carries_aws_free_tier(self) -> bool:
        """Whether the AWS account's always-free allowances count on this stack: its own
        account's, or the shared account's on the stack that carries the team plans."""
        return self.settings.get(AWS_ACCOUNT_SHARED) is False or self.carries_team_plans

    def beyond_free(self, allowance_key: str, quantity: Decimal) -> Decimal:
        """The part of `quantity` the account pays for: what its free `allowance_key` (a month,
        for the whole account) has left covers the rest, taken in the order lines ask."""
        if not self.carries_aws_free_tier:
            return quantity
        allowance = self.book.allowance(allowance_key).quantity
        taken = min(quantity, max(ZERO, allowance - self.free_used.get(allowance_key, ZERO)))
        self.free_used[allowance_key] = self.free_used.get(allowance_key, ZERO) + taken
        return quantity - taken

    def of_type(self, type_: str) -> list[Resource]:
        return [resource for resource in self.resources if resource.type == type_]

    def line(
        self,
        resource: Resource | None,
        price_key: str,
        quantity: Decimal,
        what: str,
        settings: tuple[str, ...] = (),
        unit_price: Decimal | None = None,
        component: str = "",
        unit: str = "",
        block: Decimal | None = None,
        name: str = "",
    ) -> Line:
        """A line of `quantity` at the price `price_key`, of `resource` or, if None, of the
        stack. A credit or a cap worked out from that price gives its own `unit_price` (and,
        for an amount a month, `unit` and `block` 1). A stack's line is `name`d by what it
        belongs to (the organization, the team, the account)."""
        price = self.book.price(price_key)
        return Line(
            urn=resource.urn if resource else None,
            name=resource.name if resource else name,
            provider=price.vendor,
            component=component or (component_of(resource.urn) if resource else "stack"),
            what=what,
            unit=unit or price.per,
            quantity=quantity,
            unit_price=price.usd if unit_price is None else unit_price,
            block=price.block if block is None else block,
            price_key=price_key,
            source=price.source,
            read=price.read,
            stated=price.stated,
            settings=settings,
            unknown=price.unknown,
        )

    def usage_line(
        self, resource: Resource | None, price_key: str, setting: str, what: str, **options: Any
    ) -> Line:
        """A line of the quantity a usage `setting` gives, marked as resting on it."""
        return self.line(
            resource, price_key, self.setting(setting), what, settings=(setting,), **options
        )


def component_of(urn: str) -> str:
    """`urn:pulumi:prod::crms::crms:index:Storage$aws:s3/bucket:Bucket::photos` -> `Storage`."""
    qualified = urn.split("::")[2] if urn.count("::") >= 3 else ""
    first = qualified.split("$")[0]
    return first.rsplit(":", 1)[-1] if first.startswith("crms:index:") else "stack"
