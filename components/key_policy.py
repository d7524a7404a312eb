"""Least-privilege key policies for the bucket keys: administrators manage, named roles use.

Without a policy of its own, a KMS key gets AWS's default key policy: one statement
giving the account `kms:*`, i.e. every IAM principal the account's IAM policies allow
may do anything with the key, including decrypt
(https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html).

Ours separates the two roles of that page's console policy:
- key administration (manage, rotate, schedule deletion; never encrypt or decrypt) for
  the account's administrators. They are named by the account principal
  `arn:aws:iam::<account>:root`, which delegates to the account's IAM policies: whoever
  IAM lets administer KMS keys (the deploying identity included) can still change this
  policy, so the key can never be locked out (KMS refuses a policy that would lock the
  caller out unless the lockout check is bypassed, which we never do);
- key use for the named roles only (a key policy naming a principal of the account is
  enough on its own, no IAM policy needed:
  https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html), and only
  through S3 in the key's region
  (`kms:ViaService`, https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service).

The policies are separate `aws.kms.KeyPolicy` resources (pulumi-aws v7,
sdk/python/pulumi_aws/kms/key_policy.py), not the key's `policy` argument, because the
ops role that uses the keys is created after them, from the buckets' ARNs.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

# The console's key-administrators statement
# (key-policy-default.html#key-policy-default-allow-administrators), without kms:*:
# no Encrypt, Decrypt, ReEncrypt or GenerateDataKey here.
ADMINISTRATION_ACTIONS = (
    "kms:Create*",
    "kms:Describe*",
    "kms:Enable*",
    "kms:List*",
    "kms:Put*",
    "kms:Update*",
    "kms:Revoke*",
    "kms:Disable*",
    "kms:Get*",
    "kms:Delete*",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:ScheduleKeyDeletion",
    "kms:CancelKeyDeletion",
    "kms:RotateKeyOnDemand",
)
READ = ("kms:Decrypt",)
WRITE = ("kms:Decrypt", "kms:GenerateDataKey")
# S3 replication encrypts replicas under the destination key with kms:Encrypt
# (https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html).
REPLICATE_INTO = ("kms:Encrypt", "kms:GenerateDataKey")


@dataclass(frozen=True)
class KeyUse:
    """One role allowed to use one key through S3, with exactly these actions."""

    role_arn: pulumi.Input[str]
    actions: tuple[str, ...]
    sid: str


@dataclass(frozen=True)
class KeyGrants:
    """A key, its region and the roles that use it."""

    name: str
    key: aws.kms.Key
    region: str
    uses: tuple[KeyUse, ...]


def key_policy_document(
    account_id: pulumi.Input[str], region: str, uses: Sequence[KeyUse]
) -> pulumi.Output[str]:
    statements: list[dict[str, object]] = [
        {
            "Sid": "KeyAdministration",
            "Effect": "Allow",
            "Principal": {"AWS": pulumi.Output.concat("arn:aws:iam::", account_id, ":root")},
            "Action": list(ADMINISTRATION_ACTIONS),
            "Resource": "*",  # in a key policy, "*" is this key
        }
    ]
    for use in uses:
        statements.append(
            {
                "Sid": use.sid,
                "Effect": "Allow",
                "Principal": {"AWS": use.role_arn},
                "Action": list(use.actions),
                "Resource": "*",
                "Condition": {"StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"}},
            }
        )
    return pulumi.Output.json_dumps({"Version": "2012-10-17", "Statement": statements})


@dataclass(frozen=True, kw_only=True)
class KeyPoliciesArgs:
    grants: Sequence[KeyGrants]
    """Each key with its region and the roles that use it (Storage.key_grants)."""
    account_id: pulumi.Input[str]
    """The account whose administrators manage the keys."""


class KeyPolicies(pulumi.ComponentResource):
    """One explicit key policy per key, from the keys' grants."""

    def __init__(
        self, name: str, args: KeyPoliciesArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("crms:index:KeyPolicies", name, None, opts)
        self.policies = [
            aws.kms.KeyPolicy(
                f"{grant.name}-policy",
                key_id=grant.key.id,
                region=grant.region,
                policy=key_policy_document(args.account_id, grant.region, grant.uses),
                bypass_policy_lockout_safety_check=False,
                opts=pulumi.ResourceOptions(parent=self),
            )
            for grant in args.grants
        ]
        self.register_outputs({"keys": len(self.policies)})
