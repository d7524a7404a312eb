"""The adoption as a reviewer reads it: what is taken over and how, what the first
`pulumi up` changes on it, what stays out, and what is created beside it. No secret value
is ever printed: not the password, not a variable's value."""

from crms_infra.adopt.adoption import Adoption
from crms_infra.adopt.changes import Adopted, Effect, How, shown
from stacks.escape import safe_line

SCHEMA_MIGRATIONS = "pulumi-python:dynamic/crms:SchemaMigrations"
STRIPE_WEBHOOK = "pulumi-python:dynamic/stripe:WebhookEndpoint"
_SYMBOL = {Effect.UPDATE: "~", Effect.REPLACE: "+-", Effect.LATER: "~"}


def adoption_text(adoption: Adoption) -> str:
    state = adoption.state
    lines = [
        f"crms-infra adopt {adoption.stack}: {shown(state.source, 200)} (Terraform "
        f"{shown(state.terraform_version)}, serial {state.serial}, lineage {shown(state.lineage)})",
        "The state stands for the live resources: refresh it before (terraform apply "
        "-refresh-only), so that it lists every live variable.",
        "",
    ]
    adopted = sorted(adoption.adopted, key=lambda item: item.resource.urn)
    imported = [item for item in adopted if item.how is How.IMPORT]
    lines.append(f"Taken over by `pulumi import --file` ({len(imported)}):")
    lines += [line for item in imported for line in _taken_over(item)]
    by_name = [item for item in adopted if item.how is How.BY_NAME]
    lines += ["", "Adopted by name on `pulumi up` (a dynamic resource cannot be imported):"]
    lines += [line for item in by_name for line in _taken_over(item)] or ["  none"]
    lines += ["", *_changes(adopted)]
    lines += ["", "Only in the Terraform state (left alone: this program does not manage them):"]
    lines += [f"  {shown(address, 200)}" for address in adoption.state_only] or ["  none"]
    if adoption.unmanaged_variables:
        lines += ["", "Live variables the program does not declare (they stay, unmanaged):"]
        lines += [f"  {shown(address, 200)}" for address in adoption.unmanaged_variables]
    lines += ["", *_created(adoption)]
    # Each value is escaped where it is shown; each line also never starts a workflow
    # command once indented (a state's type or module may be named `::error ...`).
    return "".join(f"{safe_line(line)}\n" for line in lines)


def _taken_over(item: Adopted) -> list[str]:
    resource = item.resource
    if item.import_id_is_secret:
        identity = "id: the live value, in the import file only"
    elif item.import_id:
        identity = f"id {shown(item.import_id, 120)}"
    else:
        identity = f"matched by name {shown(resource.inputs.get('name'))}"
    lines = [
        f"  {shown(item.state_address, 200)}",
        f"    -> {resource.name} ({resource.type}), {identity}",
    ]
    return lines + [f"    note: {note}" for note in item.notes]


def _changes(adopted: list[Adopted]) -> list[str]:
    lines = [
        "What `pulumi up` changes on them right after the import (! each touches the live",
        "system; ~ in place, +- replaces):",
    ]
    notes: list[str] = []
    for item in adopted:
        for change in item.changes:
            mark = ""
            if change.note:
                if change.note not in notes:
                    notes.append(change.note)
                mark = f" [{notes.index(change.note) + 1}]"
            lines.append(
                f"  ! {_SYMBOL[change.effect]} {item.resource.name} {change.what}: "
                f"{change.before} -> {change.after} ({change.effect}){mark}"
            )
    if len(lines) == 2:
        lines.append("  nothing")
    lines += [f"  [{number}] {note}" for number, note in enumerate(notes, start=1)]
    lines.append("  None replaces a resource that holds data or serves the live app.")
    return lines


def _created(adoption: Adoption) -> list[str]:
    lines = [
        f"Created by `pulumi up` ({len(adoption.created)}; ! marks those that use what is adopted):"
    ]
    for resource in sorted(adoption.created, key=lambda r: r.urn):
        used = adoption.uses_adopted(resource)
        mark = "!" if used else " "
        line = f"  {mark} + {resource.name} ({resource.type})"
        if used:
            line += f": uses {', '.join(used)}"
        if resource.type == SCHEMA_MIGRATIONS:
            line += (
                "; runs the program's migrations on the live database: one built by other"
                " means is brought under the runner first"
                " (`python -m app.operators.migrate --baseline`; `--dry-run` then lists none)"
            )
        if resource.type == STRIPE_WEBHOOK:
            line += (
                f"; takes over, by URL, the endpoint the dashboard made for "
                f"{shown(str(resource.inputs.get('url')), 200)} (Terraform never held it): a new "
                "endpoint first, then the old one deleted, as Stripe returns a signing secret "
                "only when it creates one; never a second endpoint"
            )
        lines.append(line)
    return lines
