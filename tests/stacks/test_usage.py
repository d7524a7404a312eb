"""The usage settings and the `costInputs` output the pricing reads them from."""

from crms_pricing import keys, vercel

from crms_infra.plan_model import at
from stacks.cost_inputs import cost_inputs
from tests.conftest import STACKS
from tests.helpers import load, plan_of


def test_every_setting_the_pricing_reads_is_exported_by_its_config_key() -> None:
    exported = set(cost_inputs(load("dev"))["settings"])
    read = {value for name, value in vars(keys).items() if name.isupper()}
    roles = {
        r["name"].rsplit("-", 1)[-1]
        for stack in STACKS
        for r in plan_of(stack)["resources"]
        if r["type"] == vercel.PROJECT
    }
    read |= {key for role in roles for key in keys.function_usage(role)}
    assert read <= exported
    assert exported == read  # and nothing is exported that no price reads


def test_the_output_is_the_settings_and_the_budget() -> None:
    settings = load("prod")
    output = plan_of("prod")["outputs"]["costInputs"]
    assert output == cost_inputs(settings)
    assert at(output, "budgetMonthlyUsd") == settings.budget_monthly_usd == 300
    assert at(output, "settings", "usagePhotosStoredGb") == settings.usage.photos_stored_gb


def test_exactly_one_stack_carries_the_shared_plans() -> None:
    assert [stack for stack in STACKS if load(stack).usage.carries_team_plans] == ["prod"]
