"""Drain deliveries shaped as Vercel documents them, signed as Vercel signs them.

Log entries: https://vercel.com/docs/drains/reference/logs (top-level id, deploymentId,
source, host, timestamp, projectId, level, requestId, statusCode, path, environment,
and the `proxy` object: timestamp, method, host, path, userAgent, region, statusCode,
clientIp, scheme, vercelCache). Traces: https://vercel.com/docs/drains/reference/traces
(OTLP JSON, Vercel's resource attributes, server spans named `METHOD /route`).
Signature: https://vercel.com/docs/drains/security (hex HMAC-SHA1 of the raw body).
"""

import hashlib
import hmac
import json
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tests.local_services import REDIS_URL

if TYPE_CHECKING:
    import pytest

    from app.routes.drain_publish import Published

SECRET = "drain-secret-for-tests-0123456789"
VERIFICATION_CODE = "verify-code-for-tests"
PROJECT_ID = "prj_web0000000000000000000000"
DEPLOYMENT_ID = "dpl_233NRGRjVZX1caZrXWtz5g1TAksD"


@dataclass(frozen=True)
class Served:
    """One request the web app served."""

    at_ms: int
    status: int
    method: str = "GET"
    path: str = "/api/vehicles"


def log_entries(requests: Iterable[Served], function_lines: bool = False) -> list[dict[str, Any]]:
    """One proxy entry per request; with `function_lines`, each function request also
    logs a stdout line carrying the same requestId (which must not count twice)."""
    entries = []
    for request in requests:
        request_id = str(uuid.uuid4())
        common = {
            "deploymentId": DEPLOYMENT_ID,
            "host": "crms-production.vercel.app",
            "projectId": PROJECT_ID,
            "environment": "production",
            "requestId": request_id,
            "path": request.path,
        }
        entries.append(
            {
                **common,
                "id": uuid.uuid4().hex,
                "source": "lambda" if request.path.startswith("/api") else "static",
                "timestamp": request.at_ms + 3,
                "level": "error" if request.status >= 500 else "info",
                "type": "middleware-invocation",
                "statusCode": request.status,
                "proxy": {
                    "timestamp": request.at_ms,
                    "method": request.method,
                    "host": "crms.ch",
                    "path": request.path,
                    "userAgent": ["Mozilla/5.0"],
                    "region": "fra1",
                    "statusCode": request.status,
                    "clientIp": "203.0.113.7",
                    "scheme": "https",
                    "vercelCache": "MISS",
                },
            }
        )
        if function_lines:
            entries.append(
                {
                    **common,
                    "id": uuid.uuid4().hex,
                    "source": "lambda",
                    "timestamp": request.at_ms + 5,
                    "level": "info",
                    "type": "stdout",
                    "message": "contract saved",
                    "statusCode": request.status,
                }
            )
    return entries


def build_entry(at_ms: int) -> dict[str, Any]:
    """A build log line: no request, so no request count."""
    return {
        "id": uuid.uuid4().hex, "deploymentId": DEPLOYMENT_ID, "source": "build",
        "host": "crms-production.vercel.app", "timestamp": at_ms, "projectId": PROJECT_ID,
        "level": "info", "buildId": "bld_cotnkcr76", "type": "stdout", "message": "Compiled",
    }  # fmt: skip


def as_json(entries: Sequence[dict[str, Any]]) -> bytes:
    return json.dumps(entries).encode()


def as_ndjson(entries: Sequence[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(entry) + "\n" for entry in entries).encode()


def span(name: str, end_ms: int, seconds: float, kind: Any = "server") -> dict[str, Any]:
    end_ns = end_ms * 1_000_000
    start_ns = end_ns - round(seconds * 1e9)
    return {
        "traceId": uuid.uuid4().hex,
        "spanId": uuid.uuid4().hex[:16],
        "name": name,
        "kind": kind,
        "startTimeUnixNano": str(start_ns),
        "endTimeUnixNano": str(end_ns),
    }


def trace_export(spans: Sequence[dict[str, Any]]) -> bytes:
    resource = {
        "attributes": [
            {"key": "service.name", "value": {"stringValue": "vercel-function"}},
            {"key": "vercel.projectId", "value": {"stringValue": PROJECT_ID}},
            {"key": "vercel.deploymentId", "value": {"stringValue": DEPLOYMENT_ID}},
        ]
    }
    request = {
        "resourceSpans": [
            {"resource": resource, "scopeSpans": [{"scope": {"name": "vercel"}, "spans": spans}]}
        ]
    }
    return json.dumps(request).encode()


def signed(secret: str, body: bytes) -> dict[str, str]:
    signature = hmac.new(secret.encode(), body, hashlib.sha1).hexdigest()
    return {"x-vercel-signature": signature, "content-type": "application/json"}


@contextmanager
def drain_environment(monkeypatch: "pytest.MonkeyPatch") -> Iterator[str]:
    """The ops app's environment for drain tests, with a namespace of its own."""
    from app import metric_catalog as catalog

    name = catalog.namespace(f"test-{uuid.uuid4().hex[:8]}")
    for key, value in {
        "DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/test",
        "REDIS_URL": REDIS_URL,
        "METRICS_NAMESPACE": name,
        "DRAIN_SECRET": SECRET,
        "DRAIN_VERIFICATION_CODE": VERIFICATION_CODE,
    }.items():
        monkeypatch.setenv(key, value)
    try:
        yield name
    finally:  # what the counts kept in the shared Redis goes with the test
        import redis

        from app.routes.drain_counts import PREFIX

        with redis.Redis.from_url(REDIS_URL) as client:
            for key in client.scan_iter(f"{PREFIX}:{name}:*"):
                client.delete(key)


def publish_closed(namespace: str, at_ms: int | None = None) -> "Published":
    """The metrics cron's publishing, in this process, as if every recorded minute (up to
    `at_ms`, now by default) had closed: what the cron does once SETTLE_MS has passed."""
    import asyncio

    from app.routes import drain_counts, drain_publish
    from app.routes.drain import MINUTE_MS

    closing = MINUTE_MS + drain_counts.SETTLE_MS + drain_counts.CLOCK_SKEW_MS
    later = (at_ms or drain_counts.now_ms()) + closing + MINUTE_MS
    return asyncio.run(drain_publish.publish(REDIS_URL, namespace, later, lambda: None))
