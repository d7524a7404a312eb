"""What each status of a Supabase project means for the provider: wait, stop, or look away.

The statuses are the enum of `V1ProjectWithDatabaseResponse.status` in the Management API
v1 spec (tests/fixtures/supabase-management-api-v1.openapi.json). The provider waits for
ACTIVE_HEALTHY through every other status (COMING_UP, RESTORING, RESIZING, ..., and any
the API adds later), and fails at once on the ones no wait leaves, as the official
Terraform provider does (supabase/terraform-provider-supabase, internal/provider/utils.go:
`waitForProjectActive` and its `terminalProjectStatuses`).
"""

HEALTHY = "ACTIVE_HEALTHY"

BEING_REMOVED = frozenset({"GOING_DOWN", "REMOVED"})
"""A deleted project: `GET /v1/projects` keeps listing it for a while."""

STUCK = frozenset({"INIT_FAILED", "INACTIVE", "PAUSE_FAILED", "RESTORE_FAILED"})
"""Statuses no amount of waiting leaves: someone has to act."""

TERMINAL = STUCK | BEING_REMOVED

_WHAT_TO_DO = {
    "INIT_FAILED": (
        "Supabase could not create it; delete it (dashboard, or DELETE /v1/projects/{ref}), "
        "then run `pulumi up` again"
    ),
    "INACTIVE": (
        "it is paused; restore it (dashboard, or POST /v1/projects/{ref}/restore), wait until "
        "it is ACTIVE_HEALTHY, then run `pulumi up` again"
    ),
    "PAUSE_FAILED": "pausing it failed; ask Supabase support to recover it, then run `pulumi up`",
    "RESTORE_FAILED": (
        "restoring it failed; ask Supabase support to recover it, then run `pulumi up` again"
    ),
    "GOING_DOWN": "it is being deleted; wait until it is gone, then run `pulumi up` again",
    "REMOVED": "it was deleted; run `pulumi refresh` so the stack forgets it, then `pulumi up`",
}


def what_to_do(status: str, ref: str) -> str:
    """The advice for a project stuck in `status`, naming its ref."""
    return _WHAT_TO_DO.get(status, "check it in the Supabase dashboard").replace("{ref}", ref)


def describe(name: str, ref: str, status: str) -> str:
    """One line naming the project, its status and what to do."""
    return f"Supabase project {name!r} ({ref}) is {status}: {what_to_do(status, ref)}"
