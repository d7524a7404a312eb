"""Shared fixtures: where the project and the contract fixture live."""

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
STACKS = ("dev", "staging", "prod")


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def contract_project() -> Path:
    return REPO / "tests" / "fixtures" / "contract_project"
