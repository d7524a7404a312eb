"""The alert topics, their key and e-mail subscriptions, and the five alarms of prod, as
stacks/alert_watches.py makes them from prod's settings (part of the CDK app, app.py)."""

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from blocks import ALARMS, NAMESPACE, ZURICH


def alerts(scope: cdk.Stack) -> None:
    """components/alerts.py: a topic per recipient under a key CloudWatch may use."""
    topics_key = kms.Key(
        scope,
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
                "StringEquals": {"aws:SourceAccount": scope.account},
                "ArnLike": {
                    "aws:SourceArn": f"arn:aws:cloudwatch:{ZURICH}:{scope.account}:alarm:*"
                },
            },
        )
    )
    topics: dict[str, sns.Topic] = {}
    for address in sorted({a for alarm in ALARMS for a in alarm[3]}):
        slug = address.replace("@", "-").replace(".", "-")
        topic = sns.Topic(scope, f"alerts-{slug}", master_key=topics_key)
        topic.add_subscription(subscriptions.EmailSubscription(address))
        topics[address] = topic
    for name, severity, threshold, recipients, periods, watch in ALARMS:
        alarm = cloudwatch.Alarm(
            scope,
            f"alerts-{name}",
            alarm_description=f"[{severity}] {name}",
            metric=watched(watch),
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
