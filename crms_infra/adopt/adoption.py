"""From a Terraform state of the running deployment to what this program takes over."""

from dataclasses import dataclass
from pathlib import Path

from crms_infra.adopt.changes import Adopted, AdoptionRefused
from crms_infra.adopt.database import adopt_database, live_project_ref
from crms_infra.adopt.program import ProgramResource, ProgramRun, run_program
from crms_infra.adopt.state_checks import refuse_what_cannot_be_adopted
from crms_infra.adopt.terraform_state import TerraformState, read_state
from crms_infra.adopt.vercel_projects import adopt_projects


@dataclass(frozen=True)
class Adoption:
    stack: str
    state: TerraformState
    program: ProgramRun
    adopted: list[Adopted]
    state_only: list[str]
    """State resources the program does not declare: left alone, listed, never guessed."""
    unmanaged_variables: list[str]
    """Live variables of an adopted project the program does not declare."""
    created: list[ProgramResource]
    """Resources the program declares and the state does not have: `pulumi up` makes them."""

    def uses_adopted(self, resource: ProgramResource) -> list[str]:
        """The adopted resources a created one is attached to or reads (by its inputs)."""
        adopted = {item.resource.urn: item.resource.name for item in self.adopted}
        used = {
            adopted[urn]
            for dependencies in resource.input_dependencies.values()
            for urn in dependencies
            if urn in adopted
        }
        return sorted(used)


def adopt(project_dir: Path, stack: str, state_file: Path) -> Adoption:
    """Match the state's resources to the program's; refuses (AdoptionRefused) an adoption
    that would replace a resource with something to lose."""
    state = read_state(state_file)
    return adoption_of(state, run_program(project_dir, stack, live_project_ref(state)))


def adoption_of(state: TerraformState, program: ProgramRun) -> Adoption:
    refuse_what_cannot_be_adopted(state, program)
    adopted = adopt_database(state, program)
    vercel = adopt_projects(state, program, frozenset(item.resource.urn for item in adopted))
    adopted += vercel.adopted
    _refuse_replacements(adopted)
    accounted = vercel.accounted | {item.state_address for item in adopted}
    adopted_urns = {item.resource.urn for item in adopted}
    return Adoption(
        stack=program.stack,
        state=state,
        program=program,
        adopted=adopted,
        state_only=[r.address for r in state.resources if r.address not in accounted],
        unmanaged_variables=vercel.unmanaged,
        created=[
            resource
            for resource in program.resources.values()
            if resource.custom and resource.urn not in adopted_urns
        ],
    )


def _refuse_replacements(adopted: list[Adopted]) -> None:
    for item in adopted:
        if item.replacement_loses and item.replaces:
            change = item.replaces[0]
            raise AdoptionRefused(
                f"adopting {item.state_address} would replace {item.resource.name} "
                f"({change.what}: {change.before} -> {change.after}), which loses "
                f"{item.replacement_loses}: make the program's value match the live one first"
            )
