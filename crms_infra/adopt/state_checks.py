"""What a state must be for `adopt` to take it over safely, checked before anything else:
each refusal is one sentence, and nothing is written.

- One `supabase_project`: without it the program creates a new, empty project and points
  the live web app at it (its NEXT_PUBLIC_SUPABASE_URL comes from the program's project);
  with two, which one the live app keeps would depend on the state's order.
- One live Vercel project per project the program declares (matched by name): the import
  file holds one entry per program resource, so a second would silently lose.
- Nothing referenced that the state does not hold: a variable of a Vercel project absent
  from the state, or a live variable that reads a Supabase project other than the state's
  (adopting would repoint the live app at the state's project).
"""

import re
from collections.abc import Iterator

from components.supabase.access import PROJECT_REF, api_url
from crms_infra.adopt.changes import AdoptionRefused, shown
from crms_infra.adopt.program import ProgramRun
from crms_infra.adopt.terraform_state import StateResource, TerraformState
from crms_infra.adopt.vercel_projects import PROJECT

_API_URL = re.compile(re.escape(api_url("REF")).replace("REF", f"({PROJECT_REF.pattern})"))


def refuse_what_cannot_be_adopted(state: TerraformState, program: ProgramRun) -> None:
    projects = state.of_type("supabase_project")
    if not projects:
        raise AdoptionRefused(
            "the state holds no supabase_project, so the live database cannot be adopted: "
            "`pulumi up` would create a new, empty project and point the live web app at it; "
            "pass the state of the deployment that holds the live project"
        )
    _refuse_two("are both Supabase projects; the program declares one", projects)
    declared = {str(resource.inputs.get("name")) for resource in program.of_type(PROJECT)}
    for name in sorted(declared):
        live = [p for p in state.of_type("vercel_project") if p.attributes["name"] == name]
        _refuse_two(f"are both the Vercel project {name!r} the program declares", live)
    _refuse_absent_projects(state, str(projects[0].attributes["id"]))


def _refuse_two(what: str, resources: list[StateResource]) -> None:
    if len(resources) > 1:
        addresses = " and ".join(shown(resource.address, 120) for resource in resources)
        raise AdoptionRefused(
            f"{addresses} {what}, and which one the import takes would depend on the "
            "state's order: pass a state that holds only the one to adopt"
        )


def _refuse_absent_projects(state: TerraformState, supabase_ref: str) -> None:
    vercel_ids = {project.attributes["id"] for project in state.of_type("vercel_project")}
    for variable in state.of_type("vercel_project_environment_variable"):
        if variable.attributes["project_id"] not in vercel_ids:
            raise AdoptionRefused(
                f"{shown(variable.address, 120)} belongs to project "
                f"{shown(variable.attributes['project_id'])}, which this state does not hold: "
                "pass the state that holds its project too"
            )
    for address, value in _variable_values(state):
        for ref in _API_URL.findall(value):
            if ref != supabase_ref:
                raise AdoptionRefused(
                    f"{shown(address, 160)} reads the Supabase project {ref}, which this state "
                    f"does not hold: adopting would point the live app at {shown(supabase_ref)} "
                    "instead; pass the state that holds the project the app uses"
                )


def _variable_values(state: TerraformState) -> Iterator[tuple[str, str]]:
    """Every live variable's value the state knows (a sensitive one it never does)."""
    for project in state.of_type("vercel_project"):
        for entry in project.attributes.get("environment") or []:
            if entry.get("value") is not None:
                yield f'{project.address} environment "{entry["key"]}"', entry["value"]
    for variable in state.of_type("vercel_project_environment_variable"):
        if variable.attributes.get("value") is not None:
            yield variable.address, variable.attributes["value"]
