"""Fixtures the tooling's tests share."""

import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """A copy of the project's program and stack files, safe to break."""
    stacks = ("Pulumi.dev.yaml", "Pulumi.staging.yaml", "Pulumi.prod.yaml")
    for name in ("__main__.py", "Pulumi.yaml", *stacks):
        shutil.copy(REPO / name, tmp_path / name)
    return tmp_path
