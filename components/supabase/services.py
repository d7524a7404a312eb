"""Waiting for a project's services to be healthy again after its database restarts.

Changing SSL enforcement reboots the database (supabase/supabase apps/docs/content/guides/
platform/ssl-enforcement.mdx). The official Terraform provider then waits for the project's
services (supabase/terraform-provider-supabase, internal/provider/utils.go at commit
9ea5f96d: `waitForServicesActive`, `waitForProjectServicesActive`,
`errorFromServiceErrorDescription`), and so does this provider, the same way:
`GET /v1/projects/{ref}/health?services=...` (items of V1ServiceHealthResponse) until no
service is COMING_UP, leaving `rest` out while the Data API is off (its `db_schema` empty);
an UNHEALTHY answer whose error reads "Failed to retrieve project's <service> service
health", or "not found" for the pooler, still counts as coming up; any other UNHEALTHY
service fails at once, with its error.
"""

import json

from components.supabase.api import ManagementApi, RetryPolicy, SupabaseApiError
from components.supabase.waiting import Waiting, poll
from stacks.json_values import as_array, as_object

SERVICES = ("auth", "db", "db_postgres_user", "pg_bouncer", "pooler", "realtime", "rest", "storage")
"""Every service the spec's `services` parameter names, as `allProjectServices` lists them."""


def wait_for_services(
    api: ManagementApi, ref: str, waiting: Waiting, retry: RetryPolicy, after: str
) -> None:
    """Returns once every service of project `ref` is healthy; `after` says what restarted
    the database, for the error if they do not come back within `waiting.timeout`."""
    path = f"/v1/projects/{ref}/health"
    services = list(SERVICES)
    postgrest = as_object(api.call("GET", f"/v1/projects/{ref}/postgrest"))
    if not str(postgrest.get("db_schema") or "").strip():
        services.remove("rest")  # the Data API is off: PostgREST never comes up
    coming_up: list[str] = []

    def healthy() -> bool | None:
        failed = []
        coming_up.clear()
        for item in as_array(api.call("GET", path, params={"services": services})):
            entry = as_object(item)
            name, status = str(entry.get("name")), entry.get("status")
            error = _error_text(entry.get("error"))
            if status == "COMING_UP" or (status == "UNHEALTHY" and _transient(name, error)):
                coming_up.append(name)
            elif status == "UNHEALTHY":
                failed.append(f"{name}: {error}")
        if failed:
            raise SupabaseApiError(
                "GET", path, None,
                f"after {after}, these services of the project are unhealthy: "
                f"{'; '.join(failed)}; check them in the dashboard, then run `pulumi up` again",
            )  # fmt: skip
        return None if coming_up else True

    def gave_up() -> SupabaseApiError:
        return SupabaseApiError(
            "GET", path, None,
            f"after {after}, the project's {', '.join(coming_up)} still "
            f"{'is' if len(coming_up) == 1 else 'are'} coming up after {waiting.timeout:g} s; "
            "check the dashboard, then run `pulumi up` again",
        )  # fmt: skip

    poll(healthy, waiting.timeout, waiting, retry, gave_up)


def _error_text(description: object) -> str:
    """The service's error: its `error` description is JSON `{"error": ...}`, or plain text."""
    if description is None:
        return "unknown reason"
    try:
        parsed = json.loads(str(description))
    except ValueError:
        return str(description)
    return str(parsed.get("error")) if isinstance(parsed, dict) else str(description)


def _transient(service: str, error: str) -> bool:
    return error == f"Failed to retrieve project's {service} service health" or (
        service == "pooler" and error == "not found"
    )
