"""The live variables of an adopted Vercel project, matched to the program's by key.

A refresh lists every variable of the project in its inline `environment`, whoever made
it (vercel/resource_project.go, convertResponseToProject, reads them all), so a refreshed
state shows what the first `up` finds. Import id, per the pinned SDK's docstring
(pulumiverse_vercel/project_environment_variable.py, "## Import"): `team_id/project_id/
env_id`. Effects per vercel/terraform-provider-vercel v5.10.0,
vercel/resource_project_environment_variable.go: `key` and `sensitive` force a replacement
(RequiresReplace; `key` matches by construction, `project_id` too once the project is
imported), `target` and `value` update in place, `git_branch` (Optional only) is removed
when the program sets none, and a sensitive value is imported as none (ImportState there).
"""

from dataclasses import dataclass, field
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

VARIABLE = "vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable"
VARIABLE_OPTIONAL_ONLY = frozenset({"git_branch"})

ON_NEXT_DEPLOYMENT = (
    "the live app sees it from its next deployment: Vercel applies variables when a "
    "deployment is built (https://vercel.com/docs/environment-variables)"
)
RECREATED = (
    "deleted, then created (the program's delete_before_replace: Vercel refuses two variables "
    "of one key and target); " + ON_NEXT_DEPLOYMENT
)
NARROWED = (
    "the targets it no longer reaches get variables of their own, which this up creates once "
    "it has narrowed this one (Vercel refuses two variables of one key and target, so each "
    "waits for it): previews lose production's value and get their data plane's "
    "(crms:previewsDataPlaneStack); " + ON_NEXT_DEPLOYMENT
)
WRITTEN = (
    "Vercel never returns a sensitive value, and the program's comes from the stack's secret "
    "config or the adopted project's keys, unknown offline: `up` writes the program's value; "
    "set the secret config to the live values first; " + ON_NEXT_DEPLOYMENT
)


@dataclass
class VercelTakeover:
    adopted: list[Adopted] = field(default_factory=list)
    accounted: set[str] = field(default_factory=set)
    """State resources taken over whole."""
    unmanaged: list[str] = field(default_factory=list)
    """Live variables of an adopted project that the program does not declare: they stay."""


def adopt_variables(
    state: TerraformState,
    live: StateResource,
    project: ProgramResource,
    program: ProgramRun,
    adopted_urns: frozenset[str],
) -> VercelTakeover:
    """`adopted_urns`: what else is taken over (a value made from it is known offline)."""
    entries = [
        (f'{live.address} environment "{entry.get("key")}"', entry)
        for entry in live.attributes.get("environment") or []
    ] + [
        (resource.address, resource.attributes)
        for resource in state.of_type("vercel_project_environment_variable")
        if resource.attributes.get("project_id") == live.attributes["id"]
    ]
    result = VercelTakeover()
    # The program's variable that reaches production takes the live one of its key first.
    ordered = sorted(
        program.of_type(VARIABLE), key=lambda v: "production" not in (v.inputs.get("targets") or [])
    )
    for variable in ordered:
        if variable.inputs.get("projectId") != project.id:
            continue
        match = _matching_entry(entries, variable)
        if match is None:
            continue
        entries.remove(match)
        address, entry = match
        result.accounted.add(address)
        result.adopted.append(
            Adopted(
                state_address=address,
                resource=variable,
                how=How.IMPORT,
                replacement_loses="",
                import_id=f"{project_import_id(live)}/{entry['id']}",
                changes=_changes(entry, variable, program, adopted_urns | {project.urn}),
            )
        )
    result.unmanaged = [address for address, _ in entries if " environment " in address]
    return result


def project_import_id(live: StateResource) -> str:
    """`team_id/project_id` (pulumiverse_vercel/project.py, "## Import"); the team is kept
    whenever the state knows it, so the import cannot find a project of another team."""
    team = live.attributes.get("team_id")
    return f"{team}/{live.attributes['id']}" if team else str(live.attributes["id"])


def _matching_entry(
    entries: list[tuple[str, dict[str, Any]]], variable: ProgramResource
) -> tuple[str, dict[str, Any]] | None:
    """The live variable of the same key, preferring one that shares a target and has no
    git branch (the program's never do)."""
    same_key = [entry for entry in entries if entry[1].get("key") == variable.inputs.get("key")]
    targets = set(variable.inputs.get("targets") or [])
    same_key.sort(
        key=lambda entry: (
            entry[1].get("git_branch") is not None,
            not targets & set(entry[1].get("target") or []),
        )
    )
    return same_key[0] if same_key else None


def _changes(
    entry: dict[str, Any], variable: ProgramResource, program: ProgramRun, adopted: frozenset[str]
) -> list[Change]:
    inputs = variable.inputs
    live_sensitive = _is_sensitive(entry)
    changes = []
    if live_sensitive != bool(inputs.get("sensitive")):
        changes.append(
            Change(
                "sensitive",
                shown(live_sensitive),
                shown(bool(inputs.get("sensitive"))),
                Effect.REPLACE,
                RECREATED,
            )
        )
    if comparable(entry.get("target") or []) != comparable(inputs.get("targets") or []):
        lost = set(entry.get("target") or []) - set(inputs.get("targets") or [])
        taking_over = _taking_over(variable, lost, program)
        changes.append(
            Change(
                "targets",
                shown(sorted(entry.get("target") or [])),
                shown(sorted(inputs.get("targets") or []))
                + "".join(f"; {target}: {name}" for target, name in taking_over),
                Effect.UPDATE,
                NARROWED if taking_over else ON_NEXT_DEPLOYMENT,
            )
        )
    for attribute in sorted(VARIABLE_OPTIONAL_ONLY):
        if entry.get(attribute) is not None and attribute not in {
            camel_to_snake(key) for key in inputs
        }:
            changes.append(Change(attribute, shown(entry[attribute]), UNSET, Effect.UPDATE))
    value_change = _value_change(entry, variable, program, adopted)
    return changes + ([value_change] if value_change else [])


def _taking_over(
    variable: ProgramResource, lost: set[str], program: ProgramRun
) -> list[tuple[str, str]]:
    """(target, the program's variable that reaches it instead and what it is made from)
    for each target the live variable reaches and the program's of its key no longer does."""
    found = []
    for other in program.of_type(VARIABLE):
        if other is variable or _identity(other) != _identity(variable):
            continue
        # A read (another stack's reference) is not among the program's resources.
        sources = sorted(
            program.resources[urn].name if urn in program.resources else urn.rsplit("::", 1)[-1]
            for urn in other.input_dependencies.get("value", frozenset())
        )
        made_from = f" (from {', '.join(sources)})" if sources else ""
        for target in sorted(lost & set(other.inputs.get("targets") or [])):
            found.append((target, f"{other.name}{made_from}"))
    return found


def _identity(variable: ProgramResource) -> tuple[object, object]:
    return variable.inputs.get("projectId"), variable.inputs.get("key")


def _is_sensitive(entry: dict[str, Any]) -> bool:
    """`sensitive` as the state has it; states of providers before it was an attribute
    show a sensitive variable by its value, which Vercel never returns."""
    if entry.get("sensitive") is not None:
        return bool(entry["sensitive"])
    return entry.get("value") is None


def _value_change(
    entry: dict[str, Any], variable: ProgramResource, program: ProgramRun, adopted: frozenset[str]
) -> Change | None:
    """Whether, and from where, the value changes; never the value itself. A value made from
    `adopted` resources (URNs) is known offline (the adopted project's ref) unless it is a
    secret; one made from a resource this `up` creates is new."""
    wanted = variable.inputs.get("value")
    sources = [
        program.resources[urn]
        for urn in variable.input_dependencies.get("value", frozenset())
        if urn in program.resources and program.resources[urn].custom
    ]
    created = sorted(source.name for source in sources if source.urn not in adopted)
    before = "the live value" if entry.get("value") is not None else SENSITIVE
    if created:
        return Change(
            "value", before, f"from {', '.join(created)}, created by this up", Effect.UPDATE,
            ON_NEXT_DEPLOYMENT,
        )  # fmt: skip
    if entry.get("value") is None or program.is_unknown_offline(wanted):
        return Change("value", before, "the program's", Effect.UPDATE, WRITTEN)
    if comparable(wanted) == comparable(entry.get("value")):
        return None
    return Change("value", before, "a different value", Effect.UPDATE, ON_NEXT_DEPLOYMENT)
