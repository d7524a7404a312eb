"""The stack settings the pricing reads, by config key (stacks/settings.py defines them;
tests/crms_infra/test_cost_settings.py holds each name to a settings key)."""

CARRIES_TEAM_PLANS = "usageCarriesTeamPlans"
"""This stack carries the shared Supabase organization's and Vercel team's plan fees,
credits and included allowances (the stacks share one of each)."""
AWS_ACCOUNT_SHARED = "usageAwsAccountShared"
"""The stacks share one AWS account: its always-free allowances are carried by the stack that
carries the team plans; otherwise each stack's own account has its own."""
KMS_KEY_AGE_DAYS = "usageKmsKeyAgeDays"
STORAGE_REGION = "storageRegion"
DATABASE_DISK_GB = "databaseDiskSizeGb"
DATABASE_EGRESS_GB = "usageDatabaseEgressGb"
PHOTOS_STORED_GB = "usagePhotosStoredGb"
PHOTOS_ADDED_GB = "usagePhotosAddedGb"
BACKUPS_STORED_GB = "usageBackupsStoredGb"
BACKUPS_ADDED_GB = "usageBackupsAddedGb"
ACCESS_LOGS_STORED_GB = "usageAccessLogsStoredGb"
PHOTO_UPLOADS = "usagePhotoUploads"
PHOTO_DOWNLOADS = "usagePhotoDownloads"
KMS_REQUESTS = "usageKmsRequests"
METRIC_REQUESTS = "usageMetricRequests"
ALARM_EMAILS = "usageAlarmEmails"
REDIS_COMMANDS = "usageRedisCommands"
REDIS_STORED_GB = "usageRedisStoredGb"
DRAIN_GB = "usageDrainGb"
VERCEL_SEATS = "usageVercelSeats"


def function_usage(role: str) -> tuple[str, str, str]:
    """Invocations, active CPU hours and instance hours of one Vercel project's functions:
    `web` -> usageWebInvocations, usageWebActiveCpuHours, usageWebInstanceHours."""
    prefix = "usage" + role[:1].upper() + role[1:]
    return (f"{prefix}Invocations", f"{prefix}ActiveCpuHours", f"{prefix}InstanceHours")
