"""Where `crms-infra plan prod` spends its time, phase by phase, in one fresh process.

Phases, in the order the CLI runs them: importing the CLI; the program's own imports
(what `__main__.py` imports, before its first resource); the SDK submodules it uses,
which the SDKs load on first use; the program's run on the mock
engine with those imports done (registrations, the SDK's asyncio scheduling); waiting
for the policy pack's process, started at the beginning, to serve; the pack's answers
(Analyze per resource, AnalyzeStack). `benchmarks/plan.py` gives the wall times.
"""

import time

STARTED = time.perf_counter()

import sys  # noqa: E402 (after the clock starts: the CLI's import is a phase)
from pathlib import Path  # noqa: E402

from google.protobuf import empty_pb2  # noqa: E402

import crms_infra.cli  # noqa: E402, F401
from benchmarks.plan import SDK_FLOOR, program_imports  # noqa: E402
from crms_infra.offline import engine, pack_config, policy  # noqa: E402
from crms_infra.offline.sdk import analyzer_pb2  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
STACK = "prod"


def main() -> int:
    phases: dict[str, float] = {"import the CLI": time.perf_counter() - STARTED}
    pack = policy.PackRun(REPO / "policies")
    started = time.perf_counter()
    sys.path.insert(0, str(REPO))
    exec(program_imports(), {})  # noqa: S102 (the program's own import statements)
    phases["the program's imports"] = time.perf_counter() - started
    started = time.perf_counter()
    exec(SDK_FLOOR, {})  # noqa: S102
    phases["the SDK submodules the program uses"] = time.perf_counter() - started
    started = time.perf_counter()
    recording = engine.record_stack(REPO, STACK)
    phases["the program on mocks, imports done"] = time.perf_counter() - started
    try:
        started = time.perf_counter()
        with pack.analyzer() as analyzer:
            phases["load the pack (in process)"] = time.perf_counter() - started
            started = time.perf_counter()
            info = analyzer.GetAnalyzerInfo(empty_pb2.Empty())
            config = pack_config.policy_config(REPO / "policies", STACK, info.policies)
            analyzer.Configure(analyzer_pb2.ConfigureAnalyzerRequest(policyConfig=config))
            count = sum(1 for _ in policy._analyze_each(analyzer, recording.monitor))
            stack = list(policy._stack_resources(recording.monitor))
            analyzer.AnalyzeStack(analyzer_pb2.AnalyzeStackRequest(resources=stack))
            phases["the pack's answers"] = time.perf_counter() - started
    finally:
        pack.close()
    resources = len(recording.monitor.registrations)
    print(f"crms-infra plan {STACK}: {resources} registrations, {count} diagnostics")
    for name, seconds in phases.items():
        print(f"{name:<36}{seconds:7.3f} s")
    print(f"{'total':<36}{sum(phases.values()):7.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
