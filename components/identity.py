"""Short-lived AWS credentials for the ops app: Vercel's OIDC tokens, trusted by one role.

No IAM user, no access key: the app exchanges the OIDC token Vercel gives each
function for role credentials (AssumeRoleWithWebIdentity). Only this stack's
Vercel project, in its production environment, can assume the role.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

VERCEL_OIDC_HOST = "oidc.vercel.com"


@dataclass(frozen=True, kw_only=True)
class IdentityArgs:
    vercel_team: str
    """Vercel team slug: the OIDC issuer is https://oidc.vercel.com/<team>."""
    vercel_project: str
    """Name of the Vercel project whose functions assume the role."""
    vercel_environment: str
    """Vercel environment allowed to assume the role (production, preview, development)."""
    photos_bucket_arn: pulumi.Input[str]
    """Photos: read and write objects."""
    backups_bucket_arn: pulumi.Input[str]
    """Backups: write and read objects, never delete."""
    kms_key_arn: pulumi.Input[str]
    """Key encrypting both buckets."""
    photos_replica_arn: pulumi.Input[str] | None = None
    """Replica of the photos, read by a restore when the source lost a version; None if none."""
    backups_replica_arn: pulumi.Input[str] | None = None
    """Replica of the backups, whose manifests a restore reads if Zurich is lost; None if none."""
    metrics_namespace: str
    """The only CloudWatch namespace the app may publish metrics to."""
    tags: Mapping[str, str]
    """Tags on the provider and the role."""


class Identity(pulumi.ComponentResource):
    role_arn: pulumi.Output[str]

    def __init__(
        self, name: str, args: IdentityArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("crms:index:Identity", name, None, opts)
        issuer = f"{VERCEL_OIDC_HOST}/{args.vercel_team}"
        audience = f"https://vercel.com/{args.vercel_team}"
        subject = (
            f"owner:{args.vercel_team}:project:{args.vercel_project}"
            f":environment:{args.vercel_environment}"
        )
        self.oidc_provider = aws.iam.OpenIdConnectProvider(
            f"{name}-vercel-oidc",
            url=f"https://{issuer}",
            client_id_lists=[audience],
            tags=dict(args.tags),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.role = aws.iam.Role(
            f"{name}-app",
            description=f"Assumed by the Vercel project {args.vercel_project} through OIDC",
            assume_role_policy=self.oidc_provider.arn.apply(
                lambda provider_arn: json.dumps(
                    trust_policy(provider_arn, issuer, audience, subject)
                )
            ),
            max_session_duration=3600,
            tags=dict(args.tags),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.role_policy = aws.iam.RolePolicy(
            f"{name}-app",
            role=self.role.id,
            policy=pulumi.Output.json_dumps(app_permissions(args)),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.role_arn = self.role.arn
        self.register_outputs({"roleArn": self.role_arn})


def trust_policy(provider_arn: str, issuer: str, audience: str, subject: str) -> dict[str, object]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": provider_arn},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringEquals": {f"{issuer}:aud": audience, f"{issuer}:sub": subject}
                },
            }
        ],
    }


def app_permissions(args: IdentityArgs) -> dict[str, object]:
    photos, backups = args.photos_bucket_arn, args.backups_bucket_arn
    return {
        "Version": "2012-10-17",
        "Statement": [
            *_replica_read("Photos", args.photos_replica_arn),
            *_replica_read("Backups", args.backups_replica_arn),
            {
                "Sid": "PhotosReadWrite",
                "Effect": "Allow",
                # Tagging: a restored copy is tagged with the version it restores
                # (app.operators.restore).
                "Action": [
                    "s3:GetObject",
                    "s3:GetObjectVersion",
                    "s3:PutObject",
                    "s3:GetObjectVersionTagging",
                    "s3:PutObjectTagging",
                ],
                "Resource": pulumi.Output.concat(photos, "/*"),
            },
            {
                "Sid": "PhotosList",
                "Effect": "Allow",
                "Action": ["s3:ListBucket", "s3:ListBucketVersions"],
                "Resource": photos,
            },
            {
                "Sid": "BackupsWriteRead",
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:PutObject"],
                "Resource": pulumi.Output.concat(backups, "/*"),
            },
            {
                "Sid": "BackupsList",
                "Effect": "Allow",
                "Action": "s3:ListBucket",
                "Resource": backups,
            },
            {
                "Sid": "BucketKey",
                "Effect": "Allow",
                "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
                "Resource": args.kms_key_arn,
            },
            {
                # PutMetricData has no resource type: the namespace condition is the limit.
                "Sid": "MetricsInOwnNamespace",
                "Effect": "Allow",
                "Action": "cloudwatch:PutMetricData",
                "Resource": "*",
                "Condition": {"StringEquals": {"cloudwatch:namespace": args.metrics_namespace}},
            },
        ],
    }


def _replica_read(what: str, replica_arn: pulumi.Input[str] | None) -> list[dict[str, object]]:
    """Read a replica (what a restore falls back on); the replica key's policy agrees."""
    if replica_arn is None:
        return []
    return [
        {
            "Sid": f"{what}ReplicaRead",
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectVersionTagging"],
            "Resource": pulumi.Output.concat(replica_arn, "/*"),
        },
        {
            "Sid": f"{what}ReplicaList",
            "Effect": "Allow",
            "Action": ["s3:ListBucket", "s3:ListBucketVersions"],
            "Resource": replica_arn,
        },
    ]
