"""Which existing project a create may adopt instead of making a twin.

A create first looks for a project of the same name in the organization: a run that
crashed after its POST left one behind. Only a project that can still become healthy,
in the wanted region, is adopted. `GET /v1/projects` (array of
`V1ProjectWithDatabaseResponse`) keeps listing a deleted project as GOING_DOWN, then
REMOVED, so after a replacement's delete the old project is passed over; one stuck in
INIT_FAILED, paused or failed to restore stops the run with what to do.
"""

from components.supabase import statuses
from components.supabase.api import SupabaseApiError
from stacks.json_values import JsonObject, as_text


def adoptable(projects: list[JsonObject], props: JsonObject) -> JsonObject | None:
    """The one project to adopt, None to create a new one; raises when neither is right."""
    same_name = [
        project
        for project in projects
        if (project.get("name"), project.get("organization_slug"))
        == (props["name"], props["organization_slug"])
        and project.get("status") not in statuses.BEING_REMOVED
    ]
    usable = [
        project
        for project in same_name
        if project.get("status") not in statuses.STUCK and project.get("region") == props["region"]
    ]
    if len(usable) > 1:
        refs = ", ".join(str(project["ref"]) for project in usable)
        raise _refusal(
            f"{len(usable)} Supabase projects are named {props['name']!r} ({refs}): "
            "delete the ones that are not this stack's, then run `pulumi up` again"
        )
    if usable:
        return usable[0]
    for project in same_name:
        if project.get("region") != props["region"]:
            raise _refusal(
                f"Supabase project {props['name']!r} ({project['ref']}) exists in "
                f"{project.get('region')}, not {props['region']}: rename or delete it, "
                "then run `pulumi up` again"
            )
        name, ref, status = (
            as_text(value) for value in (props["name"], project["ref"], project["status"])
        )
        raise _refusal(statuses.describe(name, ref, status))
    return None


def _refusal(message: str) -> SupabaseApiError:
    return SupabaseApiError("GET", "/v1/projects", None, message)
