"""Run `__main__.py` for one stack on the SDK's mock engine and record the plan.

The program runs exactly as `pulumi up` runs it (same entry point, same config,
exports registered on the root stack at the end), but every resource
registration is answered by mocks and recorded instead of sent to a provider.
No CLI, credentials or network are needed.
"""

import contextlib
import logging
import os
import runpy
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from google.protobuf import empty_pb2
from pulumi.runtime import configure, reset_options, run_in_stack, set_all_config

from crms_infra.offline.masking import scrub, struct_to_plan
from crms_infra.offline.mocks import PlanMocks
from crms_infra.offline.monitor import RecordingMonitor
from crms_infra.offline.plain_variables import show_plain_variables
from crms_infra.offline.policy import PackRun
from crms_infra.offline.project import StackConfig, read_stack_config, stack_names
from crms_infra.offline.references import (
    ORGANIZATION,
    full_name,
    reference_state,
    referenced_stacks,
)
from crms_infra.offline.sdk import (
    SETTINGS,
    MockEngine,
    MockSettings,
    pickler_restored,
    rpc,
    sync_await,
)
from crms_infra.offline.stale_build import mark_stale, stale_builds_planned
from crms_infra.plan_model import Plan, PlanResource

_program_log = logging.getLogger("crms.program")


@dataclass(frozen=True)
class Recording:
    """One run of the program: its config, and every registration as the engine got it."""

    config: StackConfig
    monitor: RecordingMonitor

    def inputs(self, urn: str) -> dict[str, Any]:
        """A resource's inputs with secrets revealed: for checks that must see values."""
        request = self.monitor.registrations[urn].request
        revealed = rpc.deserialize_properties_unwrap_secrets(request.object)[0]
        return dict(revealed)


class ReferenceCycleError(Exception):
    """Stacks whose programs reference each other: neither can be planned (or `up`) first."""


def record_stack(
    project_dir: Path,
    stack: str,
    secret_values: dict[str, str] | None = None,
    mocks: PlanMocks | None = None,
    referencing: tuple[str, ...] = (),
) -> Recording:
    """Run the program for `stack` on mocks (the plan's, unless given) and keep what it
    registered. The stacks it references are recorded first (crms_infra/offline/references.py);
    `referencing`: the stacks whose recording needs this one."""
    project_dir = project_dir.resolve()
    config = read_stack_config(project_dir, stack, secret_values)
    mocks = mocks or PlanMocks()
    chain = (*referencing, stack)
    for referenced in referenced_stacks(config, stack_names(project_dir)):
        if referenced in chain:
            cycle = " -> ".join((*chain, referenced))
            raise ReferenceCycleError(f"stacks reference each other: {cycle}")
        recorded = record_stack(project_dir, referenced, referencing=chain)
        name = full_name(config.project, referenced)
        mocks.stack_references[name], stand_ins = reference_state(name, recorded.monitor)
        mocks.generated_secrets |= stand_ins
    return Recording(config, _run_program(project_dir, config, mocks))


def plan_stack(project_dir: Path, stack: str, secret_values: dict[str, str] | None = None) -> Plan:
    """The plan of `stack`, per the plan JSON contract (policy section included)."""
    project_dir = project_dir.resolve()
    pack = PackRun(project_dir / "policies")
    try:
        with stale_builds_planned():
            recording = record_stack(project_dir, stack, secret_values)
        policy = pack.evaluate(recording.monitor, stack)
    finally:
        pack.close()
    config, monitor = recording.config, recording.monitor
    known_secrets = frozenset(config.values[key] for key in config.secret_keys)
    known_secrets |= frozenset(monitor.mocks.generated_secrets)
    resources = [_resource(urn, monitor) for urn in sorted(monitor.registrations)]
    show_plain_variables(resources, monitor)
    plan: Plan = {
        "project": config.project,
        "stack": config.stack,
        "resources": resources,
        "outputs": monitor.stack_outputs(),
        "policy": policy,
    }
    scrubbed: Plan = scrub(plan, known_secrets)  # the same shape, secrets masked
    mark_stale(scrubbed, project_dir)
    return scrubbed


def _run_program(project_dir: Path, config: StackConfig, mocks: PlanMocks) -> RecordingMonitor:
    monitor = RecordingMonitor(mocks)
    reset_options(
        project=config.project, stack=config.stack, preview=False, organization=ORGANIZATION
    )
    configure(
        MockSettings(  # type: ignore[no-untyped-call]  # untyped in the SDK
            monitor=monitor,
            monitor_features=set(_supported_features(monitor)),
            engine=MockEngine(_program_log),
            project=config.project,
            stack=config.stack,
            dry_run=False,
            organization=ORGANIZATION,
            callbacks=None,
        )
    )
    SETTINGS.outputs.clear()
    set_all_config(dict(config.values), sorted(config.secret_keys))
    program = str(project_dir / "__main__.py")

    def run_program() -> None:
        runpy.run_path(program, run_name="__main__")

    with _inside(project_dir), pickler_restored():
        sync_await(run_in_stack(run_program))
    if monitor.mocks.errors:
        raise monitor.mocks.errors[0]
    return monitor


def _supported_features(monitor: RecordingMonitor) -> list[int]:
    info = monitor.GetDeploymentInfo(empty_pb2.Empty())  # type: ignore[no-untyped-call]
    return list(info.supportedFeatures)


@contextlib.contextmanager
def _inside(project_dir: Path) -> Iterator[None]:
    """Run the way the Python language host does: from the project dir, on sys.path."""
    previous_cwd = Path.cwd()
    sys.path.insert(0, str(project_dir))
    os.chdir(project_dir)
    try:
        yield
    finally:
        os.chdir(previous_cwd)
        sys.path.remove(str(project_dir))


def _resource(urn: str, monitor: RecordingMonitor) -> PlanResource:
    registration = monitor.registrations[urn]
    request = registration.request
    return {
        "urn": urn,
        "type": request.type,
        "name": request.name,
        "parent": request.parent or None,
        "id": registration.id,
        # A provider reference is "<provider urn>::<provider id>".
        "provider": request.provider.rsplit("::", 1)[0] if request.provider else None,
        "custom": request.custom,
        "protect": bool(request.protect),
        "dependencies": sorted(set(request.dependencies)),
        "inputs": struct_to_plan(request.object),
    }
