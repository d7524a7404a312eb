"""Identity built alone from its args, on the mock engine: the role's trust and what the
role may do, read from the component's attributes."""

import json
from typing import Any

import pulumi
import pytest

from components.identity import Identity, IdentityArgs

PHOTOS = "arn:aws:s3:::crms-test-photos"
BACKUPS = "arn:aws:s3:::crms-test-backups"


def identity_args(**changes: Any) -> IdentityArgs:
    args: dict[str, Any] = {
        "vercel_team": "crms-team",
        "vercel_project": "crms-ops-test",
        "vercel_environment": "production",
        "photos_bucket_arn": PHOTOS,
        "backups_bucket_arn": BACKUPS,
        "kms_key_arn": "arn:aws:kms:eu-central-2:123456789012:key/test",
        "metrics_namespace": "CRMS/test",
        "tags": {"project": "crms"},
    }
    return IdentityArgs(**{**args, **changes})


@pytest.mark.usefixtures("mocks")
@pulumi.runtime.test
def test_only_the_projects_production_functions_may_assume_the_role() -> pulumi.Output[None]:
    identity = Identity("identity", identity_args())

    def check(args: list[Any]) -> None:
        trust, provider_arn, audiences, url = args
        (statement,) = json.loads(trust)["Statement"]
        assert statement["Principal"] == {"Federated": provider_arn}
        assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
        assert statement["Condition"]["StringEquals"] == {
            "oidc.vercel.com/crms-team:aud": "https://vercel.com/crms-team",
            "oidc.vercel.com/crms-team:sub": (
                "owner:crms-team:project:crms-ops-test:environment:production"
            ),
        }
        assert (audiences, url) == (
            ["https://vercel.com/crms-team"],
            "https://oidc.vercel.com/crms-team",
        )

    return pulumi.Output.all(
        identity.role.assume_role_policy,
        identity.oidc_provider.arn,
        identity.oidc_provider.client_id_lists,
        identity.oidc_provider.url,
    ).apply(check)


@pytest.mark.usefixtures("mocks")
@pulumi.runtime.test
def test_a_replica_is_readable_only_when_there_is_one() -> pulumi.Output[None]:
    without = Identity("without", identity_args())
    with_replica = Identity(
        "with", identity_args(backups_replica_arn="arn:aws:s3:::crms-test-backups-replica")
    )

    def resources_of(role_policy: str) -> set[str]:
        statements = json.loads(role_policy)["Statement"]
        return {arn for s in statements for arn in _as_list(s.get("Resource"))}

    def check(args: list[Any]) -> None:
        plain, replicated = (resources_of(policy) for policy in args)
        assert not any("replica" in arn for arn in plain)
        assert "arn:aws:s3:::crms-test-backups-replica/*" in replicated
        assert {f"{PHOTOS}/*", f"{BACKUPS}/*"} <= plain

    return pulumi.Output.all(without.role_policy.policy, with_replica.role_policy.policy).apply(
        check
    )


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]
