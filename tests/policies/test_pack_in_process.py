"""The pack beside this checkout, loaded into the plan's own process
(crms_infra/offline/pack_in_process.py), gives the verdicts it gives served from a process
of its own as the engine serves it (crms_infra/offline/policy.py)."""

import sys

import pytest

from crms_infra.offline import pack_in_process, policy
from crms_infra.offline.engine import Recording, record_stack
from crms_infra.offline.policy import PackRun, pack_policies
from crms_infra.plan_model import PolicySection
from tests.conftest import REPO

PACK = REPO / "policies"


def verdicts(recording: Recording, stack: str) -> PolicySection:
    pack = PackRun(PACK)
    try:
        return pack.evaluate(recording.monitor, stack)
    finally:
        pack.close()


@pytest.fixture(scope="module")
def recordings() -> dict[str, Recording]:
    return {stack: record_stack(REPO, stack) for stack in ("dev", "prod")}


def test_only_the_shipped_pack_under_this_interpreter_loads_in_process() -> None:
    assert PackRun(PACK).in_process
    assert not PackRun(PACK, python="/usr/bin/python3").in_process
    assert not pack_in_process.loads_in_process(REPO / "tests" / "policies", sys.executable)


# dev disables rules in its policy config and prod allows its replicas outside Zurich in
# its own (staging's resources are prod's kinds). A stack without a policy config gets the
# pack's defaults, under which prod's replicas are three mandatory violations: the two ways
# must agree on violations too, not only on none.
@pytest.mark.parametrize("stack", ["dev", "prod", "unconfigured"])
def test_in_process_and_served_give_the_same_verdicts(
    stack: str, recordings: dict[str, Recording], monkeypatch: pytest.MonkeyPatch
) -> None:
    recording = recordings.get(stack, recordings["prod"])
    ours = verdicts(recording, stack)
    with monkeypatch.context() as patch:
        patch.setattr(policy, "loads_in_process", lambda *_: False)
        theirs = verdicts(recording, stack)
    assert ours == theirs
    assert ours["pack"] == "crms-compliance"
    if stack == "unconfigured":
        assert {v["policy"] for v in ours["violations"]} == {"residency-buckets-zurich"}
        assert [v["level"] for v in ours["violations"]] == ["mandatory"] * 3


def test_the_packs_own_description_of_its_policies_is_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ours = pack_policies(PACK)
    monkeypatch.setattr(policy, "loads_in_process", lambda *_: False)
    assert pack_policies(PACK) == ours
    assert len(ours) == 43
