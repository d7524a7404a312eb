"""Resources as the rules see them, taken from a stack's recorded program run."""

import datetime as dt
import functools
from dataclasses import replace
from typing import Any

from crms_rules.core import Resource

from crms_infra.offline.engine import record_stack
from crms_infra.offline.sdk import rpc
from tests.conftest import REPO

TODAY = dt.date(2026, 11, 25)


def _revealed(value: Any) -> Any:
    if rpc.is_rpc_secret(value):
        return _revealed(rpc.unwrap_rpc_secret(value))
    if isinstance(value, dict):
        return {key: _revealed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_revealed(item) for item in value]
    return value


@functools.cache
def stack_view(stack: str) -> tuple[Resource, ...]:
    recording = record_stack(REPO, stack)
    view = []
    for urn, registration in sorted(recording.monitor.registrations.items()):
        request = registration.request
        state = recording.monitor.resources.get(urn)
        props = _revealed(state.state) if state is not None else {}
        if request.type == "pulumi:pulumi:Stack":
            props = recording.monitor.stack_outputs()  # as the analyzer is given them
        view.append(
            Resource(
                request.type, request.name, urn, props, request.protect, request.parent or None
            )
        )
    return tuple(view)


def named(resources: tuple[Resource, ...], name: str, type_: str) -> Resource:
    (found,) = [r for r in resources if r.name == name and r.type == type_]
    return found


def changed(resources: tuple[Resource, ...], name: str, type_: str, **props: Any) -> list[Resource]:
    """The view with one resource's properties changed (None removes a property)."""
    target = named(resources, name, type_)
    new_props = {k: v for k, v in {**target.props, **props}.items() if v is not None}
    return [replace(r, props=new_props) if r is target else r for r in resources]


def without(resources: tuple[Resource, ...], name: str, type_: str) -> list[Resource]:
    target = named(resources, name, type_)
    return [r for r in resources if r is not target]
