"""prod's AWS resources as a CDK app: what `benchmarks/plan_vs_synth.py` times `cdk synth` of.

The same resources as `crms-infra plan prod` plans on AWS (components/storage.py,
bucket.py, replication.py, key_policy.py, identity.py, alerts.py, with prod's settings):

- Zurich (eu-central-2): the buckets' KMS key; the photos, backups (Object Lock, 90 days
  compliance) and access-log buckets, each versioned, encrypted, private, owner-enforced,
  TLS only, with its lifecycle and access logs; replication of photos (within 15 minutes,
  with metrics) and backups into the replicas, with the one replication role; the OIDC
  provider for Vercel and the ops role it may assume; the alert topics' key, a topic and
  an e-mail subscription per recipient, and the five alarms;
- Frankfurt (eu-central-1): the replicas' keys, the two replica buckets and their
  access-log bucket.

CloudFormation folds what the Pulumi program makes as separate S3 resources (versioning,
encryption, ...) into the bucket's properties, and a key's policy into the key, so the
counts of resources differ while the AWS resources are the same. A stack deploys to one
region, hence two stacks; the source stack names the replicas by their bucket names and
their keys by alias, as CloudFormation cannot reference across regions
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/outputs-section-structure.html).
Run by the pinned `aws-cdk` CLI (package.json) with the pinned aws-cdk-lib (requirements.txt).
"""

import aws_cdk as cdk
from alerts import alerts
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from blocks import (
    ACCOUNT,
    BACKUPS_COLD_AFTER_DAYS,
    FRANKFURT,
    LOCK_DAYS,
    LOG_DAYS,
    REPLICAS,
    TAGS,
    ZURICH,
    bucket,
    key,
)
from constructs import Construct
from identity import identity


class Replicas(cdk.Stack):
    """Frankfurt: the replicas, their keys and their access logs."""

    def __init__(self, scope: Construct, name: str) -> None:
        super().__init__(scope, name, env=cdk.Environment(account=ACCOUNT, region=FRANKFURT))
        logs = bucket(
            self,
            "storage-replica-access-logs",
            encryption_key=None,
            logs=None,
            expire_days=LOG_DAYS,
        )
        for purpose, (bucket_name, alias, _) in REPLICAS.items():
            locked = purpose == "backups"
            bucket(
                self,
                f"storage-{purpose}-replica",
                bucket_name=bucket_name,
                encryption_key=key(self, f"storage-{purpose}-replica-key", alias),
                logs=logs,
                cold_after_days=BACKUPS_COLD_AFTER_DAYS if locked else None,
                lock_days=LOCK_DAYS if locked else None,
            )


class Production(cdk.Stack):
    """Zurich: the buckets and their replication, the ops role, the alerts."""

    def __init__(self, scope: Construct, name: str) -> None:
        super().__init__(scope, name, env=cdk.Environment(account=ACCOUNT, region=ZURICH))
        storage_key = key(self, "storage-key")
        logs = bucket(
            self, "storage-access-logs", encryption_key=None, logs=None, expire_days=LOG_DAYS
        )
        replication = iam.Role(
            self, "storage-replication", assumed_by=iam.ServicePrincipal("s3.amazonaws.com")
        )
        sources = {}
        for purpose in REPLICAS:
            locked = purpose == "backups"
            sources[purpose] = self.source(purpose, storage_key, logs, replication, locked)
        identity(self, storage_key, sources)
        alerts(self)

    def source(
        self, purpose: str, storage_key: kms.Key, logs: s3.Bucket, role: iam.Role, locked: bool
    ) -> s3.Bucket:
        bucket_name, alias, storage_class = REPLICAS[purpose]
        replica_key = kms.Key.from_key_arn(
            self, f"{purpose}-replica-key", f"arn:aws:kms:{FRANKFURT}:{ACCOUNT}:{alias}"
        )
        source = bucket(
            self,
            f"storage-{purpose}",
            encryption_key=storage_key,
            logs=logs,
            cold_after_days=BACKUPS_COLD_AFTER_DAYS if locked else None,
            lock_days=LOCK_DAYS if locked else None,
        )
        replica = s3.Bucket.from_bucket_attributes(
            self, f"{purpose}-replica", bucket_name=bucket_name, region=FRANKFURT
        )
        cfn = source.node.default_child
        assert isinstance(cfn, s3.CfnBucket)
        destination = s3.CfnBucket.ReplicationDestinationProperty(
            bucket=replica.bucket_arn,
            storage_class=storage_class,
            encryption_configuration=s3.CfnBucket.EncryptionConfigurationProperty(
                replica_kms_key_id=replica_key.key_arn
            ),
            replication_time=(
                s3.CfnBucket.ReplicationTimeProperty(
                    status="Enabled", time=s3.CfnBucket.ReplicationTimeValueProperty(minutes=15)
                )
                if not locked
                else None
            ),
            metrics=(
                s3.CfnBucket.MetricsProperty(
                    status="Enabled",
                    event_threshold=s3.CfnBucket.ReplicationTimeValueProperty(minutes=15),
                )
                if not locked
                else None
            ),
        )
        cfn.replication_configuration = s3.CfnBucket.ReplicationConfigurationProperty(
            role=role.role_arn,
            rules=[
                s3.CfnBucket.ReplicationRuleProperty(
                    id=f"{purpose}-to-replica",
                    status="Enabled",
                    priority=0,
                    filter=s3.CfnBucket.ReplicationRuleFilterProperty(prefix=""),
                    delete_marker_replication=s3.CfnBucket.DeleteMarkerReplicationProperty(
                        status="Enabled" if locked else "Disabled"
                    ),
                    source_selection_criteria=s3.CfnBucket.SourceSelectionCriteriaProperty(
                        sse_kms_encrypted_objects=s3.CfnBucket.SseKmsEncryptedObjectsProperty(
                            status="Enabled"
                        )
                    ),
                    destination=destination,
                )
            ],
        )
        read = ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl"]
        read.append("s3:GetObjectVersionTagging")
        if locked:
            read += ["s3:GetObjectRetention", "s3:GetObjectLegalHold"]
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["s3:GetReplicationConfiguration", "s3:ListBucket"],
                resources=[source.bucket_arn],
            )
        )
        role.add_to_policy(
            iam.PolicyStatement(actions=read, resources=[source.arn_for_objects("*")])
        )
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
                resources=[replica.arn_for_objects("*")],
            )
        )
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["kms:Decrypt"],
                resources=[storage_key.key_arn],
                conditions={"StringEquals": {"kms:ViaService": f"s3.{ZURICH}.amazonaws.com"}},
            )
        )
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["kms:Encrypt", "kms:GenerateDataKey"],
                resources=[replica_key.key_arn],
                conditions={"StringEquals": {"kms:ViaService": f"s3.{FRANKFURT}.amazonaws.com"}},
            )
        )
        storage_key.add_to_resource_policy(
            iam.PolicyStatement(
                sid=f"ReplicationReads{purpose.title()}",
                principals=[role],
                actions=["kms:Decrypt"],
                resources=["*"],
                conditions={"StringEquals": {"kms:ViaService": f"s3.{ZURICH}.amazonaws.com"}},
            )
        )
        return source


app = cdk.App()
replicas = Replicas(app, "crms-production-replicas")
production = Production(app, "crms-production")
production.add_stack_dependency(replicas)  # the replicas exist before anything replicates into them
for stack in (replicas, production):
    for tag, value in TAGS.items():
        cdk.Tags.of(stack).add(tag, value)
app.synth()
