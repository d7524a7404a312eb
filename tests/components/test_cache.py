"""Cache on mocks: Upstash global database with its primary in Frankfurt, TLS, secrets."""

import pulumi
import pytest

from components.cache import Cache, CacheArgs
from tests.conftest import STACKS
from tests.helpers import load, plan_of, resources, secret_flag


@pytest.mark.parametrize("stack", STACKS)
def test_database_settings_per_stack(stack: str) -> None:
    (database,) = resources(stack, "upstash:index/redisDatabase:RedisDatabase")
    cache = load(stack).cache
    assert {
        "databaseName": f"crms-{load(stack).environment.value}",
        "region": "global",
        "primaryRegion": "eu-central-1",
        "tls": True,
        "eviction": cache.eviction,
        "budget": cache.monthly_budget_usd,
    }.items() <= database["inputs"].items()
    assert database["protect"] is (stack != "dev")
    assert plan_of(stack)["outputs"]["redisUrl"] == "[secret]"


@pytest.mark.usefixtures("mocks")
@pulumi.runtime.test
def test_connection_details_are_secret() -> pulumi.Output[None]:
    cache = Cache("cache", CacheArgs(database_name="crms-test", primary_region="eu-central-1"))

    def check(args: list[object]) -> None:
        url, url_secret, token_secret, rest_secret = args
        assert url_secret
        assert token_secret
        assert rest_secret
        assert str(url).startswith("rediss://default:mock-")
        assert str(url).endswith(".upstash.io:6379")

    return pulumi.Output.all(
        cache.redis_url,
        secret_flag(cache.redis_url),
        secret_flag(cache.rest_token),
        secret_flag(cache.rest_url),
    ).apply(check)
