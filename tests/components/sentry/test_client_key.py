"""components/sentry/client_key.py against the spec-strict fake: DSN, rate limit, takeover."""

from components.sentry.client_key import SentryClientKeyProvider
from components.sentry.project import SentryProjectProvider
from tests.components.sentry.fake_api import KEY, KEYS, FakeSentryApi
from tests.components.sentry.support import ORG, key_props, outs, project_props


def _project(api: FakeSentryApi, provider: SentryProjectProvider) -> None:
    provider.create(project_props(api))


def test_create_makes_a_rate_limited_key_and_outputs_its_dsn(
    api: FakeSentryApi,
    project_provider: SentryProjectProvider,
    key_provider: SentryClientKeyProvider,
) -> None:
    _project(api, project_provider)
    result = key_provider.create(key_props(api))
    (key,) = [k for k in api.keys[ORG, "crms-production"] if k["name"] == "crms-web"]
    assert key["rateLimit"] == {"window": 3600, "count": 1000}
    assert result.id == key["id"]
    assert outs(result)["dsn"] == key["dsn"]["public"]
    assert ".ingest.de.sentry.io/" in outs(result)["dsn"]


def test_a_key_of_the_same_name_is_taken_over_and_limited(
    api: FakeSentryApi,
    project_provider: SentryProjectProvider,
    key_provider: SentryClientKeyProvider,
) -> None:
    _project(api, project_provider)
    existing = api.add_key(ORG, "crms-production", "crms-web")
    result = key_provider.create(key_props(api))
    assert result.id == existing["id"]
    assert api.count("POST", KEYS) == 0
    assert existing["rateLimit"] == {"window": 3600, "count": 1000}


def test_update_changes_the_limit_in_place(
    api: FakeSentryApi,
    project_provider: SentryProjectProvider,
    key_provider: SentryClientKeyProvider,
) -> None:
    _project(api, project_provider)
    created = key_provider.create(key_props(api))
    news = key_props(api, rate_limit_count=200)
    assert key_provider.diff(created.id, outs(created), news).replaces == []
    key_provider.update(created.id, outs(created), news)
    assert api.count("PUT", KEY) == 1
    read = key_provider.read(created.id, outs(created))
    assert outs(read)["rate_limit_count"] == 200


def test_a_key_revoked_outside_leaves_the_state(
    api: FakeSentryApi,
    project_provider: SentryProjectProvider,
    key_provider: SentryClientKeyProvider,
) -> None:
    _project(api, project_provider)
    created = key_provider.create(key_props(api))
    key_provider.delete(created.id, outs(created))
    assert key_provider.read(created.id, outs(created)).id == ""
    key_provider.delete(created.id, outs(created))  # already gone: no error
