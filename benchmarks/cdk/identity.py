"""components/identity.py as CDK: Vercel's OIDC provider and the ops role it may assume
(part of the CDK app, app.py)."""

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from blocks import NAMESPACE, OPS_PROJECT, REPLICAS, TEAM


def identity(scope: cdk.Stack, storage_key: kms.Key, sources: dict[str, s3.Bucket]) -> None:
    """components/identity.py: Vercel's OIDC issuer, and the ops role it may assume."""
    issuer = f"oidc.vercel.com/{TEAM}"
    audience = f"https://vercel.com/{TEAM}"
    provider = iam.OidcProviderNative(
        scope, "identity-vercel-oidc", url=f"https://{issuer}", client_ids=[audience]
    )
    subject = f"owner:{TEAM}:project:{OPS_PROJECT}:environment:production"
    role = iam.Role(
        scope,
        "identity-app",
        description=f"Assumed by the Vercel project {OPS_PROJECT} through OIDC",
        max_session_duration=cdk.Duration.hours(1),
        assumed_by=iam.WebIdentityPrincipal(
            provider.oidc_provider_arn,
            {"StringEquals": {f"{issuer}:aud": audience, f"{issuer}:sub": subject}},
        ),
    )
    photos, backups = sources["photos"], sources["backups"]
    for purpose in REPLICAS:
        replica = s3.Bucket.from_bucket_name(scope, f"{purpose}-replica-read", REPLICAS[purpose][0])
        role.add_to_policy(
            iam.PolicyStatement(
                sid=f"{purpose.title()}ReplicaRead",
                actions=["s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectVersionTagging"],
                resources=[replica.arn_for_objects("*")],
            )
        )
        role.add_to_policy(
            iam.PolicyStatement(
                sid=f"{purpose.title()}ReplicaList",
                actions=["s3:ListBucket", "s3:ListBucketVersions"],
                resources=[replica.bucket_arn],
            )
        )
    statements = {
        "PhotosReadWrite": (
            [
                "s3:GetObject",
                "s3:GetObjectVersion",
                "s3:PutObject",
                "s3:GetObjectVersionTagging",
                "s3:PutObjectTagging",
            ],
            photos.arn_for_objects("*"),
        ),
        "PhotosList": (["s3:ListBucket", "s3:ListBucketVersions"], photos.bucket_arn),
        "BackupsWriteRead": (["s3:GetObject", "s3:PutObject"], backups.arn_for_objects("*")),
        "BackupsList": (["s3:ListBucket"], backups.bucket_arn),
    }
    for sid, (allowed, resource) in statements.items():
        role.add_to_policy(iam.PolicyStatement(sid=sid, actions=allowed, resources=[resource]))
    storage_key.grant(role, "kms:Decrypt", "kms:GenerateDataKey")
    role.add_to_policy(
        iam.PolicyStatement(
            sid="MetricsInOwnNamespace",
            actions=["cloudwatch:PutMetricData"],
            resources=["*"],
            conditions={"StringEquals": {"cloudwatch:namespace": NAMESPACE}},
        )
    )
