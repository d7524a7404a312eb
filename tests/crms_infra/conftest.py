"""Fixtures the tooling's tests share."""

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from crms_infra.cost import plan_costs
from tests.conftest import REPO
from tests.helpers import price_book_with


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """A copy of the project's program and stack files, safe to break."""
    stacks = ("Pulumi.dev.yaml", "Pulumi.staging.yaml", "Pulumi.prod.yaml")
    for name in ("__main__.py", "Pulumi.yaml", *stacks):
        shutil.copy(REPO / name, tmp_path / name)
    return tmp_path


@pytest.fixture
def unpriced(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    """Makes a price entry unknown in every estimate of the test. Every line of the committed
    stacks has a price; how a line of unknown price is counted and shown stays tested so."""

    def unprice(key: str) -> None:
        book = price_book_with(key, None)
        monkeypatch.setattr(plan_costs, "price_book", lambda: book)

    return unprice
