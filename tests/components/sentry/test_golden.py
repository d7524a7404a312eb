"""The golden serialized Sentry providers (tests/components/golden_providers/, kept as
tests/components/test_golden_providers.py explains) still read and delete what they made:
loaded as the provider host loads them, configured with the stack's token."""

import base64
from pathlib import Path

import dill  # type: ignore[import-untyped]  # the SDK's own pickler, untyped
import pytest
from pulumi.dynamic import Config, ConfigureRequest, ResourceProvider

from components.sentry.client_key import SentryClientKeyProvider
from components.sentry.project import SentryProjectProvider
from tests.components.sentry.fake_api import FakeSentryApi
from tests.components.sentry.support import (
    ORG,
    TOKEN,
    key_props,
    outs,
    project_props,
)

GOLDEN = Path(__file__).parents[1] / "golden_providers"


def golden(provider: type[ResourceProvider]) -> list[ResourceProvider]:
    loaded = []
    for path in sorted(GOLDEN.glob(f"{provider.__module__}.{provider.__name__}.*.txt")):
        # Test data this repository wrote, never input from elsewhere.
        one: ResourceProvider = dill.loads(base64.b64decode(path.read_text().strip()))  # noqa: S301
        one.configure(ConfigureRequest(Config({"crms:sentryAuthToken": TOKEN}, "crms")))
        loaded.append(one)
    assert loaded, f"no golden copy of {provider.__name__}"
    return loaded


@pytest.mark.parametrize("kind", [SentryProjectProvider, SentryClientKeyProvider])
def test_the_golden_sentry_providers_read_and_delete(
    api: FakeSentryApi,
    project_provider: SentryProjectProvider,
    key_provider: SentryClientKeyProvider,
    kind: type[ResourceProvider],
) -> None:
    project = outs(project_provider.create(project_props(api)))
    key = key_provider.create(key_props(api))
    resource_id, state = (
        ("crms-production", project) if kind is SentryProjectProvider else (str(key.id), outs(key))
    )
    for provider in golden(kind):
        assert provider.read(resource_id, state).id == resource_id
        provider.delete(resource_id, state)
    if kind is SentryProjectProvider:
        assert (ORG, "crms-production") not in api.projects
    else:
        assert [k["name"] for k in api.keys[ORG, "crms-production"]] == ["Default"]
