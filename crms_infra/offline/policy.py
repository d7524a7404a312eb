"""Evaluate the policy pack offline, the way the engine does.

The pack (`policies/__main__.py`) is started as the engine starts it: it serves
the Analyzer gRPC service and prints its port. The engine's side is spoken
here: GetAnalyzerInfo, Configure (the stack's policy config), Analyze for each
resource (its inputs), and AnalyzeStack with every resource (its outputs, here
the mock engine's). So the verdicts offline are the pack's own. The pack beside this
checkout is asked the same in this process (crms_infra/offline/pack_in_process.py).
"""

import json
import subprocess
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

import grpc
from google.protobuf import empty_pb2, json_format, struct_pb2

from crms_infra.offline.monitor import RecordingMonitor
from crms_infra.offline.pack_config import LEVELS, policy_config
from crms_infra.offline.pack_config import PolicyPackError as PolicyPackError  # the commands' name
from crms_infra.offline.pack_in_process import InProcessAnalyzer, loads_in_process
from crms_infra.offline.sdk import analyzer_pb2, analyzer_pb2_grpc
from crms_infra.plan_model import PolicySection, Violation

STARTUP_SECONDS = 60


class Analyzer(Protocol):
    """The analyzer calls the engine makes of a pack (pulumi/pulumi proto/pulumi/analyzer.proto)."""

    def GetAnalyzerInfo(self, request: empty_pb2.Empty) -> analyzer_pb2.AnalyzerInfo: ...

    def Configure(self, request: analyzer_pb2.ConfigureAnalyzerRequest) -> Any: ...

    def Analyze(self, request: analyzer_pb2.AnalyzeRequest) -> analyzer_pb2.AnalyzeResponse: ...

    def AnalyzeStack(
        self, request: analyzer_pb2.AnalyzeStackRequest
    ) -> analyzer_pb2.AnalyzeResponse: ...


class PackRun:
    """The pack's analyzer process. Started before the program runs, so that its
    start-up (imports, gRPC server) overlaps the program's instead of adding to it; the
    shipped pack, run by this interpreter, is loaded into this process instead."""

    def __init__(self, pack_dir: Path, python: str = sys.executable) -> None:
        """`python`: the interpreter to run the pack with; by default this one, else e.g. the
        pack's own virtualenv, which Pulumi makes from policies/requirements.txt."""
        self.pack_dir = pack_dir
        self.has_pack = (pack_dir / "__main__.py").is_file()
        self.in_process = self.has_pack and loads_in_process(pack_dir, python)
        self._process: subprocess.Popen[str] | None = None
        if self.has_pack and not self.in_process:
            self._process = subprocess.Popen(  # noqa: S603 (our own pack)
                [python, str(pack_dir / "__main__.py")],
                cwd=pack_dir,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )

    def close(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            self._process.wait(timeout=30)

    @contextmanager
    def analyzer(self) -> Iterator[Analyzer]:
        if self.in_process:
            yield InProcessAnalyzer()
            return
        assert self._process is not None
        assert self._process.stdout is not None
        line = self._process.stdout.readline().strip()
        if not line.isdigit():
            self._process.terminate()
            _, errors = self._process.communicate(timeout=STARTUP_SECONDS)
            raise PolicyPackError(f"the policy pack did not start: {errors.strip()[-500:]}")
        with grpc.insecure_channel(f"127.0.0.1:{line}") as channel:
            grpc.channel_ready_future(channel).result(timeout=STARTUP_SECONDS)
            yield analyzer_pb2_grpc.AnalyzerStub(channel)

    def evaluate(self, monitor: RecordingMonitor, stack: str) -> PolicySection:
        """The plan's `policy` section: the pack's name and every violation it reports."""
        if not self.has_pack:
            return {"pack": "", "violations": []}
        with self.analyzer() as analyzer:
            info = analyzer.GetAnalyzerInfo(empty_pb2.Empty())
            config = policy_config(self.pack_dir, stack, info.policies)
            analyzer.Configure(analyzer_pb2.ConfigureAnalyzerRequest(policyConfig=config))
            diagnostics = list(_analyze_each(analyzer, monitor))
            stack_view = analyzer_pb2.AnalyzeStackRequest(resources=list(_stack_resources(monitor)))
            diagnostics.extend(analyzer.AnalyzeStack(stack_view).diagnostics)
        return {"pack": info.name, "violations": _violations(diagnostics)}

    def analyze(self, requests: Sequence[analyzer_pb2.AnalyzeRequest]) -> list[Violation]:
        """The pack's violations for resources outside any plan, each as `Analyze` sees one
        resource, under the pack's own defaults (no stack's policy config)."""
        if not self.has_pack:
            raise PolicyPackError(f"no policy pack in {self.pack_dir}")
        with self.analyzer() as analyzer:
            analyzer.Configure(analyzer_pb2.ConfigureAnalyzerRequest(policyConfig={}))
            diagnostics = [d for r in requests for d in analyzer.Analyze(r).diagnostics]
        return _violations(diagnostics)


def one_line(message: str) -> str:
    """A pack's message, its rule's description and what is wrong on two lines, on one."""
    return " ".join(message.split())


def _violations(diagnostics: Iterable[analyzer_pb2.AnalyzeDiagnostic]) -> list[Violation]:
    violations: list[Violation] = [
        {
            "policy": diagnostic.policyName,
            "level": LEVELS.get(diagnostic.enforcementLevel, "advisory"),
            "urn": diagnostic.urn or None,
            "message": diagnostic.message,
        }
        for diagnostic in diagnostics
    ]
    violations.sort(key=lambda v: (v["policy"], v["urn"] or "", v["message"]))
    return violations


def pack_policies(pack_dir: Path) -> list[dict[str, str]]:
    """The pack's own description of each policy (GetAnalyzerInfo): name, description,
    severity and remediation, for reports that explain the rules (SARIF)."""
    if not (pack_dir / "__main__.py").is_file():
        return []
    pack = PackRun(pack_dir.resolve())
    try:
        with pack.analyzer() as analyzer:
            info = analyzer.GetAnalyzerInfo(empty_pb2.Empty())
    finally:
        pack.close()
    severities = analyzer_pb2.PolicyInfo.DESCRIPTOR.fields_by_name["severity"].enum_type
    return [
        {
            "name": policy.name,
            "description": policy.description,
            "severity": severities.values_by_number[policy.severity]
            .name.rsplit("_", 1)[-1]
            .lower(),
            "remediation": policy.remediation_steps,
        }
        for policy in info.policies
    ]


def _analyze_each(
    analyzer: Analyzer, monitor: RecordingMonitor
) -> Iterator[analyzer_pb2.AnalyzeDiagnostic]:
    for urn, registration in sorted(monitor.registrations.items()):
        request = registration.request
        if request.custom and not registration.read:
            response = analyzer.Analyze(
                analyzer_pb2.AnalyzeRequest(
                    type=request.type,
                    properties=request.object,
                    urn=urn,
                    name=request.name,
                    options=analyzer_pb2.AnalyzerResourceOptions(protect=request.protect),
                )
            )
            yield from response.diagnostics


def _stack_resources(monitor: RecordingMonitor) -> Iterator[analyzer_pb2.AnalyzerResource]:
    for urn, registration in sorted(monitor.registrations.items()):
        request = registration.request
        if registration.read:
            continue
        if request.type == "pulumi:pulumi:Stack":
            properties = _struct(monitor.stack_outputs())
        elif urn in monitor.resources:
            properties = _struct(monitor.resources[urn].state)
        else:
            properties = request.object
        yield analyzer_pb2.AnalyzerResource(
            type=request.type,
            properties=properties,
            urn=urn,
            name=request.name,
            options=analyzer_pb2.AnalyzerResourceOptions(protect=request.protect),
            parent=request.parent,
            dependencies=list(request.dependencies),
            propertyDependencies={
                key: analyzer_pb2.AnalyzerPropertyDependencies(urns=list(sources.urns))
                for key, sources in request.propertyDependencies.items()
            },
        )


def _struct(values: dict[str, Any]) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    json_format.ParseDict(json.loads(json.dumps(values, default=str)), struct)
    return struct
