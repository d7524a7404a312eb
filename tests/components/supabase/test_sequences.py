"""Each surface's create, update, refresh and delete send exactly the requests its
`ownership` declares, in that order (the documentation compares them with what the Supabase CLI
and the Terraform provider send for the same operation)."""

import pytest

from tests.components.supabase.fake_api import FakeManagementApi
from tests.components.supabase.support import VirtualClock, surface_props, surface_provider
from tests.components.supabase.surface_cases import CASES, Case

PROJECT_PATH = "/v1/projects/{ref}"


def sent(api: FakeManagementApi, since: int) -> tuple[str, ...]:
    """The requests since `since`, as `METHOD path` below the project's path."""
    return tuple(operation.replace(PROJECT_PATH, "", 1) for operation in api.operations[since:])


@pytest.mark.parametrize("case", CASES.values(), ids=CASES)
def test_each_operation_sends_the_declared_sequence(
    api: FakeManagementApi, clock: VirtualClock, project: str, case: Case
) -> None:
    provider = surface_provider(case.provider, clock)
    declared = provider.ownership
    inputs = surface_props(case.inputs, project, api)

    start = len(api.operations)
    outs = provider.create(inputs).outs or {}
    assert sent(api, start) == declared.create

    start = len(api.operations)
    changed = provider.update(project, outs, {**inputs, **case.change}).outs or {}
    assert sent(api, start) == declared.update

    start = len(api.operations)
    refreshed = provider.read(project, changed).outs or {}
    assert sent(api, start) == declared.refresh

    start = len(api.operations)
    provider.delete(project, refreshed)
    assert sent(api, start) == declared.delete


def test_every_surface_declares_what_it_owns_and_leaves() -> None:
    for case in CASES.values():
        declared = case.provider.ownership
        assert declared.owns
        assert declared.leaves
        every = [request for sequence in declared.operations().values() for request in sequence]
        assert all(
            request.split()[0] in {"GET", "PUT", "PATCH", "POST", "DELETE"} for request in every
        )
