"""The ops app's HTTP routes: one ASGI app, the one Vercel function's and local runs'.

    GET /api/health          the health check (app.routes.health)
    GET /api/cron/backup     Vercel cron: write a backup manifest (app.jobs.backup)
    GET /api/cron/metrics    Vercel cron: publish disk usage (app.jobs.probe), the payment
                             windows (app.routes.payment_windows) and the drains' closed
                             minutes (app.routes.drain_publish)
    POST /api/drain/...      Vercel's log and trace drains (app.routes.drain_endpoint)

Cron routes accept only Vercel's cron calls (GET, `Authorization: Bearer $CRON_SECRET`),
one run at a time per job and stack (app.routes.cron_guard).
Requests past Vercel's own size limits are refused before any route (app.routes.limits), no
route redirects, and no log line carries a connection string or secret (app.routes.redaction).
"""

import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import cache

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from app import paths
from app.oidc import OidcTokenMiddleware
from app.routes.config import AppConfig, load_config
from app.routes.cron_guard import cron_job, lease_of
from app.routes.drain_endpoint import routes as drain_routes
from app.routes.exact_paths import ExactPaths
from app.routes.health import HealthChecker
from app.routes.limits import RequestLimits
from app.routes.redaction import install_log_redaction


@cache
def config() -> AppConfig:
    settings = load_config()
    install_log_redaction(
        secret.get_secret_value()
        for secret in (
            settings.database_url,
            settings.redis_url,
            settings.cron_secret,
            settings.drain_secret,
        )
        if secret is not None
    )
    return settings


@cache
def checker() -> HealthChecker:
    return HealthChecker(config())


async def health(_: Request) -> JSONResponse:
    report = await checker().check()
    return JSONResponse(report.body, status_code=report.status_code)


@cron_job("backup", config, writes_to=lambda settings: settings.backups_bucket)
async def cron_backup(request: Request) -> JSONResponse:
    # boto3 loads only where a cron needs it: faster cold starts.
    from app import aws
    from app.jobs import backup

    settings = config()
    if not (settings.photos_bucket and settings.backups_bucket):
        return JSONResponse({"error": "PHOTOS_BUCKET and BACKUPS_BUCKET are needed"}, 500)
    photos, backups = settings.photos_bucket, settings.backups_bucket
    check = lease_of(request).check

    def run() -> backup.RunResult:
        # The client is made off the event loop too: that takes up to a second of CPU,
        # which would hold up the lease's renewal and the health check.
        return backup.run(backup.s3_client(), photos, backups, dt.datetime.now(dt.UTC), check)

    try:
        result = await run_in_threadpool(run)
    except aws.FAILURES as error:
        status, message = aws.failure(error)
        return JSONResponse({"error": message}, status)
    return JSONResponse({"manifest": result.manifest_key, "objects": result.objects})


@cron_job("metrics", config, writes_to=lambda settings: settings.metrics_namespace)
async def cron_metrics(request: Request) -> JSONResponse:
    from psycopg import Error as DatabaseError

    from app import aws
    from app.cloudwatch_once import PublishFailed
    from app.jobs import probe
    from app.jobs.payments import count_payments
    from app.metrics import MetricsEmitter, cloudwatch
    from app.routes import drain_counts, drain_publish, payment_windows
    from app.routes.redis_link import RedisUnavailable

    settings = config()
    namespace = settings.metrics_namespace
    if not namespace:
        return JSONResponse({"error": "METRICS_NAMESPACE is needed"}, 500)
    database_url = settings.database_url.get_secret_value()
    redis_url = settings.redis_url.get_secret_value()
    lease, part = lease_of(request), "disk usage"
    try:
        percent = await run_in_threadpool(
            probe.disk_usage_percent, database_url, settings.database_disk_bytes
        )
        # A reading, not a count: sent with botocore's retries (app.routes.payment_windows).
        emitter = MetricsEmitter(await run_in_threadpool(cloudwatch), namespace)
        emitter.disk_usage(percent)
        lease.check()
        await run_in_threadpool(emitter.flush)
        part = "payments"  # then the counts, each exactly once, after each lease check
        payments = await payment_windows.publish_windows(
            redis_url,
            namespace,
            dt.datetime.now(dt.UTC),
            lambda start: count_payments(database_url, start),
            lease.check,
        )
        part = "drain counts"
        drains = await drain_publish.publish(
            redis_url, namespace, drain_counts.now_ms(), lease.check
        )
    except DatabaseError as error:  # its class only: a message may quote the connection
        return JSONResponse({"error": f"database: {type(error).__name__}"}, 503)
    except aws.FAILURES as error:
        status, message = aws.failure(error)
        return JSONResponse({"error": f"{part}: {message}"}, status)
    except PublishFailed as error:
        return JSONResponse({"error": f"{part}: {error}"}, error.status)
    except RedisUnavailable as error:
        return JSONResponse({"error": f"{part}: {error}"}, 503)
    newest = payments.newest
    return JSONResponse(
        {
            "databaseDiskUsagePercent": percent,
            "paymentAttempts": newest.attempts if newest else None,
            "paymentFailures": newest.failures if newest else None,
            "paymentWindowsPublished": payments.windows,
            "paymentWindowsWaiting": payments.waiting,
            "paymentWindowsSkipped": payments.skipped,
            "drainMinutesPublished": drains.minutes,
            "drainMinutesWaiting": drains.waiting,
            "drainMinutesLost": drains.lost,
        }
    )


@asynccontextmanager
async def lifespan(_: Starlette) -> AsyncIterator[None]:
    """Start-up validates the environment, so a bad variable stops the app (named, its
    value never shown) instead of failing every request; shutdown closes the health
    check's connections and stops its probes, in bounded time."""
    config()
    yield
    if checker.cache_info().currsize:
        await checker().close()
        checker.cache_clear()


app = Starlette(
    routes=[
        Route(paths.HEALTH, health),
        Route(paths.CRON_BACKUP, cron_backup),
        Route(paths.CRON_METRICS, cron_metrics),
        *drain_routes(config),
    ],
    # The limits answer first; a path is matched as sent (app.routes.exact_paths); then each
    # request's x-vercel-oidc-token is kept for the AWS calls it makes (app.aws).
    middleware=[
        Middleware(RequestLimits),
        Middleware(ExactPaths),
        Middleware(OidcTokenMiddleware),
    ],
    lifespan=lifespan,
)
# Starlette answers a path with an extra or missing slash with a 307 to a URL built
# from the request's Host header (starlette/routing.py Router.app, `redirect_slashes`):
# an open redirect. The routes are exact; anything else is a 404.
app.router.redirect_slashes = False
