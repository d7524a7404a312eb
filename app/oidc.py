"""Vercel's OIDC token for the current request.

Vercel's OIDC reference (https://vercel.com/docs/oidc/reference): `getVercelOidcToken()`
"returns the OIDC token from the VERCEL_OIDC_TOKEN environment variable in builds and
local development environments or the x-vercel-oidc-token in Vercel functions", where
"the token is only available in the Request object as the x-vercel-oidc-token header".
Vercel's own helpers (npm @vercel/oidc, PyPI `vercel`) keep the request's headers in a
context and read the header first; so does this module, in a few lines of plain ASGI
rather than a dependency that would also pull in an HTTP client.

No boto3 here: the health route imports this with the app, and stays quick to start.
"""

import contextvars
import os

from starlette.types import ASGIApp, Receive, Scope, Send

HEADER = "x-vercel-oidc-token"
ENVIRONMENT_VARIABLE = "VERCEL_OIDC_TOKEN"
_DEPLOYED = {"production", "preview"}  # VERCEL_ENV on Vercel; "development" or unset locally

_request_token: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "vercel_oidc_token", default=None
)


def current_token() -> str | None:
    """The token of the request being served; outside Vercel only, the environment's.

    On a deployment the variable may hold a token from build time: never used there."""
    token = _request_token.get()
    if token:
        return token
    if os.environ.get("VERCEL_ENV") in _DEPLOYED:
        return None
    return os.environ.get(ENVIRONMENT_VARIABLE) or None


class OidcTokenMiddleware:
    """Keeps each request's x-vercel-oidc-token where `current_token` finds it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = next(
            (
                value.decode("latin-1")
                for name, value in scope["headers"]
                if name == HEADER.encode()
            ),
            None,
        )
        reset = _request_token.set(token)
        try:
            await self.app(scope, receive, send)
        finally:
            _request_token.reset(reset)
