"""Every route is matched against the path as it was sent: percent-escapes are not decoded.

The same request reaches the app in two forms on Vercel. Under Fluid compute the Python
runtime serves the app with uvicorn (@vercel/python 6.0.4, vc_init.py), which decodes the
path (`/api/cron/%62ackup` becomes `/api/cron/backup`) and keeps the bytes sent in
`raw_path`; the legacy handler in the same file passes the path undecoded in both. So
`/api/cron/%62ackup` was served by one and not the other, and anything in front of the app
that matches paths as written (a firewall rule, a log query) saw another path than the
route that ran. No route of the app needs an escape: a path whose bytes differ from its
decoded form is not a route (404), under every runtime and locally.
"""

from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send


class ExactPaths:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not _as_sent(scope):
            # Starlette's own answer for a path no route matches.
            await PlainTextResponse("Not Found", status_code=404)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _as_sent(scope: Scope) -> bool:
    """Whether the path the router sees is the one sent (ASGI's `raw_path` is optional)."""
    raw_path: bytes | None = scope.get("raw_path")
    if raw_path is None:
        return True
    path: str = scope["path"]
    return raw_path.split(b"?", 1)[0] == path.encode("utf-8", "surrogateescape")
