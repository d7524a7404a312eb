"""What the program registers for a stack: the offline plan's run, told the live project's ref.

The import file's names, types and parents must be exactly the URNs the program
registers, so they come from the same mock-engine run as `crms-infra plan`, never from
a list kept by hand. The only difference: the Supabase project answers with the ref of
the project being adopted, so values derived from it (the API URL the web app reads)
are what the first `pulumi up` will really set.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi

from crms_infra.offline.engine import Recording, record_stack
from crms_infra.offline.mocks import PlanMocks
from stacks.loader import stack_file_name

SUPABASE_PROJECT = "pulumi-python:dynamic/supabase:Project"
STACK_TYPE = "pulumi:pulumi:Stack"


class AdoptionMocks(PlanMocks):
    """The plan's mocks, except that the Supabase project is the live one (its ref)."""

    def __init__(self, live_project_ref: str | None) -> None:
        super().__init__()
        self.live_project_ref = live_project_ref

    def new_resource(
        self, args: pulumi.runtime.MockResourceArgs
    ) -> tuple[str | None, dict[str, Any]]:
        resource_id, state = super().new_resource(args)
        if args.typ != SUPABASE_PROJECT or not self.live_project_ref:
            return resource_id, state
        mock_ref = str(state["ref"])
        live = {
            key: value.replace(mock_ref, self.live_project_ref) if isinstance(value, str) else value
            for key, value in state.items()
        }
        return self.live_project_ref, live


@dataclass(frozen=True)
class ProgramResource:
    """One registration, as the engine receives it (inputs revealed: compare, never print)."""

    urn: str
    type: str
    name: str
    parent: str | None
    custom: bool
    id: str | None
    provider: str | None
    version: str
    plugin_download_url: str
    ignore_changes: frozenset[str]
    inputs: dict[str, Any]
    input_dependencies: dict[str, frozenset[str]]
    """For each input, the URNs of the resources its value comes from."""


@dataclass(frozen=True)
class ProgramRun:
    stack: str
    stack_file: str
    resources: dict[str, ProgramResource]
    stand_ins: frozenset[str]
    """Values standing in for secret config and generated secrets: unknown offline."""

    def of_type(self, resource_type: str) -> list[ProgramResource]:
        return [r for r in self.resources.values() if r.type == resource_type]

    def is_unknown_offline(self, value: Any) -> bool:
        return isinstance(value, str) and any(stand_in in value for stand_in in self.stand_ins)


def run_program(project_dir: Path, stack: str, live_project_ref: str | None) -> ProgramRun:
    mocks = AdoptionMocks(live_project_ref)
    recording = record_stack(project_dir, stack, mocks=mocks)
    config = recording.config
    stand_ins = frozenset(config.values[key] for key in config.secret_keys)
    return ProgramRun(
        stack=stack,
        stack_file=stack_file_name(stack),
        resources=_resources(recording),
        stand_ins=stand_ins | frozenset(mocks.generated_secrets),
    )


def _resources(recording: Recording) -> dict[str, ProgramResource]:
    found = {}
    for urn, registration in recording.monitor.registrations.items():
        request = registration.request
        if request.type == STACK_TYPE or registration.read:
            continue  # a read (another stack's reference) is neither imported nor created
        found[urn] = ProgramResource(
            urn=urn,
            type=request.type,
            name=request.name,
            parent=request.parent if _is_component(request.parent) else None,
            custom=request.custom,
            id=registration.id,
            # A provider reference is "<provider urn>::<provider id>".
            provider=request.provider.rsplit("::", 1)[0] if request.provider else None,
            version=request.version,
            plugin_download_url=request.pluginDownloadURL,
            ignore_changes=frozenset(request.ignoreChanges),
            inputs=recording.inputs(urn),
            input_dependencies={
                key: frozenset(dependencies.urns)
                for key, dependencies in request.propertyDependencies.items()
            },
        )
    return found


def _is_component(parent_urn: str) -> bool:
    """A parent other than the root stack (whose URN the import file never names)."""
    return bool(parent_urn) and parent_urn.split("::")[2] != STACK_TYPE
