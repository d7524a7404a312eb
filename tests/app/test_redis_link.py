"""The app's per-request Redis connection: bounded waits, and reasons that name no host."""

import asyncio

import pytest

from app.routes import redis_link
from tests.app.stand_ins import silent_server
from tests.conftest import STACKS
from tests.helpers import load


def test_a_silent_redis_costs_a_request_less_than_every_stacks_max_duration() -> None:
    shortest = min(load(stack).compute.function_max_duration_seconds for stack in STACKS)
    assert shortest > 2 * redis_link.TIMEOUT_SECONDS  # connecting, then one reply


@pytest.mark.timeout(10)
def test_a_silent_redis_is_unreachable_within_the_bound() -> None:
    async def ping(url: str) -> None:
        async with redis_link.connection(url) as client:
            await client.ping()

    with silent_server() as port:
        url = f"redis://user:hunter2@127.0.0.1:{port}/0"
        try:
            asyncio.run(ping(url))
        except redis_link.FAILURES as error:
            reason = str(redis_link.unavailable(error))
        else:
            pytest.fail("a silent server answered")
    assert reason == "redis: unreachable"
