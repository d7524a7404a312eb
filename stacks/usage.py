"""What a month of use looks like, per stack: the quantities a plan cannot know, which
`crms-infra cost` and the pack's budget rule price (`crms:usage*` keys).

The defaults describe a development stack: a few people testing. Staging and prod set their
own in their stack files. Every default carries the reasoning behind it; an estimate marks
each line that rests on one of these.
"""

from typing import Any

from pydantic import Field

from stacks.settings_base import Settings

MAX_GB = 1_000_000
MAX_COUNT = 10_000_000_000


def _gb(default: int, description: str) -> Any:
    return Field(default, ge=0, le=MAX_GB, description=description)


def _count(default: int, description: str) -> Any:
    return Field(default, ge=0, le=MAX_COUNT, description=description)


class UsageSettings(Settings):
    # The three stacks share one Supabase organization and one Vercel team, whose plan fees,
    # credits and included allowances exist once: prod carries them, the others do not.
    carries_team_plans: bool = Field(
        False,
        description="This stack carries the shared Supabase and Vercel plans' fees and credits.",
    )
    # AWS's always-free allowances (KMS requests, CloudWatch alarms, metrics and API requests)
    # exist once per account: in a shared account the stack that carries the team
    # plans carries them too; in an account of its own each stack has its own.
    aws_account_shared: bool = Field(
        True,
        description="The three stacks share one AWS account (and its always-free allowances).",
    )
    # Keys rotate every 365 days; AWS bills the first two rotations and no later one, so a
    # key two years old costs what it costs for good (https://aws.amazon.com/kms/pricing/).
    kms_key_age_days: int = Field(
        730,
        ge=0,
        le=36_500,
        description="Age in days of the stack's KMS keys in the month priced (rotations billed).",
    )
    # The Pro platform fee includes one deploying seat (CI deploys with the team's token).
    vercel_seats: int = Field(
        1, ge=1, le=1_000, description="Deploying seats of the Vercel team (if it carries them)."
    )
    # Test traffic: pages return kilobytes of rows, so 1 GB is thousands of page loads.
    database_egress_gb: int = _gb(1, "GB a month the Supabase project sends out.")
    # About 1,000 test photos of about 2 MB (a phone photo).
    photos_stored_gb: int = _gb(2, "GB of vehicle photos stored (and in each replica).")
    # A few hundred test photos a month.
    photos_added_gb: int = _gb(1, "GB of photos added a month (what replication copies).")
    # Manifests are one ~200-byte line per photo version, daily; 1 GB holds years of them here.
    backups_stored_gb: int = _gb(1, "GB stored in the backups bucket (and its replica).")
    backups_added_gb: int = _gb(1, "GB added to the backups bucket a month.")
    # One ~300-byte access-log record per request, kept at least 365 days.
    access_logs_stored_gb: int = _gb(1, "GB stored in each access-log bucket.")
    # A test rental uploads about 16 photos; pages show each one several times.
    photo_uploads: int = _count(5_000, "PUT requests a month to the photos bucket.")
    photo_downloads: int = _count(50_000, "GET requests a month to the photos bucket.")
    # A few people clicking through the web app: about 3,000 requests a day.
    web_invocations: int = _count(100_000, "Invocations a month of the web app's functions.")
    # About 30 ms of CPU per server render: 100,000 x 30 ms is under an hour.
    web_active_cpu_hours: int = _count(
        1, "Active CPU hours a month of the web app's functions, as Vercel bills them."
    )
    # Fluid keeps an instance alive while requests are in flight: a few hours a working day.
    web_instance_hours: int = _count(100, "Hours a month the web app's instances are alive.")
    # The metrics cron every 5 minutes (8,640 a month), the daily backup, the drains' deliveries.
    ops_invocations: int = _count(20_000, "Invocations a month of the ops app's function.")
    ops_active_cpu_hours: int = _count(
        1, "Active CPU hours a month of the ops app's function, as Vercel bills them."
    )
    ops_instance_hours: int = _count(100, "Hours a month the ops app's instances are alive.")
    # About two commands (a session read, a rate-limit count) per web request.
    redis_commands: int = _count(200_000, "Redis commands a month.")
    # Sessions and cached rows stay well inside the GB Upstash does not charge for.
    redis_stored_gb: int = _gb(1, "GB stored in Redis.")
    # S3 Bucket Keys ask KMS for a data key per bucket and time window, not per object.
    kms_requests: int = _count(10_000, "KMS requests a month.")
    # One PutMetricData per drain delivery and per metrics-cron run.
    metric_requests: int = _count(20_000, "PutMetricData requests a month.")
    # An alarm mails on ALARM and on OK: a few flaps a month.
    alarm_emails: int = _count(10, "Alarm e-mails a month to each recipient.")
    # One log entry and one span of about 1 KB per web request, per drain.
    drain_gb: int = _gb(1, "GB a month each Vercel drain delivers.")
