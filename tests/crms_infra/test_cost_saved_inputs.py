"""A saved plan's cost inputs are checked as a stack file's are (issue 36, finding 6): a
negative usage printed `-$19,748.23 a month ... within the budget`, a NaN budget printed
`NaN` (no JSON) with exit 0, huge values were tracebacks. Each is now one line, exit 2."""

import json
from pathlib import Path

import pytest

from crms_infra.cli import main
from tests.helpers import plan_of

BUDGET = "budgetMonthlyUsd"
BAD: dict[str, tuple[str, object, str]] = {
    "negative usage": ("usagePhotosStoredGb", -500_000, "-500000"),
    "fractional usage": ("usageWebInvocations", 2.5, "2.5"),
    "huge usage": ("usageWebInvocations", 10**200, "1000000"),
    "huge float usage": ("usageRedisCommands", 1e300, "1e+300"),
    "usage as text": ("usageDrainGb", "a lot", '"a lot"'),
    "a boolean as text": ("usageCarriesTeamPlans", "yes", "yes"),
    "an unknown region": ("storageRegion", "us-east-1", "us-east-1"),
    "an unknown setting": ("usageBitcoinMined", 1, "1"),
    "a NaN budget": (BUDGET, float("nan"), "NaN"),
    "an infinite budget": (BUDGET, float("inf"), "Infinity"),
    "a negative budget": (BUDGET, -300, "-300"),
    "a huge budget": (BUDGET, 1e308, "1e+308"),
}
"""key, value, and how the message shows it"""


@pytest.fixture(scope="module")
def saved_prod(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("plans") / "prod.json"
    path.write_text(json.dumps(plan_of("prod")))
    return path


def _edited(saved: Path, values: dict[str, object], tmp_path: Path) -> Path:
    """The saved plan with some cost inputs set (the budget, or settings by key)."""
    plan = json.loads(saved.read_text())
    inputs = plan["outputs"]["costInputs"]
    for key, value in values.items():
        (inputs if key == BUDGET else inputs["settings"])[key] = value
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(plan))  # NaN and Infinity as Python's json writes them
    return path


@pytest.mark.parametrize("case", BAD)
@pytest.mark.parametrize("command", ["cost", "diff"])
def test_a_saved_plans_bad_cost_input_is_one_line_and_exit_2(
    saved_prod: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    case: str,
    command: str,
) -> None:
    key, value, shown = BAD[case]
    path = _edited(saved_prod, {key: value}, tmp_path)
    arguments = [str(path)] if command == "cost" else [str(saved_prod), str(path)]
    assert main([command, *arguments, "--format", "json"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1, err
    assert err.startswith(f"error: {path}: outputs.costInputs: crms:{key} ")
    assert shown in err
    assert "Traceback" not in err


def test_the_saved_plan_of_every_field_at_its_bounds_is_priced(
    saved_prod: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The check refuses only what a stack file would: zeros and the largest values pass."""

    settings = json.loads(saved_prod.read_text())["outputs"]["costInputs"]["settings"]
    zeros: dict[str, object] = {
        k: 0 for k in settings if k.startswith("usage") and k.endswith("Gb")
    }
    largest = {"usageWebInvocations": 10_000_000_000, BUDGET: 1_000_000}
    path = _edited(saved_prod, {**zeros, **largest}, tmp_path)
    assert main(["cost", str(path), "--format", "json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["budgetUsd"] == 1_000_000
    assert printed["totalUsd"] > 0
