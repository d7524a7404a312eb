"""The Database component on mocks: region, size per stack, secrets, protection."""

from typing import Any

import pulumi
import pytest

from components.database import PASSWORD_SHAPE, Database, DatabaseArgs, connection_url
from crms_infra.offline.engine import record_stack
from crms_infra.offline.mocks import PlanMocks
from crms_infra.plan_model import PlanResource
from stacks.wiring import project_configuration
from tests.conftest import REPO, STACKS
from tests.helpers import inputs_of, load, outputs_of, plan_of, program_secrets, secret_flag

PROJECT_TYPE = "pulumi-python:dynamic/supabase:Project"


def database_resources(stack: str) -> dict[str, PlanResource]:
    plan = plan_of(stack)
    return {r["type"]: r for r in plan["resources"] if "Database" in r["urn"]}


@pytest.mark.parametrize("stack", STACKS)
def test_project_in_zurich_with_the_stack_size_under_the_component(stack: str) -> None:
    resources = database_resources(stack)
    project = resources[PROJECT_TYPE]
    assert inputs_of(project)["region"] == "eu-central-2"
    assert inputs_of(project)["instance_size"] == load(stack).database.instance_size.value
    assert inputs_of(project)["db_pass"] == "[secret]"
    assert project["parent"] == resources["crms:index:Database"]["urn"]


def test_prod_protects_and_dev_does_not() -> None:
    prod, dev = database_resources("prod"), database_resources("dev")
    for resource_type in (PROJECT_TYPE, "random:index/randomPassword:RandomPassword"):
        assert prod[resource_type]["protect"] is True
        assert dev[resource_type]["protect"] is False


def test_stack_outputs_keep_keys_and_urls_secret() -> None:
    outputs = outputs_of(plan_of("prod"))
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
            configuration=project_configuration(load("prod"), program_secrets()),
        ),
    )


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


def test_stack_outputs_add_the_publishable_key_as_a_secret() -> None:
    outputs = outputs_of(plan_of("prod"))
    assert outputs["supabasePublishableKey"] == "[secret]"


class ProjectMocks(PlanMocks):
    """The offline plan's mocks, with the Supabase project's answers overridden."""

    def __init__(self, **project_outputs: Any) -> None:
        super().__init__()
        self.project_outputs = project_outputs

    def new_resource(
        self, args: pulumi.runtime.MockResourceArgs
    ) -> tuple[str | None, dict[str, Any]]:
        resource_id, state = super().new_resource(args)
        if args.typ == PROJECT_TYPE:
            state.update(self.project_outputs)
        return resource_id, state


def use_mocks(mocks: PlanMocks) -> None:
    pulumi.runtime.reset_options(project="crms", stack="test", preview=False)
    pulumi.runtime.set_mocks(mocks, project="crms", stack="test", preview=False)


def test_apps_get_the_new_keys_when_the_project_has_them() -> None:
    use_mocks(ProjectMocks(publishable_key="sb_publishable_x", secret_key="sb_secret_x"))

    @pulumi.runtime.test
    def check() -> pulumi.Output[None]:
        database = make_database()

        def verify(args: list[Any]) -> None:
            client, server, anon, client_secret = args
            assert (client, server) == ("sb_publishable_x", "sb_secret_x")
            assert anon.startswith("mock-")  # the legacy key is still output beside them
            assert client_secret

        return pulumi.Output.all(
            database.client_key,
            database.server_key,
            database.anon_key,
            secret_flag(database.client_key),
        ).apply(verify)

    check()


def test_apps_fall_back_to_the_legacy_keys_while_the_project_has_no_new_ones() -> None:
    use_mocks(ProjectMocks(publishable_key=None, secret_key=None, anon_key="eyJ-anon"))

    @pulumi.runtime.test
    def check() -> pulumi.Output[None]:
        database = make_database()

        def verify(args: list[Any]) -> None:
            client, server, publishable = args
            assert client == "eyJ-anon"
            assert server.startswith("mock-")
            assert publishable is None

        return pulumi.Output.all(
            database.client_key, database.server_key, database.publishable_key
        ).apply(verify)

    check()


@pytest.mark.parametrize(
    ("project_outputs", "complaint"),
    [
        ({"pooler_host": None}, "no database host"),
        ({"pooler_user": None, "pooler_port": None}, "no database user or port"),
        ({"secret_key": None, "service_role_key": None}, "has no secret or service_role key"),
    ],
)
def test_a_missing_value_is_an_error_never_none_in_a_url(
    project_outputs: dict[str, Any], complaint: str
) -> None:
    use_mocks(ProjectMocks(**project_outputs))

    @pulumi.runtime.test
    def check() -> pulumi.Output[list[Any]]:
        database = make_database()
        return pulumi.Output.all(database.pooled_url, database.server_key)

    with pytest.raises(ValueError, match=complaint):
        check()


def test_a_url_is_never_built_around_a_none() -> None:
    with pytest.raises(ValueError, match=r"no database host: run `pulumi refresh`"):
        connection_url("postgres", "pw", None, 5432, "postgres")
    assert connection_url("postgres.ab", "p/w@", "h", 6543, "postgres") == (
        "postgresql://postgres.ab:p%2Fw%40@h:6543/postgres"
    )


def test_the_password_never_rotates_when_its_shape_changes() -> None:
    """An adopted live password (imported by value, its length and classes read from it) or
    a later edit of the generation parameters must not replace it: the engine ignores them."""
    recording = record_stack(REPO, "prod")
    (password,) = [
        registration.request
        for registration in recording.monitor.registrations.values()
        if registration.request.type == "random:index/randomPassword:RandomPassword"
        and registration.request.name == "database-password"
    ]
    assert set(password.ignoreChanges) == set(PASSWORD_SHAPE)
    assert {"length", "overrideSpecial", "special"} <= set(PASSWORD_SHAPE)
