"""The seed's alert rules as CloudWatch alarms, notifying SNS topics by e-mail.

Each recipient is a topic of its own with one e-mail subscription, so that a
person is subscribed once however many rules page them; each alarm sends its
ALARM and OK notifications to the topics of its recipients. What each alarm
watches comes with each rule (`stacks.alert_rules` makes it from the settings).

The topics are encrypted with a customer-managed key of their own. CloudWatch
cannot publish to a topic under the AWS-managed `alias/aws/sns` key (its policy
cannot be changed to let cloudwatch.amazonaws.com use it): the key policy must
grant CloudWatch `kms:Decrypt` and `kms:GenerateDataKey*`
(https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html, "Enable
compatibility between event sources from AWS services and encrypted topics";
https://repost.aws/knowledge-center/cloudwatch-receive-sns-for-alarm-trigger).
"""

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.alarm_watch import Watch, alarm_arguments


@dataclass(frozen=True, kw_only=True)
class AlertRule:
    name: str
    """The rule's key (high_error_rate, ...): the alarm's name and its key in `sources`."""
    description: str
    """What the alarm means, after its severity in the alarm's description."""
    source: str
    """Which deployed piece publishes the alarm's data (exported as `alarmSources`)."""
    watch: Watch
    """What the alarm watches and how CloudWatch evaluates it."""
    threshold: float
    """Alarm above this value (percent, or seconds for slow_contract_creation); below it
    (deliveries) for drain_silence."""
    severity: str
    """critical or warning: in the alarm's name, description and tags."""
    recipients: Sequence[str]
    """E-mail addresses notified on ALARM and on OK."""
    look_at: pulumi.Input[str] | None = None
    """Where the one alerted looks next (the Sentry issues of the web app), if anywhere."""


@dataclass(frozen=True, kw_only=True)
class AlertsArgs:
    region: str
    """AWS region of the alarms and topics (where the app publishes its metrics)."""
    rules: Sequence[AlertRule]
    """The enabled rules; a rule switched off in the settings is simply not here."""
    tags: Mapping[str, str]
    """Tags on every alarm, topic and the topics' key."""
    protect: bool
    """Protect the topics' key: deleting it makes every notification undeliverable."""


class Alerts(pulumi.ComponentResource):
    alarms: dict[str, aws.cloudwatch.MetricAlarm]
    topics: dict[str, aws.sns.Topic]

    def __init__(
        self, name: str, args: AlertsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("crms:index:Alerts", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        recipients = sorted({address for rule in args.rules for address in rule.recipients})
        identity = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self))
        partition = aws.get_partition_output(opts=pulumi.InvokeOutputOptions(parent=self))
        self.key = aws.kms.Key(
            f"{name}-topics-key",
            region=args.region,
            description="CRMS alert topics: CloudWatch alarms may publish to them",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            policy=pulumi.Output.all(partition.partition, identity.account_id).apply(
                lambda values: topics_key_policy(values[0], args.region, values[1])
            ),
            tags=dict(args.tags),
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )
        self.topics = {}
        for address in recipients:
            topic = aws.sns.Topic(
                f"{name}-{_slug(address)}",
                region=args.region,
                kms_master_key_id=self.key.arn,
                tags=dict(args.tags),
                opts=child,
            )
            aws.sns.TopicSubscription(
                f"{name}-{_slug(address)}",
                region=args.region,
                topic=topic.arn,
                protocol="email",
                endpoint=address,
                opts=child,
            )
            self.topics[address] = topic
        self.alarms = {}
        for rule in args.rules:
            actions = [self.topics[address].arn for address in rule.recipients]
            self.alarms[rule.name] = aws.cloudwatch.MetricAlarm(
                f"{name}-{rule.name.replace('_', '-')}",  # AlertKind.resource_suffix
                region=args.region,
                alarm_description=_description(rule),
                threshold=rule.threshold,
                alarm_actions=actions,
                ok_actions=actions,
                tags={**args.tags, "severity": rule.severity},
                opts=child,
                **alarm_arguments(rule.watch),
            )
        self.sources = {rule.name: rule.source for rule in args.rules}
        self.register_outputs(
            {
                "topics": {a: t.arn for a, t in self.topics.items()},
                "topicsKeyArn": self.key.arn,
                "sources": self.sources,
            }
        )


def topics_key_policy(partition: str, region: str, account_id: str) -> str:
    """The account administers the key (through IAM, as with AWS's default key policy);
    CloudWatch alarms of this account and region may encrypt and decrypt with it, for
    publishing to the topics, and nothing else may."""
    alarms = f"arn:{partition}:cloudwatch:{region}:{account_id}:alarm:*"
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "AccountAdministersTheKey",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:{partition}:iam::{account_id}:root"},
                    "Action": "kms:*",
                    "Resource": "*",
                },
                {
                    "Sid": "CloudWatchAlarmsPublishToTheTopics",
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudwatch.amazonaws.com"},
                    "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                    "Resource": "*",
                    # Confused-deputy guard: only this account's alarms in this region.
                    "Condition": {
                        "StringEquals": {"aws:SourceAccount": account_id},
                        "ArnLike": {"aws:SourceArn": alarms},
                    },
                },
            ],
        },
        sort_keys=True,
    )


def _slug(address: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", address.lower()).strip("-")


def _description(rule: AlertRule) -> pulumi.Input[str]:
    described = f"[{rule.severity}] {rule.description}"
    if rule.look_at is None:
        return described
    return pulumi.Output.concat(described, " Look at: ", rule.look_at)
