"""The policy pack beside this `crms-infra`, evaluated in its own process.

The engine starts a pack as a process of its own and asks it over gRPC; `PackRun` does the
same for any pack (crms_infra/offline/policy.py). For the pack that ships with this
checkout, run by this interpreter, a plan instead loads the pack's assembly
(policies/crms_rules/assembly.py) into its own process and calls the analyzer service that
pulumi_policy would serve, with the same messages: the verdicts are the pack's own, without
a second interpreter's start-up, its imports and the round trips, about 0.27 s of a
2.75 s plan's CPU (benchmarks/plan_vs_synth.py). tests/policies/test_pack_in_process.py
holds both ways to the same verdicts for every stack.

pulumi_policy builds its analyzer service only inside PolicyPack's constructor, which then
serves and blocks, and the service's class is private: it is reached here alone, checked
against one pulumi-policy release as crms_infra/offline/sdk.py checks the SDK's.
"""

import importlib
import importlib.metadata
import sys
from pathlib import Path
from typing import Any

from google.protobuf import empty_pb2

from crms_infra.offline.sdk import analyzer_pb2

POLICY_SDK_PINNED = "1.21.0"
"""The pulumi-policy release whose analyzer service this module was checked against."""

SHIPPED_PACK = Path(__file__).resolve().parents[2] / "policies"
"""The pack of this checkout: the one this module loads."""


def loads_in_process(pack_dir: Path, python: str) -> bool:
    """Whether a plan evaluates `pack_dir` in its own process: the shipped pack, run by this
    interpreter under the pinned pulumi-policy. Any other pack, or another interpreter (the
    pack's own virtualenv), runs as the engine runs it."""
    return (
        python == sys.executable
        and pack_dir.resolve() == SHIPPED_PACK
        and importlib.metadata.version("pulumi-policy") == POLICY_SDK_PINNED
    )


class InProcessAnalyzer:
    """The analyzer calls `PackRun` makes, answered by the pack's own service in this
    process. A new service for each run: Configure holds one stack's config."""

    def __init__(self) -> None:
        if str(SHIPPED_PACK) not in sys.path:  # as the engine runs the pack: from its folder
            sys.path.append(str(SHIPPED_PACK))
        assembly = importlib.import_module("crms_rules.assembly")
        service = importlib.import_module("pulumi_policy.policy")._PolicyAnalyzerServicer
        # PolicyPack's constructor builds its service with these arguments, in this order,
        # the version included (pulumi_policy/policy.py, PolicyPack.__init__).
        # The service ignores the gRPC context its methods take: they are given None.
        self._service: Any = service(
            assembly.NAME,
            "0.0.1",
            assembly.policies(),
            assembly.ENFORCEMENT_LEVEL,
            None,
            assembly.DESCRIPTION,
        )

    def GetAnalyzerInfo(self, request: empty_pb2.Empty) -> analyzer_pb2.AnalyzerInfo:
        info: analyzer_pb2.AnalyzerInfo = self._service.GetAnalyzerInfo(request, None)
        return info

    def Configure(self, request: analyzer_pb2.ConfigureAnalyzerRequest) -> Any:
        return self._service.Configure(request, None)

    def Analyze(self, request: analyzer_pb2.AnalyzeRequest) -> analyzer_pb2.AnalyzeResponse:
        response: analyzer_pb2.AnalyzeResponse = self._service.Analyze(request, None)
        return response

    def AnalyzeStack(
        self, request: analyzer_pb2.AnalyzeStackRequest
    ) -> analyzer_pb2.AnalyzeResponse:
        response: analyzer_pb2.AnalyzeResponse = self._service.AnalyzeStack(request, None)
        return response
