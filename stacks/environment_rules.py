"""The rules across a stack's settings, checked once each value is valid alone: what
production always has, a NODE_ENV that matches, a replica in another region, the previews'
protection and data plane, and point-in-time recovery where Supabase offers it."""

from stacks.config_keys import config_key
from stacks.preview_settings import preview_problems
from stacks.problems import Problem
from stacks.settings import AppEnvironment, InstanceSize, NodeEnvironment, StackSettings

_PITR_IN_PRODUCTION = (
    "must be pitr_7, pitr_14 or pitr_28 in production: daily backups lose up to a day "
    "(Supabase's production checklist)"
)
_PITR_SIZE = (
    "needs crms:databaseInstanceSize small or larger (it is {size}): Supabase offers "
    "point-in-time recovery only from the Small compute size on"
)


def environment_rules(settings: StackSettings, stack: str | None = None) -> list[Problem]:
    """Rules across keys: what production always has, a matching NODE_ENV, a distinct replica,
    the previews' protection the Vercel plan offers and their data plane another stack's."""
    problems = [
        Problem(key, value, allowed)
        for key, value, allowed in preview_problems(
            settings.previews, settings.compute.vercel_plan, stack
        )
    ]
    if settings.storage.replication_region == settings.storage.region:
        problems.append(
            Problem(
                "storageReplicationRegion",
                settings.storage.replication_region,
                f"must differ from the buckets' region ({settings.storage.region}): "
                "a replica in the same region does not survive the region's loss",
            )
        )
    if settings.environment is not AppEnvironment.DEVELOPMENT and (
        settings.node_env is not NodeEnvironment.PRODUCTION
    ):
        problems.append(
            Problem("nodeEnv", settings.node_env.value, "must be production outside development")
        )
    if settings.environment is AppEnvironment.PRODUCTION:
        always_in_production = {
            "protectStatefulResources": settings.protect_stateful_resources,
            "storageBackupsObjectLock": settings.storage.backups_object_lock,
            "storageReplication": settings.storage.replication,
            "storagePhotosReplication": settings.storage.photos_replication,
            "databaseSslEnforced": settings.database.ssl_enforced,
            **{
                config_key(("alerts", kind.key, "enabled")): rule.enabled
                for kind, rule in settings.alerts.rules()
            },
        }
        problems.extend(
            Problem(key, value, "must be true in production")
            for key, value in always_in_production.items()
            if value is not True
        )
    return problems + backup_rules(settings)


def backup_rules(settings: StackSettings) -> list[Problem]:
    """PITR in production; and PITR only where Supabase offers it: at least the Small
    compute size (supabase/supabase apps/docs/content/guides/platform/backups.mdx)."""
    pitr = settings.database.pitr
    if pitr == "none":
        if settings.environment is AppEnvironment.PRODUCTION:
            return [Problem("databasePitr", pitr, _PITR_IN_PRODUCTION)]
        return []
    if settings.database.instance_size in (InstanceSize.NANO, InstanceSize.MICRO):
        size = settings.database.instance_size.value
        return [Problem("databasePitr", pitr, _PITR_SIZE.format(size=size))]
    return []
