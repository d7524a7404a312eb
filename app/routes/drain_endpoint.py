"""The drain endpoints: Vercel's log and trace drains POST here (see `app.routes.drain`).

    POST /api/drain/logs     log drain (json or ndjson): Requests, Errors
    POST /api/drain/traces   trace drain (OTLP JSON): ContractCreationTime

Order of checks: size (413), Vercel's unsigned verification call (200, nothing
recorded), signature over the raw bytes (403), parsing (400, or 413 past the
number of objects any delivery holds), then the items recorded in Redis, each once
(app.routes.drain_counts: 503 when Redis cannot be reached, so that Vercel delivers again);
the metrics cron publishes them (app.routes.drain_publish). The signature and the
parsing run in a worker thread, so the event loop keeps answering (the health check)
while a 4.5 MB delivery is read. Every response carries `x-vercel-verify` with the
team's verification code: Vercel verifies a drain's endpoint by asking for it and
expecting a 200 with that header (pulumiverse-vercel `LogDrain.endpoint`,
from terraform-provider-vercel's `vercel_log_drain`). The body is never logged.
"""

import hashlib
import logging
from collections.abc import Awaitable, Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from app import paths
from app.routes import drain, drain_counts, drain_traces
from app.routes.config import AppConfig
from app.routes.redis_link import RedisUnavailable

log = logging.getLogger(__name__)
VERIFICATION_BODIES = {b"", b"{}"}
"""Vercel verifies a new drain's endpoint with a POST of `{}` that it does not sign, even
when the drain has a secret (dacbd/vercel-log-drain: src/handlers.rs, and its issue #29
showing the `{}` payload): it must get a 200 with `x-vercel-verify`. It carries no data,
so answering it publishes nothing; any other body must be signed."""
Handler = Callable[[Request], Awaitable[Response]]


class _TooLarge(Exception):
    pass


async def _read_body(request: Request) -> bytes:
    """The body, refused as soon as it passes the limit (never buffered past it)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > drain.MAX_BODY_BYTES:
        raise _TooLarge
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > drain.MAX_BODY_BYTES:
            raise _TooLarge
        chunks.append(chunk)
    return b"".join(chunks)


class _BadSignature(Exception):
    pass


def _read_delivery(
    kind: str, secret: str, body: bytes, signature: bytes | None, route: str, now_ms: int
) -> tuple[str, drain.Observed]:
    """Signature, then parsing: CPU work on up to 4.5 MB, run in a worker thread."""
    if not drain.signature_matches(secret, body, signature):
        raise _BadSignature
    if kind == "logs":
        observed = drain.request_observations(drain.parse_log_entries(body), now_ms)
    else:
        observed = drain_traces.span_observations(drain_traces.parse_spans(body), route, now_ms)
    return hashlib.sha256(body).hexdigest(), observed


def receiver(kind: str, settings: Callable[[], AppConfig]) -> Handler:
    async def receive(request: Request) -> Response:
        config = settings()
        headers = (
            {drain.VERIFY_HEADER: config.drain_verification_code}
            if config.drain_verification_code
            else {}
        )

        def answer(body: dict[str, object], status: int) -> JSONResponse:
            return JSONResponse(body, status_code=status, headers=headers)

        if request.method in ("GET", "HEAD"):
            return answer({"drain": kind}, 200)  # Vercel's endpoint verification
        namespace = config.metrics_namespace
        if config.drain_secret is None or not namespace:
            return answer({"error": "DRAIN_SECRET and METRICS_NAMESPACE are needed"}, 503)
        try:
            body = await _read_body(request)
        except _TooLarge:
            log.warning("drain %s: body over %d bytes refused", kind, drain.MAX_BODY_BYTES)
            return answer({"error": f"body over {drain.MAX_BODY_BYTES} bytes"}, 413)
        except ClientDisconnect:  # nobody to answer: one line, no traceback
            log.warning("drain %s: the client went away before its body ended", kind)
            return answer({"error": "the body ended early"}, 400)
        if body.strip() in VERIFICATION_BODIES:
            return answer({"counted": 0, "seen": 0, "late": 0}, 200)  # Vercel's verification
        # Starlette decodes header values as latin-1: encoding back gives the bytes sent.
        sent_signature = request.headers.get(drain.SIGNATURE_HEADER)
        signature = None if sent_signature is None else sent_signature.encode("latin-1")
        secret = config.drain_secret.get_secret_value()
        now_ms = drain_counts.now_ms()
        route = config.contract_creation_route
        try:
            digest, observed = await run_in_threadpool(
                _read_delivery, kind, secret, body, signature, route, now_ms
            )
        except _BadSignature:
            log.warning("drain %s: delivery with a wrong or missing signature refused", kind)
            return answer({"error": "signature does not match"}, 403)
        except drain.TooManyValues as error:
            log.warning("drain %s: oversized delivery refused: %s", kind, error)
            return answer({"error": str(error)}, 413)
        except drain.BadDelivery as error:
            log.warning("drain %s: malformed delivery refused: %s", kind, error)
            return answer({"error": str(error)}, 400)
        try:
            recorded = await drain_counts.record(
                config.redis_url.get_secret_value(),
                namespace,
                "r" if kind == "logs" else "s",
                observed,
                digest,
                now_ms,
            )
        except RedisUnavailable as error:
            log.warning("drain %s: delivery refused, Vercel will retry: %s", kind, error)
            return answer({"error": f"{error}; deliver again later"}, 503)
        if recorded.late:
            log.warning("drain %s: %d items of closed minutes not counted", kind, recorded.late)
        return answer(
            {"counted": recorded.counted, "seen": recorded.seen, "late": recorded.late}, 200
        )

    return receive


def routes(settings: Callable[[], AppConfig]) -> list[Route]:
    methods = ["GET", "HEAD", "POST"]
    return [
        Route(paths.DRAIN_LOGS, receiver("logs", settings), methods=methods),
        Route(paths.DRAIN_TRACES, receiver("traces", settings), methods=methods),
    ]
