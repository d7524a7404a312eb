"""Evaluate the policy pack offline, the way the engine does.

The pack (`policies/__main__.py`) is started as the engine starts it: it serves
the Analyzer gRPC service and prints its port. The engine's side is spoken
here: GetAnalyzerInfo, Configure (the stack's policy config), Analyze for each
resource (its inputs), and AnalyzeStack with every resource (its outputs, here
the mock engine's). So the verdicts offline are the pack's own.
"""

import json
import subprocess
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import empty_pb2, json_format, struct_pb2
from jsonschema import Draft7Validator

from crms_infra.offline.monitor import RecordingMonitor
from crms_infra.offline.sdk import analyzer_pb2, analyzer_pb2_grpc
from crms_infra.plan_model import Level, PolicySection, Violation
from crms_infra.policy_config import PolicyConfigError, read_policy_config, unknown_policies

LEVELS: dict[analyzer_pb2.EnforcementLevel.ValueType, Level] = {
    analyzer_pb2.ADVISORY: "advisory",
    analyzer_pb2.MANDATORY: "mandatory",
    analyzer_pb2.DISABLED: "disabled",
    analyzer_pb2.REMEDIATE: "remediate",
}
LEVEL_CODES: dict[str, analyzer_pb2.EnforcementLevel.ValueType] = {
    name: code for code, name in LEVELS.items()
}
STARTUP_SECONDS = 60


class PolicyPackError(Exception):
    """The pack did not start or answer, or its config is not valid."""


class PackRun:
    """The pack's analyzer process. Started before the program runs, so that its
    start-up (imports, gRPC server) overlaps the program's instead of adding to it."""

    def __init__(self, pack_dir: Path, python: str = sys.executable) -> None:
        """`python`: the interpreter to run the pack with; by default this one, else e.g. the
        pack's own virtualenv, which Pulumi makes from policies/requirements.txt."""
        self.pack_dir = pack_dir
        self._process: subprocess.Popen[str] | None = None
        if (pack_dir / "__main__.py").is_file():
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
    def analyzer(self) -> Iterator[analyzer_pb2_grpc.AnalyzerStub]:
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
        if self._process is None:
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
        if self._process is None:
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


def policy_config(
    pack_dir: Path, stack: str, policies: Sequence[analyzer_pb2.PolicyInfo]
) -> dict[str, analyzer_pb2.PolicyConfig]:
    """What the CLI's --policy-pack-config gives each of the pack's policies: its level and
    arguments, reconciled with the pack's defaults and checked against its config schema."""
    try:
        config = read_policy_config(pack_dir, stack)
    except PolicyConfigError as error:
        raise PolicyPackError(str(error)) from None
    schemas = {info.name: json_format.MessageToDict(info.configSchema) for info in policies}
    defaults = [
        (
            info.name,
            LEVELS.get(info.enforcementLevel, "mandatory"),
            _schema_defaults(info.name, schemas),
        )
        for info in policies
    ]
    unknown = unknown_policies(config, schemas)
    if unknown:
        raise PolicyPackError("; ".join(unknown)[:500])
    reconciled = config.reconciled(defaults)
    problems = [
        f"{name}: {problem}"
        for name, (_, arguments) in sorted(reconciled.items())
        for problem in _schema_problems(schemas[name], arguments)
    ]
    if problems:
        raise PolicyPackError(f"{config.source}: {'; '.join(problems)[:500]}")
    protos = {}
    for name, (level, arguments) in reconciled.items():
        properties = struct_pb2.Struct()
        properties.update(arguments)
        protos[name] = analyzer_pb2.PolicyConfig(
            enforcementLevel=LEVEL_CODES[level], properties=properties
        )
    return protos


def _schema_defaults(name: str, schemas: dict[str, dict[str, Any]]) -> dict[str, Any]:
    properties = schemas[name].get("properties", {})
    return {key: value["default"] for key, value in properties.items() if "default" in value}


def _schema_problems(schema: dict[str, Any], arguments: dict[str, Any]) -> list[str]:
    """As the CLI's validatePolicyConfig: the arguments against {"type": "object", ...}."""
    whole = {"type": "object", **schema}
    validator = Draft7Validator(whole, format_checker=Draft7Validator.FORMAT_CHECKER)
    return sorted(
        f"{'.'.join(map(str, error.path)) or 'arguments'}: {error.message[:120]}"
        for error in validator.iter_errors(arguments)
    )


def _analyze_each(
    analyzer: analyzer_pb2_grpc.AnalyzerStub, monitor: RecordingMonitor
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
