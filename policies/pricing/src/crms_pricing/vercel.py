"""Vercel: each project's functions on Fluid compute (active CPU, provisioned memory,
invocations) per region, the drains; the team's Pro platform fee, extra seats, the included
invocations and the monthly usage credit (on the stack that carries them).

Sources: each price's page in prices/vercel.json. Under Fluid compute the CPU class decides
the memory an instance holds: standard 2 GB, performance 4 GB
(https://vercel.com/docs/functions/configuring-functions/memory), and provisioned memory is
billed for the instance's whole lifetime
(https://vercel.com/docs/functions/usage-and-pricing).
"""

from collections.abc import Mapping, Sequence
from decimal import Decimal

from . import keys
from .context import Context
from .model import ZERO, Line, Resource

PROJECT = "vercel:index/project:Project"
FLUID_MEMORY_GB = {"standard": Decimal(2), "performance": Decimal(4)}
"""Memory of a Fluid compute instance per CPU type (a copy of components/function_limits.py's
FLUID_CLASSES, tied to it by a test)."""
INVOCATIONS = "vercel:fluid.invocations_million"


def project(resource: Resource, context: Context) -> list[Line]:
    """The functions of `compute-<role>`, from that role's usage settings."""
    role = resource.name.rsplit("-", 1)[-1]
    invocations_key, cpu_key, instance_key = keys.function_usage(role)
    config = resource.props.get("resourceConfig")
    config = config if isinstance(config, Mapping) else {}
    regions = [str(region) for region in config.get("functionDefaultRegions") or []]
    memory_gb = FLUID_MEMORY_GB.get(str(config.get("functionDefaultCpuType")))
    lines = [context.usage_line(resource, INVOCATIONS, invocations_key, "function invocations")]
    if config.get("fluid") is not True or memory_gb is None or not regions:
        what = "functions without Fluid compute"
        price = "vercel:legacy.function_hour"
        return [*lines, context.usage_line(resource, price, instance_key, what)]
    # Vercel bills each region's instances; the usage settings do not say how traffic
    # splits, so each region gets an equal share.
    share = Decimal(1) / len(regions)
    for region in regions:
        lines += [
            context.line(
                resource,
                f"vercel:fluid.{region}.active_cpu_hour",
                context.setting(cpu_key) * share,
                f"active CPU in {region}",
                settings=(cpu_key,),
            ),
            context.line(
                resource,
                f"vercel:fluid.{region}.memory_gb_hour",
                context.setting(instance_key) * share * memory_gb,
                f"provisioned memory in {region} ({memory_gb} GB an instance)",
                settings=(instance_key,),
            ),
        ]
    return lines


def drain(resource: Resource, context: Context) -> list[Line]:
    return [context.usage_line(resource, "vercel:drains.gb", keys.DRAIN_GB, "data delivered")]


def team(context: Context, lines: Sequence[Line]) -> list[Line]:
    """The Pro plan's fee and seats, its included invocations and its usage credit."""
    if not context.carries_team_plans or not context.of_type(PROJECT):
        return []
    extra_seats = max(ZERO, context.setting(keys.VERCEL_SEATS) - 1)
    included = context.book.allowance("vercel:fluid.included_invocations").quantity
    invocation_lines = [line for line in lines if line.price_key == INVOCATIONS]
    allowance = context.line(
        None,
        INVOCATIONS,
        min(sum((line.quantity for line in invocation_lines), ZERO), included),
        f"invocations included in the plan (first {included:,})",
        settings=tuple(setting for line in invocation_lines for setting in line.settings),
        unit_price=-(context.book.price(INVOCATIONS).usd or ZERO),
        component="plans",
        name="team",
    )
    usage_lines = [line for line in lines if line.provider == "Vercel"]
    usage = sum((line.monthly or ZERO for line in usage_lines), allowance.monthly or ZERO)
    credit = context.book.price("vercel:pro.usage_credit").usd or ZERO
    fee = context.line(
        None,
        "vercel:pro.platform_fee",
        Decimal(1),
        "Pro platform fee",
        component="plans",
        name="team",
    )
    seats = context.line(
        None,
        "vercel:pro.seat",
        extra_seats,
        "deploying seats beyond the first",
        settings=(keys.VERCEL_SEATS,),
        component="plans",
        name="team",
    )
    usage_credit = context.line(
        None,
        "vercel:pro.usage_credit",
        Decimal(1),
        f"usage credit (up to ${credit} of usage)",
        settings=tuple(dict.fromkeys(s for line in usage_lines for s in line.settings)),
        unit_price=-min(credit, max(ZERO, usage)),
        component="plans",
        name="team",
    )
    return [fee, seats, allowance, usage_credit]
