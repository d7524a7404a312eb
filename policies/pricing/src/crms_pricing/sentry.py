"""Sentry: the organization's plan (on the stack that carries the team plans). A project and
its client key cost nothing by themselves: Sentry bills the organization's plan and the
volume it reserves (https://docs.sentry.io/product/accounts/pricing/). The plan's price is
unknown (prices/sentry.json says why), so its line is "unknown", never a guess.
"""

from collections.abc import Sequence
from decimal import Decimal

from .context import Context
from .model import Line

DYNAMIC = "pulumi-python:dynamic/sentry:"
"""The Sentry resources' types (components/sentry/)."""
PROJECT = DYNAMIC + "Project"
CLIENT_KEY = DYNAMIC + "ClientKey"


def organization(context: Context, _lines: Sequence[Line]) -> list[Line]:
    """The Team plan: once per organization, on the stack that carries the team plans."""
    if not context.carries_team_plans or not context.of_type(PROJECT):
        return []
    return [
        context.line(
            None, "sentry:plan.team", Decimal(1), "Team plan", component="plans", name="sentry"
        )
    ]
