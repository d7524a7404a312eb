"""Upstash: a pay-as-you-go Redis database's commands and storage, held under the budget
the stack sets on it.

Sources: each price's page in prices/upstash.json. The budget caps the bill: "If the budget
is reached, the database will be throttled until the next month" (the provider's
`RedisDatabase.budget`, upstash_pulumi/redis_database.py).
"""

from decimal import Decimal

from . import keys
from .context import Context
from .model import ZERO, Line, Resource, money


def database(resource: Resource, context: Context) -> list[Line]:
    included = context.book.allowance("upstash:payg.included_storage_gb").quantity
    lines = [
        context.usage_line(resource, "upstash:payg.commands_100k", keys.REDIS_COMMANDS, "commands"),
        context.line(
            resource,
            "upstash:payg.storage_gb_month",
            max(ZERO, context.setting(keys.REDIS_STORED_GB) - included),
            f"storage over the {included} GB free",
            settings=(keys.REDIS_STORED_GB,),
        ),
    ]
    budget = resource.props.get("budget")
    spent = sum((line.monthly or ZERO for line in lines), ZERO)
    if budget is not None and spent > money(budget):
        lines.append(
            context.line(
                resource,
                "upstash:payg.commands_100k",
                Decimal(1),
                f"held at the database's budget of ${budget} (throttled past it)",
                settings=(keys.REDIS_COMMANDS, keys.REDIS_STORED_GB),
                unit_price=money(budget) - spent,
                unit="month",
                block=Decimal(1),
            )
        )
    return lines
