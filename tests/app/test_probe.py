"""The disk probe against the real local PostgreSQL."""

import pytest

from app.jobs.probe import disk_usage_percent
from tests.local_services import ADMIN_URL


def test_disk_usage_is_a_sane_percentage() -> None:
    percent = disk_usage_percent(ADMIN_URL, disk_bytes=8 * 2**30)
    assert 0 < percent < 100


def test_usage_grows_as_the_disk_shrinks() -> None:
    large = disk_usage_percent(ADMIN_URL, disk_bytes=8 * 2**30)
    small = disk_usage_percent(ADMIN_URL, disk_bytes=2**30)
    assert small == pytest.approx(large * 8, rel=0.05)


def test_a_disk_of_no_size_is_refused() -> None:
    with pytest.raises(ValueError, match="positive"):
        disk_usage_percent(ADMIN_URL, disk_bytes=0)
