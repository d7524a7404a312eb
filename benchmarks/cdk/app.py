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
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

ACCOUNT = "123456789012"  # synth needs one; nothing is looked up or deployed
ZURICH, FRANKFURT = "eu-central-2", "eu-central-1"
TAGS = {"project": "crms", "environment": "production", "data-classification": "confidential"}
NAMESPACE = "CRMS/production"
TEAM, OPS_PROJECT = "crms-swiss", "crms-ops-production"
NONCURRENT_DAYS, BACKUPS_COLD_AFTER_DAYS, LOCK_DAYS, LOG_DAYS = 90, 30, 90, 365
REPLICAS = {  # purpose: (replica bucket, its key's alias, storage class); photos within 15 min
    "photos": (
        "crms-production-photos-replica",
        "alias/crms-production-photos-replica",
        "STANDARD",
    ),
    "backups": ("crms-production-backups-replica", "alias/crms-production-replica", "STANDARD_IA"),
}
# name, severity, threshold, recipients, evaluation periods, what it watches (as
# stacks/alert_watches.py makes it from prod's settings)
ALARMS = (
    (
        "high-error-rate",
        "critical",
        1,
        ["oncall@crms.ch"],
        5,
        ("rate", "Errors", "Requests", "web"),
    ),
    (
        "slow-contract-creation",
        "warning",
        5,
        ["dev-team@crms.ch"],
        10,
        ("p95", "ContractCreationTime"),
    ),
    ("low-disk-space", "warning", 80, ["ops@crms.ch"], 3, ("max", "DatabaseDiskUsage")),
    (
        "payment-failures",
        "critical",
        5,
        ["finance@crms.ch", "oncall@crms.ch"],
        1,
        ("rate", "PaymentFailures", "PaymentAttempts", "payments"),
    ),
    ("drain-silence", "warning", 1, ["ops@crms.ch"], 1, ("sum", "DrainDeliveries")),
)


def key(scope: Construct, name: str, alias: str | None = None) -> kms.Key:
    """A bucket key: rotated, 30 days' deletion window; administrators manage it (the
    default key policy's account statement), the roles' grants add their use."""
    return kms.Key(
        scope,
        name,
        description=f"CRMS bucket encryption ({name})",
        enable_key_rotation=True,
        pending_window=cdk.Duration.days(30),
        alias=alias,
        removal_policy=cdk.RemovalPolicy.RETAIN,
    )


def bucket(
    scope: Construct,
    name: str,
    *,
    encryption_key: kms.IKey | None,
    logs: s3.IBucket | None,
    bucket_name: str | None = None,
    expire_days: int | None = None,
    cold_after_days: int | None = None,
    lock_days: int | None = None,
) -> s3.Bucket:
    """components/bucket.py's HardenedBucket."""
    transitions = (
        [
            s3.Transition(
                storage_class=s3.StorageClass.GLACIER_INSTANT_RETRIEVAL,
                transition_after=cdk.Duration.days(cold_after_days),
            )
        ]
        if cold_after_days is not None
        else None
    )
    return s3.Bucket(
        scope,
        name,
        bucket_name=bucket_name,
        versioned=True,
        encryption=s3.BucketEncryption.KMS if encryption_key else s3.BucketEncryption.S3_MANAGED,
        encryption_key=encryption_key,
        bucket_key_enabled=encryption_key is not None or None,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        enforce_ssl=True,
        object_lock_enabled=lock_days is not None or None,
        object_lock_default_retention=(
            s3.ObjectLockRetention.compliance(cdk.Duration.days(lock_days)) if lock_days else None
        ),
        lifecycle_rules=[
            s3.LifecycleRule(
                id="retention",
                noncurrent_version_expiration=cdk.Duration.days(NONCURRENT_DAYS),
                abort_incomplete_multipart_upload_after=cdk.Duration.days(7),
                expiration=cdk.Duration.days(expire_days) if expire_days else None,
                transitions=transitions,
            )
        ],
        server_access_logs_bucket=logs,
        server_access_logs_prefix=f"{name}/" if logs is not None else None,
        removal_policy=cdk.RemovalPolicy.RETAIN,
    )


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
        self.identity(storage_key, sources)
        self.alerts()

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

    def identity(self, storage_key: kms.Key, sources: dict[str, s3.Bucket]) -> None:
        """components/identity.py: Vercel's OIDC issuer, and the ops role it may assume."""
        issuer = f"oidc.vercel.com/{TEAM}"
        audience = f"https://vercel.com/{TEAM}"
        provider = iam.OidcProviderNative(
            self, "identity-vercel-oidc", url=f"https://{issuer}", client_ids=[audience]
        )
        subject = f"owner:{TEAM}:project:{OPS_PROJECT}:environment:production"
        role = iam.Role(
            self,
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
            replica = s3.Bucket.from_bucket_name(
                self, f"{purpose}-replica-read", REPLICAS[purpose][0]
            )
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

    def alerts(self) -> None:
        """components/alerts.py: a topic per recipient under a key CloudWatch may use."""
        topics_key = kms.Key(
            self,
            "alerts-topics-key",
            description="CRMS alert topics: CloudWatch alarms may publish to them",
            enable_key_rotation=True,
            pending_window=cdk.Duration.days(30),
        )
        topics_key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="CloudWatchAlarmsPublishToTheTopics",
                principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
                actions=["kms:Decrypt", "kms:GenerateDataKey*"],
                resources=["*"],
                conditions={
                    "StringEquals": {"aws:SourceAccount": self.account},
                    "ArnLike": {
                        "aws:SourceArn": f"arn:aws:cloudwatch:{ZURICH}:{self.account}:alarm:*"
                    },
                },
            )
        )
        topics: dict[str, sns.Topic] = {}
        for address in sorted({a for alarm in ALARMS for a in alarm[3]}):
            slug = address.replace("@", "-").replace(".", "-")
            topic = sns.Topic(self, f"alerts-{slug}", master_key=topics_key)
            topic.add_subscription(subscriptions.EmailSubscription(address))
            topics[address] = topic
        for name, severity, threshold, recipients, periods, watch in ALARMS:
            alarm = cloudwatch.Alarm(
                self,
                f"alerts-{name}",
                alarm_description=f"[{severity}] {name}",
                metric=self.watched(watch),
                threshold=threshold,
                evaluation_periods=periods,
                datapoints_to_alarm=periods,
                comparison_operator=(
                    cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD
                    if name == "drain-silence"
                    else cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD
                ),
                treat_missing_data=(
                    cloudwatch.TreatMissingData.BREACHING
                    if name in ("drain-silence", "low-disk-space")
                    else cloudwatch.TreatMissingData.NOT_BREACHING
                ),
            )
            for address in recipients:
                alarm.add_alarm_action(actions.SnsAction(topics[address]))
                alarm.add_ok_action(actions.SnsAction(topics[address]))

    @staticmethod
    def watched(watch: tuple[str, ...]) -> cloudwatch.IMetric:
        def metric(name: str, service: str, statistic: str, minutes: int) -> cloudwatch.Metric:
            return cloudwatch.Metric(
                namespace=NAMESPACE,
                metric_name=name,
                dimensions_map={"Service": service},
                statistic=statistic,
                period=cdk.Duration.minutes(minutes),
            )

        shape = watch[0]
        if shape == "rate":
            _, failures, attempts, service = watch
            minutes = 1 if service == "web" else 5
            return cloudwatch.MathExpression(
                expression="IF(attempts > 0, 100 * failures / attempts, 0)",
                using_metrics={
                    "failures": metric(failures, service, "Sum", minutes),
                    "attempts": metric(attempts, service, "Sum", minutes),
                },
                period=cdk.Duration.minutes(minutes),
            )
        services = {"ContractCreationTime": "contracts", "DatabaseDiskUsage": "database"}
        statistic = {"p95": "p95", "max": "Maximum", "sum": "Sum"}[shape]
        minutes = {"p95": 1, "max": 5, "sum": 60}[shape]
        return metric(watch[1], services.get(watch[1], "drain"), statistic, minutes)


app = cdk.App()
replicas = Replicas(app, "crms-production-replicas")
production = Production(app, "crms-production")
production.add_stack_dependency(replicas)  # the replicas exist before anything replicates into them
for stack in (replicas, production):
    for tag, value in TAGS.items():
        cdk.Tags.of(stack).add(tag, value)
app.synth()
