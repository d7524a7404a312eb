"""The stacks a stack's program reads through `pulumi.StackReference`, and what it reads.

A reference reads another stack's outputs, known at preview as at `up`: the engine reads
them from the backend (pulumi/pulumi pkg/resource/deploy/builtins.go, readStackReference:
`name`, `outputs`, and `secretOutputNames`, every output that holds a secret). Offline,
the referenced stack's outputs are those of its own offline plan: its program runs first,
on the plan's mocks, and what it exports is what the reference reads, secrets still secret.
So prod's plan shows the URL of staging's database that staging's plan shows, and neither
needs a backend.
"""

from collections.abc import Iterator
from typing import Any

from crms_infra.offline.monitor import RecordingMonitor
from crms_infra.offline.project import StackConfig, StackNotFoundError
from crms_infra.offline.sdk import rpc
from stacks.config_keys import PROJECT, config_key
from stacks.escape import printable
from stacks.loader import stack_file_name

ORGANIZATION = "organization"  # what the SDK's own mocks call the organization
STACK_TYPE = "pulumi:pulumi:Stack"


def referenced_stacks(config: StackConfig, known: list[str]) -> list[str]:
    """The stacks the program will reference, from the key of the stack file that names one
    (read as the program's settings read it; they also validate it); `known`: the
    project's stacks."""
    key = f"{PROJECT}:{config_key(('previews', 'data_plane_stack'))}"
    referenced = config.values.get(key, "")
    if not referenced or referenced == config.stack:
        return []  # the stack's own data plane (naming itself, its settings refuse it)
    if referenced not in known:
        raise StackNotFoundError(
            f"{stack_file_name(config.stack)}: {key} names the stack {printable(referenced, 100)}"
            f", which has no stack file here (stacks: {', '.join(known)})"
        )
    return [referenced]


def full_name(project: str, stack: str) -> str:
    """`organization/project/stack`, the name a StackReference takes."""
    return f"{ORGANIZATION}/{project}/{stack}"


def reference_state(name: str, monitor: RecordingMonitor) -> tuple[dict[str, Any], set[str]]:
    """What a reference to the stack `monitor` recorded reads, and the values standing in
    for its secrets."""
    stack_urn = next(
        urn for urn, r in monitor.registrations.items() if r.request.type == STACK_TYPE
    )
    outputs = rpc.deserialize_properties(monitor.outputs[stack_urn])
    secret_names = sorted(output for output, value in outputs.items() if _holds_secret(value))
    stand_ins = set(_secret_strings(outputs))
    return {"name": name, "outputs": outputs, "secretOutputNames": secret_names}, stand_ins


def _holds_secret(value: Any) -> bool:
    if rpc.is_rpc_secret(value):
        return True
    if isinstance(value, dict):
        return any(_holds_secret(item) for item in value.values())
    return isinstance(value, list) and any(_holds_secret(item) for item in value)


def _secret_strings(value: Any, inside: bool = False) -> Iterator[str]:
    if rpc.is_rpc_secret(value):
        yield from _secret_strings(value["value"], inside=True)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _secret_strings(item, inside)
    elif isinstance(value, list):
        for item in value:
            yield from _secret_strings(item, inside)
    elif inside and isinstance(value, str):
        yield value
