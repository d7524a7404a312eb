"""What CI's roles may do in AWS: per kind of resource the program declares, the actions that
read it (`pulumi refresh`, drift) and those that create, change and delete it (`pulumi up`),
and the ARNs they are limited to.

Actions: the AWS Service Authorization Reference (docs.aws.amazon.com/service-authorization/
latest/reference/, list_amazons3.html, list_awskeymanagementservice.html,
list_awsidentityandaccessmanagementiam.html, list_amazoncloudwatch.html, list_amazonsns.html)
for the API calls pulumi-aws 7 (terraform-provider-aws 6) makes for each resource: its
create, read, update and delete functions in internal/service/<service>/<resource>.go. A
configuration resource's delete is the `Put` action of its API (S3's DeleteBucketLifecycle
needs s3:PutLifecycleConfiguration, and so on).
ARNs: every name is Pulumi's auto-name, `<logical name>-<7 random characters>`
(pulumi.com/docs/iac/concepts/resources/names/#autonaming), and the logical names start with
the component's name (`storage-photos`, `identity-app`, `alerts-oncall-...`), so a pattern
per component covers them; tests/crms_infra/test_ci_roles.py holds every planned resource to
these patterns and every AWS resource type of the plans to this table. KMS keys have random
IDs: they are limited by the `project` tag the program puts on every taggable resource.
"""

from dataclasses import dataclass

PROJECT_TAG = "aws:ResourceTag/project={project}"
"""Only resources carrying the program's `project` tag (stacks/naming.py, `tags`)."""


@dataclass(frozen=True)
class Access:
    """One statement's worth: reads and writes on the same resources."""

    sid: str
    reads: tuple[str, ...]
    writes: tuple[str, ...]
    arns: tuple[str, ...]
    """ARN templates: `{account}` and `{region}` are filled per role."""
    condition: str | None = None
    """`<condition key>=<value>` (StringEquals), when the ARN alone cannot narrow; `{project}`
    is the program's `project` tag."""
    wildcard_reason: str = ""
    """Why its ARNs hold a `*`, which the pack's `iam-no-wildcard-resource` (cdk-nag IAM5)
    refuses: the suppression, with its reason, as cdk-nag's `appliesTo` names one finding."""


AUTONAMED = (
    "Pulumi auto-names each resource `<logical name>-<7 random characters>` "
    "(pulumi.com/docs/iac/concepts/resources/names/#autonaming), so before the first "
    "`pulumi up` only the component's prefix of the name is known"
)


BUCKETS = Access(
    sid="Buckets",
    reads=(
        "s3:ListBucket",  # HeadBucket, the provider's existence check
        "s3:GetAccelerateConfiguration",
        "s3:GetBucketAcl",
        "s3:GetBucketCORS",
        "s3:GetBucketLocation",
        "s3:GetBucketLogging",
        "s3:GetBucketObjectLockConfiguration",
        "s3:GetBucketOwnershipControls",
        "s3:GetBucketPolicy",
        "s3:GetBucketPublicAccessBlock",
        "s3:GetBucketRequestPayment",
        "s3:GetBucketTagging",
        "s3:GetBucketVersioning",
        "s3:GetBucketWebsite",
        "s3:GetEncryptionConfiguration",
        "s3:GetLifecycleConfiguration",
        "s3:GetReplicationConfiguration",
    ),
    writes=(
        "s3:CreateBucket",
        "s3:DeleteBucket",
        "s3:DeleteBucketPolicy",
        "s3:PutBucketLogging",
        "s3:PutBucketObjectLockConfiguration",
        "s3:PutBucketOwnershipControls",
        "s3:PutBucketPolicy",
        "s3:PutBucketPublicAccessBlock",
        "s3:PutBucketTagging",
        "s3:PutBucketVersioning",
        "s3:PutEncryptionConfiguration",
        "s3:PutLifecycleConfiguration",
        "s3:PutReplicationConfiguration",
    ),
    arns=("arn:aws:s3:::storage-*",),
    wildcard_reason=AUTONAMED,
)
KEYS = Access(
    sid="Keys",
    reads=(
        "kms:DescribeKey",
        "kms:GetKeyPolicy",
        "kms:GetKeyRotationStatus",
        "kms:ListResourceTags",
    ),
    writes=(
        "kms:DisableKeyRotation",
        "kms:EnableKeyRotation",
        "kms:PutKeyPolicy",
        "kms:ScheduleKeyDeletion",
        "kms:TagResource",
        "kms:UntagResource",
        "kms:UpdateKeyDescription",
    ),
    arns=("arn:aws:kms:{region}:{account}:key/*",),
    condition=PROJECT_TAG,
    wildcard_reason="KMS gives each key a random ID (CreateKey), so the keys are bound by "
    "the program's `project` tag (the condition) instead",
)
NEW_KEYS = Access(
    sid="NewKeys",
    reads=(),
    # Tags given to CreateKey need kms:TagResource too; the request's tag is the condition
    # (aws:RequestTag, which CreateKey supports).
    writes=("kms:CreateKey", "kms:TagResource"),
    arns=("*",),
    condition="aws:RequestTag/project={project}",
    wildcard_reason="kms:CreateKey names no resource (Service Authorization Reference, AWS "
    "KMS: no resource types), so `*` under the request-tag condition is its only bound",
)
OIDC_PROVIDERS = Access(
    sid="VercelOidcProvider",
    reads=("iam:GetOpenIDConnectProvider",),
    writes=(
        "iam:AddClientIDToOpenIDConnectProvider",
        "iam:CreateOpenIDConnectProvider",
        "iam:DeleteOpenIDConnectProvider",
        "iam:RemoveClientIDFromOpenIDConnectProvider",
        "iam:TagOpenIDConnectProvider",
        "iam:UntagOpenIDConnectProvider",
        "iam:UpdateOpenIDConnectProviderThumbprint",
    ),
    arns=("arn:aws:iam::{account}:oidc-provider/oidc.vercel.com/*",),
    wildcard_reason="the provider's path is the Vercel team, which each stack sets "
    "(computeVercelTeam), and the preview role reads every stack's",
)
ROLES = Access(
    sid="Roles",
    reads=(
        "iam:GetRole",
        "iam:GetRolePolicy",
        "iam:ListAttachedRolePolicies",
        "iam:ListInstanceProfilesForRole",
        "iam:ListRolePolicies",
        "iam:ListRoleTags",
    ),
    writes=(
        "iam:CreateRole",
        "iam:DeleteRole",
        "iam:DeleteRolePolicy",
        "iam:PutRolePolicy",
        "iam:TagRole",
        "iam:UntagRole",
        "iam:UpdateAssumeRolePolicy",
        "iam:UpdateRole",
        "iam:UpdateRoleDescription",
    ),
    arns=("arn:aws:iam::{account}:role/identity-*", "arn:aws:iam::{account}:role/storage-*"),
    wildcard_reason=AUTONAMED,
)
PASS_REPLICATION_ROLE = Access(
    sid="PassReplicationRoleToS3",
    reads=(),
    writes=("iam:PassRole",),  # PutBucketReplication hands S3 the replication role
    arns=("arn:aws:iam::{account}:role/storage-*",),
    condition="iam:PassedToService=s3.amazonaws.com",
    wildcard_reason=AUTONAMED,
)
ALARMS = Access(
    sid="Alarms",
    reads=("cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource"),
    writes=(
        "cloudwatch:DeleteAlarms",
        "cloudwatch:PutMetricAlarm",
        "cloudwatch:TagResource",
        "cloudwatch:UntagResource",
    ),
    arns=("arn:aws:cloudwatch:{region}:{account}:alarm:alerts-*",),
    wildcard_reason=AUTONAMED,
)
TOPICS = Access(
    sid="Topics",
    reads=("sns:GetSubscriptionAttributes", "sns:GetTopicAttributes", "sns:ListTagsForResource"),
    writes=(
        "sns:CreateTopic",
        "sns:DeleteTopic",
        "sns:SetSubscriptionAttributes",
        "sns:SetTopicAttributes",
        "sns:Subscribe",
        "sns:TagResource",
        "sns:Unsubscribe",
        "sns:UntagResource",
    ),
    arns=("arn:aws:sns:{region}:{account}:alerts-*",),
    wildcard_reason=AUTONAMED,
)

_S3 = "aws:s3/"
BY_TYPE: dict[str, tuple[Access, ...]] = {
    **{
        f"{_S3}{kind}": (BUCKETS,)
        for kind in (
            "bucket:Bucket",
            "bucketLifecycleConfiguration:BucketLifecycleConfiguration",
            "bucketLogging:BucketLogging",
            "bucketObjectLockConfiguration:BucketObjectLockConfiguration",
            "bucketOwnershipControls:BucketOwnershipControls",
            "bucketPolicy:BucketPolicy",
            "bucketPublicAccessBlock:BucketPublicAccessBlock",
            "bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
            "bucketVersioning:BucketVersioning",
        )
    },
    f"{_S3}bucketReplicationConfig:BucketReplicationConfig": (BUCKETS, PASS_REPLICATION_ROLE),
    "aws:kms/key:Key": (KEYS, NEW_KEYS),
    "aws:kms/keyPolicy:KeyPolicy": (KEYS,),
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": (OIDC_PROVIDERS,),
    "aws:iam/role:Role": (ROLES,),
    "aws:iam/rolePolicy:RolePolicy": (ROLES,),
    "aws:cloudwatch/metricAlarm:MetricAlarm": (ALARMS,),
    "aws:sns/topic:Topic": (TOPICS,),
    "aws:sns/topicSubscription:TopicSubscription": (TOPICS,),
}
"""Every AWS resource type the program declares, and what managing it takes."""
BY_SID = {access.sid: access for accesses in BY_TYPE.values() for access in accesses}
