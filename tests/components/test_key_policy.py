"""Key policies on mocks: every key has one; administration for the account, named use for
the ops and replication roles through S3 in the key's region, nothing else."""

import json
from typing import Any

import pytest

from components.key_policy import ADMINISTRATION_ACTIONS
from tests.conftest import STACKS
from tests.helpers import by_name, inputs_of, resources

ACCOUNT_ROOT = "arn:aws:iam::123456789012:root"
OPS_ROLE = "arn:aws:iam::123456789012:role/identity-app"
REPLICATION_ROLE = "arn:aws:iam::123456789012:role/storage-replication"


def policies(stack: str) -> dict[str, dict[str, Any]]:
    """Each key's policy document, by the key's name."""
    found = {}
    for key_policy in resources(stack, "aws:kms/keyPolicy:KeyPolicy"):
        key_id = inputs_of(key_policy)["keyId"]
        found[key_id.removesuffix("-id")] = json.loads(inputs_of(key_policy)["policy"])
        assert inputs_of(key_policy)["bypassPolicyLockoutSafetyCheck"] is False
    return found


@pytest.mark.parametrize("stack", STACKS)
def test_every_storage_key_has_an_explicit_policy_in_its_region(stack: str) -> None:
    keys = by_name(stack, "aws:kms/key:Key")
    storage_keys = {name for name in keys if name.startswith("storage-")}
    assert storage_keys <= set(policies(stack))
    for key_policy in resources(stack, "aws:kms/keyPolicy:KeyPolicy"):
        key = keys[inputs_of(key_policy)["keyId"].removesuffix("-id")]
        assert inputs_of(key_policy)["region"] == inputs_of(key)["region"]


def test_prod_key_users_are_named_and_bound_to_s3() -> None:
    found = policies("prod")
    users = {
        key: {
            (statement["Principal"]["AWS"], tuple(statement["Action"]))
            for statement in document["Statement"]
            if statement["Sid"] != "KeyAdministration"
        }
        for key, document in found.items()
    }
    assert users["storage-key"] == {
        (OPS_ROLE, ("kms:Decrypt", "kms:GenerateDataKey")),
        (REPLICATION_ROLE, ("kms:Decrypt",)),
    }
    for replica_key in ("storage-replica-key", "storage-photos-replica-key"):
        assert users[replica_key] == {
            (REPLICATION_ROLE, ("kms:Encrypt", "kms:GenerateDataKey")),
            (OPS_ROLE, ("kms:Decrypt",)),  # a restore reads the replicas
        }
    regions = {"storage-key": "eu-central-2"}
    for key, document in found.items():
        region = regions.get(key, "eu-central-1")
        for statement in document["Statement"]:
            if statement["Sid"] == "KeyAdministration":
                assert statement["Principal"] == {"AWS": ACCOUNT_ROOT}
                assert statement["Action"] == list(ADMINISTRATION_ACTIONS)
                assert not {"kms:*", "kms:Decrypt", "kms:Encrypt"} & set(statement["Action"])
            else:
                assert statement["Condition"] == {
                    "StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"}
                }


def test_dev_keys_have_only_the_ops_role_as_user() -> None:
    (document,) = [d for k, d in policies("dev").items() if k == "storage-key"]
    principals = [s["Principal"]["AWS"] for s in document["Statement"]]
    assert principals == [ACCOUNT_ROOT, OPS_ROLE]
