"""Supabase: the project's compute size, disk and egress; the PITR add-on; the organization's
plan, its compute credits and its included egress (on the stack that carries them).

Sources: each price's page in prices/supabase.json. Compute and add-ons are billed by the
hour (https://supabase.com/docs/guides/platform/manage-your-usage/compute); the variants are
the Management API's (`pitr_7`, `pitr_14`, `pitr_28`: ApplyProjectAddonBody.addon_variant).
"""

from collections.abc import Callable, Sequence
from decimal import Decimal

from . import keys
from .context import Context
from .model import HOURS_PER_MONTH, ZERO, Line, Resource

DYNAMIC = "pulumi-python:dynamic/supabase:"
"""The Supabase resources' types (components/supabase/)."""
PROJECT = DYNAMIC + "Project"


BILLED_AS = {"nano": "micro"}
"""Sizes a paid organization is billed at another size's price: 'Nano' projects in a paid
organization are billed as Micro (https://supabase.com/docs/guides/platform/manage-your-usage/compute);
every stack's organization is on Pro."""


def project(resource: Resource, context: Context) -> list[Line]:
    size = str(resource.props.get("instance_size"))
    billed = BILLED_AS.get(size, size)
    what = f"compute {size}" + (f" (billed as {billed})" if billed != size else "")
    disk = context.setting(keys.DATABASE_DISK_GB)
    included = context.book.allowance("supabase:disk.included_gb").quantity
    return [
        context.line(resource, f"supabase:compute.{billed}", HOURS_PER_MONTH, what),
        context.line(
            resource,
            "supabase:disk.gb_month",
            max(ZERO, disk - included),
            f"disk over the {included} GB included",
            settings=(keys.DATABASE_DISK_GB,),
        ),
        context.usage_line(resource, "supabase:egress.gb", keys.DATABASE_EGRESS_GB, "egress"),
    ]


def pitr(variant_property: str) -> Callable[[Resource, Context], list[Line]]:
    """The pricing of a PITR add-on resource whose `variant_property` holds the variant
    (`pitr_7`, or the retention in days, 7)."""

    def price(resource: Resource, context: Context) -> list[Line]:
        variant = resource.props.get(variant_property)
        if isinstance(variant, int | Decimal) and not isinstance(variant, bool):
            variant = f"pitr_{variant}"
        if variant == "none":  # no add-on (components/supabase/pitr.py, PitrVariant.NONE)
            return []
        days = str(variant).removeprefix("pitr_")
        return [
            context.line(
                resource, f"supabase:pitr.{variant}", HOURS_PER_MONTH, f"PITR, {days} days"
            )
        ]

    return price


def organization(context: Context, lines: Sequence[Line]) -> list[Line]:
    """The Pro plan, its compute credits and its included egress: once per organization,
    on the stack that carries them."""
    if not context.carries_team_plans or not context.of_type(PROJECT):
        return []
    plan = context.line(
        None, "supabase:plan.pro", Decimal(1), "Pro plan", component="plans", name="organization"
    )
    compute = sum((line.monthly or ZERO for line in lines if _is_compute(line)), ZERO)
    credits = context.book.price("supabase:compute.credits").usd or ZERO
    egress_price = context.book.price("supabase:egress.gb").usd or ZERO
    egress = context.setting(keys.DATABASE_EGRESS_GB)
    included = context.book.allowance("supabase:egress.included_gb").quantity
    return [
        plan,
        context.line(
            None,
            "supabase:compute.credits",
            Decimal(1),
            f"compute credits (up to ${credits} of compute)",
            unit_price=-min(credits, compute),
            component="plans",
            name="organization",
        ),
        context.line(
            None,
            "supabase:egress.gb",
            min(egress, included),
            f"egress included in the plan (first {included} GB)",
            settings=(keys.DATABASE_EGRESS_GB,),
            unit_price=-egress_price,
            component="plans",
            name="organization",
        ),
    ]


def _is_compute(line: Line) -> bool:
    return line.urn is not None and line.price_key.startswith("supabase:compute.")
