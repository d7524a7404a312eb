"""What pricing needs from the settings, exported as the stack output `costInputs`: the
budget, and by config key the usage settings and the few other settings a price depends on.

The policy pack's cost-budget rule runs in its own process and sees every resource's
outputs, the root stack's among them (crms_infra/offline/policy.py does the same), so this
output is how it learns the stack's budget and usage; `crms-infra cost` reads the same one
from the plan.
"""

from typing import Any

from stacks.config_keys import Leaf, leaves
from stacks.settings import StackSettings

PRICED_SETTINGS = (("database", "disk_size_gb"), ("storage", "region"))
"""Settings outside `usage` that a price rests on: the disk over Supabase's included 8 GB,
and which region's buckets receive the app's requests."""
BUDGET = "budgetMonthlyUsd"
SETTINGS = "settings"
COST_SETTINGS: tuple[Leaf, ...] = tuple(
    leaf
    for leaf in leaves(StackSettings)
    if leaf.path[0] == "usage" or leaf.path in PRICED_SETTINGS
)
"""The settings the output carries, by config key: usage, and those of PRICED_SETTINGS."""


def cost_inputs(settings: StackSettings) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for leaf in COST_SETTINGS:
        value: Any = settings
        for part in leaf.path:
            value = getattr(value, part)
        values[leaf.key] = value
    return {BUDGET: settings.budget_monthly_usd, SETTINGS: values}
