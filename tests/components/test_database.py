"""The Database component on mocks: region, size per stack, secrets, protection."""

from collections.abc import Awaitable
from typing import Any

import pulumi
import pytest

from components.database import Database, DatabaseArgs
from stacks.offline.engine import plan_stack
from tests.conftest import REPO, STACKS
from tests.stacks.test_settings import load

PROJECT_TYPE = "pulumi-python:dynamic/supabase:Project"


def database_resources(stack: str) -> dict[str, dict[str, Any]]:
    plan = plan_stack(REPO, stack)
    return {r["type"]: r for r in plan["resources"] if "Database" in r["urn"]}


@pytest.mark.parametrize("stack", STACKS)
def test_project_in_zurich_with_the_stack_size_under_the_component(stack: str) -> None:
    resources = database_resources(stack)
    project = resources[PROJECT_TYPE]
    assert project["inputs"]["region"] == "eu-central-2"
    assert project["inputs"]["instance_size"] == load(stack).database.instance_size.value
    assert project["inputs"]["db_pass"] == "[secret]"
    assert project["parent"] == resources["crms:index:Database"]["urn"]


def test_prod_protects_and_dev_does_not() -> None:
    prod, dev = database_resources("prod"), database_resources("dev")
    for resource_type in (PROJECT_TYPE, "random:index/randomPassword:RandomPassword"):
        assert prod[resource_type]["protect"] is True
        assert dev[resource_type]["protect"] is False


def test_stack_outputs_keep_keys_and_urls_secret() -> None:
    outputs = plan_stack(REPO, "prod")["outputs"]
    assert outputs["supabaseAnonKey"] == "[secret]"
    assert outputs["databaseUrl"] == "[secret]"
    assert outputs["supabaseUrl"].endswith(".supabase.co")


def make_database() -> Database:
    return Database(
        "db",
        DatabaseArgs(
            project_name="crms-test",
            organization_slug="crms-swiss",
            region="eu-central-2",
            instance_size="small",
            management_api="http://127.0.0.1:9",
        ),
    )


def secret_flag(output: pulumi.Output[str]) -> pulumi.Output[bool]:
    flag: Awaitable[bool] = output.is_secret()
    return pulumi.Output.from_input(flag)


@pytest.mark.usefixtures("mocks")
@pulumi.runtime.test
def test_connection_strings_are_secret_and_well_formed() -> pulumi.Output[None]:
    database = make_database()

    def check(args: list[Any]) -> None:
        direct, pooled, direct_secret, pooled_secret, key_secret = args
        assert direct_secret
        assert pooled_secret
        assert key_secret
        assert direct.startswith("postgresql://postgres:mock-")
        assert direct.endswith(".supabase.co:5432/postgres")
        assert pooled.startswith("postgresql://postgres.mock")
        assert ":6543/postgres" in pooled

    return pulumi.Output.all(
        database.direct_url,
        database.pooled_url,
        secret_flag(database.direct_url),
        secret_flag(database.pooled_url),
        secret_flag(database.anon_key),
    ).apply(check)
