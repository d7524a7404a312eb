"""The Terraform state of the deployment this project replaces (a fixture written from the
providers' schemas), and the program's run that the adoption tests share."""

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from crms_infra.adopt.program import ProgramRun, run_program
from crms_infra.adopt.terraform_state import TerraformState, parse_state
from tests.conftest import REPO
from tests.helpers import run_cli

STATE_FILE = REPO / "tests" / "fixtures" / "terraform" / "crms-production.tfstate.json"
LIVE_PASSWORD = "fixture-only-Xr7-not-a-real-password"
LIVE_REF = "qzvkwhlnmrtbpsyjcdxa"
TEAM_AND_PROJECT = "team_Hq3tN8vYw2LmKc5RdPz7XbJe/prj_4fKp9Wq2ZtLx7Nc3RvB8Ym1Hd6Sg"

Document = dict[str, Any]


@pytest.fixture(scope="session")
def state_file() -> Path:
    return STATE_FILE


@pytest.fixture
def document() -> Document:
    """The fixture state as JSON, to change for a case."""
    loaded: Document = json.loads(STATE_FILE.read_text())
    return copy.deepcopy(loaded)


@pytest.fixture(scope="session")
def as_state() -> Callable[[Document], TerraformState]:
    def parse(document: Document) -> TerraformState:
        return parse_state(json.dumps(document).encode(), "case.tfstate.json")

    return parse


@pytest.fixture(scope="session")
def attributes_of() -> Callable[[Document, str], dict[str, Any]]:
    """The attributes of the state's one resource of a type (to change them in place)."""

    def find(document: Document, resource_type: str) -> dict[str, Any]:
        (resource,) = [r for r in document["resources"] if r["type"] == resource_type]
        attributes: dict[str, Any] = resource["instances"][0]["attributes"]
        return attributes

    return find


@pytest.fixture(scope="session")
def prod_program() -> ProgramRun:
    """prod, run once on the plan's mocks, its Supabase project answering as the live one."""
    return run_program(REPO, "prod", LIVE_REF)


def refused_in_one_line(state_file: Path, tmp_path: Path) -> str:
    """Runs `adopt` on `state_file` (in `tmp_path`) as a user does, with `--out`; returns
    the one line it printed, having printed nothing else and written nothing, not even a
    temporary file."""
    out = tmp_path / "import.json"
    result = run_cli("adopt", "prod", "--terraform-state", str(state_file), "--out", str(out))
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    assert result.stderr.startswith("error: ")
    assert result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert [path.name for path in tmp_path.iterdir()] == [state_file.name]
    return result.stderr
