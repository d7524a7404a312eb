"""The plan JSON contract: keys, ordering, stability, and secrets masked in every format."""

import json
from pathlib import Path
from typing import Any

import pytest

from crms_infra.offline.engine import plan_stack
from crms_infra.plan.render import plan_json, plan_markdown, plan_text
from crms_infra.plan_model import Plan
from tests.conftest import REPO, STACKS

TOKEN = "tok-live-8f1e0c4d2b"
RESOURCE_KEYS = {"urn", "type", "name", "parent", "id", "provider"}
RESOURCE_KEYS |= {"custom", "protect", "dependencies", "inputs"}


@pytest.fixture(scope="module")
def contract_plan(contract_project: Path) -> Plan:
    return plan_stack(contract_project, "test", {"contract:apiToken": TOKEN})


def by_name(plan: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {resource["name"]: resource for resource in plan["resources"]}


def test_top_level_keys(contract_plan: dict[str, Any]) -> None:
    assert set(contract_plan) == {"project", "stack", "resources", "outputs", "policy"}
    assert (contract_plan["project"], contract_plan["stack"]) == ("contract", "test")
    assert set(contract_plan["policy"]) == {"pack", "violations"}


def test_every_resource_has_the_contract_keys(contract_plan: dict[str, Any]) -> None:
    for resource in contract_plan["resources"]:
        assert set(resource) == RESOURCE_KEYS
        assert isinstance(resource["custom"], bool)
        assert isinstance(resource["dependencies"], list)


def test_resources_are_ordered_by_urn(contract_plan: dict[str, Any]) -> None:
    urns = [resource["urn"] for resource in contract_plan["resources"]]
    assert urns == sorted(urns)
    assert len(urns) == 6


def test_ids_providers_parents_protection(contract_plan: dict[str, Any]) -> None:
    resources = by_name(contract_plan)
    bucket, box, provider = resources["box-bucket"], resources["box"], resources["zurich"]
    assert bucket["id"] == "box-bucket-mock"  # a bucket's ID is its name
    assert box["id"] is None
    assert box["custom"] is False
    assert bucket["provider"] == provider["urn"]
    assert bucket["parent"] == box["urn"]
    assert bucket["protect"] is True
    assert resources["box-password"]["protect"] is False
    assert provider["inputs"]["region"] == "eu-central-2"
    assert resources["contract-test"]["parent"] is None


def test_dependencies_are_urns(contract_plan: dict[str, Any]) -> None:
    resources = by_name(contract_plan)
    assert resources["box-bucket"]["urn"] in resources["echo"]["dependencies"]


def test_secrets_are_masked_where_they_are_used(contract_plan: dict[str, Any]) -> None:
    resources = by_name(contract_plan)
    assert resources["box-bucket"]["inputs"]["tags"] == {"plain": "yes", "token": "[secret]"}
    assert resources["echo"]["inputs"]["value"] == "[secret]"
    assert resources["echo"]["inputs"]["__provider"] == "[dynamic provider]"
    assert contract_plan["outputs"]["token"] == "[secret]"
    assert contract_plan["outputs"]["password"] == "[secret]"
    assert contract_plan["outputs"]["greeting"] == "grüezi"
    assert contract_plan["outputs"]["bucketArn"].startswith("arn:aws:s3:::")


def test_no_secret_value_in_any_format(contract_project: Path) -> None:
    plan = plan_stack(contract_project, "test", {"contract:apiToken": TOKEN})
    for rendered in (plan_json(plan), plan_text(plan), plan_markdown(plan)):
        assert TOKEN not in rendered
        assert "mock-" not in rendered  # the mock's generated password
        assert "[secret]" in rendered


def test_two_runs_are_byte_identical(contract_project: Path) -> None:
    first = plan_json(plan_stack(contract_project, "test", {"contract:apiToken": TOKEN}))
    second = plan_json(plan_stack(contract_project, "test", {"contract:apiToken": TOKEN}))
    assert first == second
    assert json.loads(first)["resources"]


@pytest.mark.parametrize("stack", STACKS)
def test_real_stack_secrets_never_appear(stack: str) -> None:
    secrets = {
        f"crms:{key}": f"known-secret-{key}-{stack}"
        for key in ("stripeSecretKey", "resendApiKey", "sentryAuthToken")
    }
    plan = plan_stack(REPO, stack, secrets)
    for rendered in (plan_json(plan), plan_text(plan), plan_markdown(plan)):
        for value in secrets.values():
            assert value not in rendered
