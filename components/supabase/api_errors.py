"""How the Supabase Management API refuses or fails a call: the errors the client raises,
and which answer is which error. No error carries the access token; a caller's hidden
values are masked (`SupabaseApiError.hiding`).
"""

import httpx


class SupabaseApiError(Exception):
    """The API refused or failed a call; the message is the API's own, never the token."""

    def __init__(self, method: str, path: str, status: int | None, message: str) -> None:
        self.method, self.path, self.status, self.message = method, path, status, message
        super().__init__(
            f"Supabase Management API {method} {path}: "
            + (f"HTTP {status}: {message}" if status is not None else message)
        )

    def hiding(self, hidden: frozenset[str]) -> "SupabaseApiError":
        """The same error with each hidden value masked: an API message may echo its input."""
        message = self.message
        for value in hidden:
            message = message.replace(value, "[secret]")
        return (
            self
            if message == self.message
            else type(self)(self.method, self.path, self.status, message)
        )


class NotFoundError(SupabaseApiError):
    """The addressed object does not exist: HTTP 404, or the 400 "Resource has been removed"
    with which the API answers for a deleted project and everything under it (recorded by
    the Supabase CLI's end-to-end suite: supabase/cli apps/cli-e2e/fixtures/scenarios/
    network-restrictions-update-exits-non-zero-with-invalid-cidr-format, commit 1d1e7191)."""


class NotReadyError(SupabaseApiError):
    """The 400 "Project not ready for deletion." of a project deleted moments after its
    create (supabase/cli apps/cli-e2e/fixtures/recorded/DELETE_v1_projects___PROJECT_REF__/
    2.response.json, commit 1d1e7191): the same DELETE succeeds once it is up."""


REMOVED = "Resource has been removed"
NOT_READY = "Project not ready for deletion."


def error_of(method: str, path: str, response: httpx.Response) -> SupabaseApiError:
    """The error a failed answer means (the caller raises it)."""
    message = _api_message(response)
    error_type: type[SupabaseApiError] = SupabaseApiError
    if response.status_code == 404 or (response.status_code == 400 and message == REMOVED):
        error_type = NotFoundError
    elif response.status_code == 400 and message == NOT_READY:
        error_type = NotReadyError
    return error_type(method, path, response.status_code, message)


def _api_message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.reason_phrase or "no message"
    if isinstance(body, dict):
        return str(body.get("message") or body.get("error") or body)
    return str(body)


def transport_message(error: httpx.TransportError) -> str:
    kind = "timed out" if isinstance(error, httpx.TimeoutException) else "could not connect"
    return f"{kind} ({type(error).__name__})"
