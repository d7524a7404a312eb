"""Component tests run on Pulumi's mock engine with the offline plan's mocks."""

import pulumi
import pytest

from crms_infra.offline.mocks import PlanMocks

# The Supabase fake and providers aimed at it, for the golden-provider tests beside these.
from tests.components.supabase.conftest import api, clock, project, provider  # noqa: F401


@pytest.fixture
def mocks() -> PlanMocks:
    mocks = PlanMocks()
    pulumi.runtime.reset_options(project="crms", stack="test", preview=False)
    pulumi.runtime.set_mocks(mocks, project="crms", stack="test", preview=False)
    return mocks
