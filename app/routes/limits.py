"""Request limits: what Vercel refuses never reaches a route, on Vercel or locally.

Vercel's own limits, which a request to the deployed app never exceeds:
- a header (name and value) at most 16 KB, all headers together at most 32 KB,
  else 431 REQUEST_HEADER_TOO_LARGE
  (https://vercel.com/docs/errors/REQUEST_HEADER_TOO_LARGE);
- the URL at most 14 KB, else 414 URL_TOO_LONG (https://vercel.com/docs/errors/URL_TOO_LONG);
- a function's request body at most 4.5 MB, else 413 FUNCTION_PAYLOAD_TOO_LARGE
  (https://vercel.com/docs/errors/FUNCTION_PAYLOAD_TOO_LARGE).
Vercel publishes no limit on the number of headers. The app's callers (Vercel cron,
the log drain, monitors) send a handful and Vercel adds a few dozen of its own
(x-vercel-*, x-forwarded-*), so MAX_HEADER_COUNT leaves room for both and bounds
the per-header work a request can ask for.

Written as plain ASGI (no library enforces these in an ASGI app): it answers
before the app sees the request, and stops a streamed body at the limit.
"""

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_HEADER_BYTES = 16 * 1024
MAX_HEADERS_BYTES = 32 * 1024
MAX_URL_BYTES = 14 * 1024
MAX_BODY_BYTES = 4_500_000
MAX_HEADER_COUNT = 100


class _BodyTooLarge(Exception):
    pass


def _refusal(scope: Scope) -> tuple[int, str] | None:
    headers: list[tuple[bytes, bytes]] = scope["headers"]
    if len(headers) > MAX_HEADER_COUNT:
        return 431, f"more than {MAX_HEADER_COUNT} headers"
    sizes = [len(name) + len(value) for name, value in headers]
    if any(size > MAX_HEADER_BYTES for size in sizes):
        return 431, f"a header over {MAX_HEADER_BYTES} bytes"
    if sum(sizes) > MAX_HEADERS_BYTES:
        return 431, f"headers over {MAX_HEADERS_BYTES} bytes in all"
    if len(scope.get("raw_path") or scope["path"].encode()) + len(scope["query_string"]) > (
        MAX_URL_BYTES
    ):
        return 414, f"a URL over {MAX_URL_BYTES} bytes"
    for name, value in headers:
        if name == b"content-length" and (not value.isdigit() or int(value) > MAX_BODY_BYTES):
            return 413, f"a body over {MAX_BODY_BYTES} bytes"
    return None


async def _answer(send: Send, status: int, error: str) -> None:
    body = json.dumps({"error": error}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    # The connection is not reused: the rest of an oversized request may still be coming.
    headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class RequestLimits:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = _refusal(scope)
        if refusal is not None:
            await _answer(send, *refusal)
            return
        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > MAX_BODY_BYTES:
                raise _BodyTooLarge
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except _BodyTooLarge:
            if started:
                raise
            await _answer(send, 413, f"a body over {MAX_BODY_BYTES} bytes")
