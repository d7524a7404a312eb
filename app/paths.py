"""Every path the ops app serves, in one place.

The app routes these (app.routes.web, app.routes.drain_endpoint); the bundle rewrites each
of them to the one Vercel function and schedules the crons on two of them (stacks.bundle);
the drains post to the other two (components.drain). Callers' paths stay exactly these.
"""

HEALTH = "/api/health"
CRON_BACKUP = "/api/cron/backup"
CRON_METRICS = "/api/cron/metrics"
DRAIN_LOGS = "/api/drain/logs"
DRAIN_TRACES = "/api/drain/traces"
ALL = (HEALTH, CRON_BACKUP, CRON_METRICS, DRAIN_LOGS, DRAIN_TRACES)
