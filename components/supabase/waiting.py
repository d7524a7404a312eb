"""Waiting, within bounds, for a project to become healthy and for its values to exist."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from components.supabase import statuses
from components.supabase.api import ManagementApi, RetryPolicy, SupabaseApiError
from components.supabase.project_values import ApiKeys, Pooler, api_keys, primary_pooler
from stacks.json_values import JsonObject, as_text, member

T = TypeVar("T")


@dataclass(frozen=True)
class Waiting:
    """How long to wait for a project and its values, and how often to look."""

    timeout: float = 20 * 60
    """For ACTIVE_HEALTHY after a create or resize, for a change to apply, for a new
    project to be ready for deletion, and for its services after a database restart."""
    values_timeout: float = 5 * 60
    """For the keys and the pooler settings of a healthy project (a new project's pooler
    list is empty for a while)."""
    first_interval: float = 2.0
    max_interval: float = 20.0


def poll(
    attempt: Callable[[], T | None],
    timeout: float,
    waiting: Waiting,
    retry: RetryPolicy,
    gave_up: Callable[[], SupabaseApiError],
) -> T:
    """`attempt()` until it returns a value, sleeping longer each time; the error `gave_up()`
    makes once the next sleep would end past `timeout`."""
    deadline = retry.clock() + timeout
    interval = waiting.first_interval
    while True:
        result = attempt()
        if result is not None:
            return result
        if retry.clock() + interval > deadline:
            raise gave_up()
        retry.sleep(interval)
        interval = min(interval * 2, waiting.max_interval)


def wait_until_healthy(
    api: ManagementApi, ref: str, waiting: Waiting, retry: RetryPolicy
) -> JsonObject:
    """The project once ACTIVE_HEALTHY; fails at once on a status no wait leaves."""
    last: dict[str, JsonObject] = {}

    def healthy() -> JsonObject | None:
        project = last["project"] = api.get_project(ref)
        status = as_text(project["status"])
        if status in statuses.TERMINAL:
            raise SupabaseApiError(
                "GET", f"/v1/projects/{ref}", None,
                statuses.describe(as_text(project.get("name", ref)), ref, status),
            )  # fmt: skip
        return project if status == statuses.HEALTHY else None

    def gave_up() -> SupabaseApiError:
        return SupabaseApiError(
            "GET", f"/v1/projects/{ref}", None,
            f"project still {member(last['project'], 'status')} after {waiting.timeout:g} s; "
            "it may still come up: run `pulumi refresh`, then `pulumi up` again",
        )  # fmt: skip

    return poll(healthy, waiting.timeout, waiting, retry, gave_up)


def wait_for_values(
    api: ManagementApi, ref: str, waiting: Waiting, retry: RetryPolicy
) -> tuple[ApiKeys, Pooler]:
    """The keys and the primary pooler, once the API has both; a plain error if it never does."""
    missing: list[str] = []

    def values() -> tuple[ApiKeys, Pooler] | None:
        keys = api_keys(api.api_keys(ref))
        pooler = primary_pooler(api.pooler_config(ref))
        missing[:] = keys.missing() + ([] if pooler else ["a PRIMARY pooler configuration"])
        return (keys, pooler) if pooler is not None and not missing else None

    def gave_up() -> SupabaseApiError:
        return SupabaseApiError(
            "-", f"/v1/projects/{ref}", None,
            f"the project still lacks {' and '.join(missing)} after "
            f"{waiting.values_timeout:g} s (api-keys, config/database/pooler); "
            "run `pulumi refresh`, then `pulumi up` again once the dashboard shows them",
        )  # fmt: skip

    return poll(values, waiting.values_timeout, waiting, retry, gave_up)
