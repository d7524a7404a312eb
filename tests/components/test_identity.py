"""Identity on mocks: only this stack's Vercel project may assume a least-privilege role."""

import pytest

from tests.conftest import STACKS
from tests.helpers import by_name, load, policy_document, resources

ENVIRONMENTS = {"dev": "development", "staging": "staging", "prod": "production"}


@pytest.mark.parametrize("stack", STACKS)
def test_oidc_provider_is_vercels_for_the_team(stack: str) -> None:
    (provider,) = resources(stack, "aws:iam/openIdConnectProvider:OpenIdConnectProvider")
    team = load(stack).compute.vercel_team
    assert provider["inputs"]["url"] == f"https://oidc.vercel.com/{team}"
    assert provider["inputs"]["clientIdLists"] == [f"https://vercel.com/{team}"]


@pytest.mark.parametrize("stack", STACKS)
def test_only_this_stacks_project_and_environment_can_assume_the_role(stack: str) -> None:
    role = by_name(stack, "aws:iam/role:Role")["identity-app"]
    (statement,) = policy_document(role, "assumeRolePolicy")["Statement"]
    team = load(stack).compute.vercel_team
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert statement["Principal"]["Federated"].endswith(f":oidc-provider/oidc.vercel.com/{team}")
    assert statement["Condition"] == {
        "StringEquals": {
            f"oidc.vercel.com/{team}:aud": f"https://vercel.com/{team}",
            f"oidc.vercel.com/{team}:sub": (
                f"owner:{team}:project:crms-ops-{ENVIRONMENTS[stack]}:environment:production"
            ),
        }
    }
    assert "*" not in str(statement["Condition"])


@pytest.mark.parametrize("stack", STACKS)
def test_app_permissions_are_least_privilege(stack: str) -> None:
    policy = by_name(stack, "aws:iam/rolePolicy:RolePolicy")["identity-app"]
    statements = {s["Sid"]: s for s in policy_document(policy)["Statement"]}
    for statement in statements.values():
        actions = (
            statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        )
        assert all("*" not in action for action in actions), statement
        assert not any("Delete" in action for action in actions), statement
    assert statements["BackupsWriteRead"]["Action"] == ["s3:GetObject", "s3:PutObject"]
    assert statements["BackupsWriteRead"]["Resource"] == "arn:aws:s3:::storage-backups-mock/*"
    wildcard = [s for s in statements.values() if s["Resource"] == "*"]
    assert [s["Action"] for s in wildcard] == ["cloudwatch:PutMetricData"]
    assert wildcard[0]["Condition"] == {
        "StringEquals": {"cloudwatch:namespace": f"CRMS/{ENVIRONMENTS[stack]}"}
    }


@pytest.mark.parametrize("stack", STACKS)
def test_no_iam_user_or_access_key_anywhere(stack: str) -> None:
    types = {r["type"] for r in resources(stack)}
    assert not types & {"aws:iam/accessKey:AccessKey", "aws:iam/user:User"}
