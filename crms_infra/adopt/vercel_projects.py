"""The live Vercel projects the program declares (by name), and what the first `up`
changes on them.

What a change does, per vercel/terraform-provider-vercel v5.10.0, vercel/resource_project.go
(the version the pinned SDK bridges: it has `vercel_oauth_app`, first released in v5.10.0).
Importing a project leaves its inline `environment` out (ImportState passes a null plan
environment to convertResponseToProject): the variables are imported one by one
(vercel_variables.py).
"""

from typing import Any

from crms_infra.adopt.changes import (
    SENSITIVE,
    UNSET,
    Adopted,
    Change,
    Effect,
    How,
    camel_to_snake,
    comparable,
    shown,
)
from crms_infra.adopt.program import ProgramResource, ProgramRun
from crms_infra.adopt.terraform_state import StateResource, TerraformState
from crms_infra.adopt.vercel_variables import VercelTakeover, adopt_variables, project_import_id

PROJECT = "vercel:index/project:Project"

PROJECT_OPTIONAL_ONLY = frozenset({
    "build_command", "dev_command", "ignore_command", "framework", "git_repository",
    "password_protection", "trusted_ips", "trusted_sources", "options_allowlist",
    "install_command", "output_directory", "preview_deployment_suffix", "public_source",
    "root_directory", "git_comments", "skew_protection",
})  # fmt: skip
"""Optional and not Computed: a value the program does not set is removed by its `up`."""
PROJECT_DEFAULTS: dict[str, Any] = {
    "auto_assign_custom_domains": True,
    "git_fork_protection": True,
    "oidc_token_config": {"issuer_mode": "team"},
}
"""Schema defaults: a live value the program does not set is reset to these."""
PROJECT_REPLACE_IF_SET = frozenset({"team_id"})  # RequiresReplaceIfConfigured


def adopt_projects(
    state: TerraformState, program: ProgramRun, adopted_urns: frozenset[str]
) -> VercelTakeover:
    """Each live project the program declares (by name), and its variables (by key)."""
    result = VercelTakeover()
    by_name = {str(r.inputs.get("name")): r for r in program.of_type(PROJECT)}
    for live in state.of_type("vercel_project"):
        project = by_name.get(str(live.attributes.get("name")))
        if project is None:
            continue
        result.accounted.add(live.address)
        result.adopted.append(_project(live, project))
        variables = adopt_variables(state, live, project, program, adopted_urns)
        result.adopted += variables.adopted
        result.accounted |= variables.accounted
        result.unmanaged += variables.unmanaged
    return result


def _project(live: StateResource, project: ProgramResource) -> Adopted:
    attributes = _live_project(live.attributes)
    declared = {camel_to_snake(key): value for key, value in project.inputs.items()}
    changes = []
    for attribute, wanted in declared.items():
        if attribute != "name":  # matched by name: equal
            effect = Effect.REPLACE if attribute in PROJECT_REPLACE_IF_SET else Effect.UPDATE
            changes += _compare(
                attribute, attributes.get(attribute), wanted, live.sensitive, effect
            )
    for attribute in sorted(PROJECT_OPTIONAL_ONLY - declared.keys()):
        if attributes.get(attribute) is not None:
            before = SENSITIVE if attribute in live.sensitive else shown(attributes[attribute])
            changes.append(Change(attribute, before, UNSET, Effect.UPDATE))
    for attribute, default in PROJECT_DEFAULTS.items():
        if attribute not in declared:
            changes += _compare(attribute, attributes.get(attribute), default, live.sensitive)
    notes = []
    if live.attributes.get("serverless_function_region"):
        notes.append(
            "an older project (its region also in the deprecated serverless_function_region): "
            "importing it needs terraform-provider-vercel 5.1.2 or later, which reads the region "
            "into resource_config.function_default_regions (vercel/terraform-provider-vercel#496, "
            "pulumiverse/pulumi-vercel#395); the pinned SDK bridges 5.10"
        )
    return Adopted(
        state_address=live.address,
        resource=project,
        how=How.IMPORT,
        replacement_loses="the live site: its domains and deployments go with the project",
        import_id=project_import_id(live),
        changes=changes,
        notes=notes,
    )


def _live_project(attributes: dict[str, Any]) -> dict[str, Any]:
    """The project as the pinned provider reads it: regions from function_default_regions,
    else from the deprecated serverless_function_region (responseFunctionDefaultRegions)."""
    config = dict(attributes.get("resource_config") or {})
    if not config.get("function_default_regions") and attributes.get("serverless_function_region"):
        config["function_default_regions"] = [attributes["serverless_function_region"]]
    return {**attributes, "resource_config": config or None}


def _compare(
    attribute: str,
    live: Any,
    wanted: Any,
    sensitive: frozenset[str],
    effect: Effect = Effect.UPDATE,
) -> list[Change]:
    """Changes from the live value to the program's; an object compares key by key, and a key
    the program leaves out keeps its live value (the schema's nested attributes are Computed)."""
    wanted = comparable(wanted)
    if isinstance(wanted, dict) and isinstance(live, dict):
        changes = []
        for key, value in wanted.items():
            changes += _compare(f"{attribute}.{key}", live.get(key), value, sensitive, effect)
        return changes
    if comparable(live) == wanted:
        return []
    before = SENSITIVE if attribute.split(".")[0] in sensitive else shown(live)
    return [Change(attribute, before, shown(wanted), effect)]
