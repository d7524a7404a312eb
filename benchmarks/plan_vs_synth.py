"""The CPU of `crms-infra plan prod --format json` against `cdk synth` of the same AWS resources.

`benchmarks/cdk/app.py` is prod's AWS resources as a CDK app. Both commands run in turn,
RUNS pairs, the order alternating within a pair, so that both see the same load; each
run's CPU is its process tree's user + system time (the children's rusage, which counts
the policy pack's process and synth's Python app, each waited for), beside its wall time.
Target: the plan at most 0.3 of synth's CPU (medians). Then where the plan's time goes,
in one fresh process: the imports, the program's registrations on the mock engine (prod's
and staging's, whose program prod's plan runs first), the policy pack's evaluation (in the
plan's process: crms_infra/offline/pack_in_process.py), rendering, and the rest (each
phase's median of three runs).

Needs the prod build (`make build STACK=prod`): the plan is measured as it runs with one.
The CDK side is installed on first use, apart from the project's environment, into
`build/cdk-bench/` (or `--cache DIR`): a virtualenv with benchmarks/cdk/requirements.txt
and node_modules with benchmarks/cdk/package-lock.json's `aws-cdk` CLI; so the first run
needs PyPI and npm. `--before DIR` (an earlier checkout, e.g. `git archive <rev> | tar -x
-C DIR`) adds that checkout's plan to each round, for a before and after.
"""

import argparse
import gc
import hashlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.plan import earlier_plan

REPO = Path(__file__).resolve().parent.parent
CDK_APP = REPO / "benchmarks" / "cdk"
BIN = Path(sys.executable).parent
RUNS = 5
PHASE_RUNS = 3
TARGET = 0.3
STACK = "prod"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, float]:
    """(CPU, wall) seconds of one run of `command` and every process it waited for."""
    cpu, started = _children_cpu(), time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, check=True, capture_output=True)
    return _children_cpu() - cpu, time.perf_counter() - started


def cdk_tools(cache: Path) -> tuple[Path, Path]:
    """The CDK app's Python and the `cdk` CLI, installed into `cache` once per pin set."""
    pins = (CDK_APP / "requirements.txt").read_bytes() + (
        CDK_APP / "package-lock.json"
    ).read_bytes()
    stamp = cache / f".installed-{hashlib.sha256(pins).hexdigest()[:16]}"
    python, cdk = cache / "venv" / "bin" / "python", cache / "node_modules" / ".bin" / "cdk"
    if not stamp.is_file():
        print(f"installing the CDK app's pins into {cache} (once)", file=sys.stderr)
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "venv", str(cache / "venv")], check=True)
        requirements = str(CDK_APP / "requirements.txt")
        pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        subprocess.run([*pip, "-r", requirements], check=True)
        for name in ("package.json", "package-lock.json"):
            shutil.copyfile(CDK_APP / name, cache / name)
        npm = ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"]
        subprocess.run(npm, cwd=cache, check=True)
        stamp.touch()
    return python, cdk


def synth_command(python: Path, cdk: Path, out: Path) -> list[str]:
    return [str(cdk), "synth", "--app", f"{python} app.py", "--output", str(out), "--quiet"]


def pairs(cache: Path, before: Path | None, rounds: int) -> dict[str, list[tuple[float, float]]]:
    python, cdk = cdk_tools(cache)
    # Node 20 still runs the pinned CLI and jsii; their end-of-life notices are noise here.
    synth_env = {**os.environ, "JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION": "1"}
    plan = [str(BIN / "crms-infra"), "plan", STACK, "--format", "json"]
    runs: dict[str, Callable[[], tuple[float, float]]] = {
        "plan": lambda: timed(plan, REPO),
        "synth": lambda: timed(synth_command(python, cdk, out), CDK_APP, synth_env),
    }
    if before is not None:  # its crms_infra and stacks first on the path
        earlier = {**os.environ, "PYTHONPATH": str(before)}
        runs["plan before"] = lambda: timed(earlier_plan(before), before, earlier)
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in runs}
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "cdk.out"
        runs["synth"]()  # a first synth compiles the app's bytecode: not what is compared
        for round_ in range(rounds):
            order = list(runs) if round_ % 2 == 0 else list(reversed(runs))
            for name in order:
                shutil.rmtree(out, ignore_errors=True)
                samples[name].append(runs[name]())
    return samples


def phases() -> dict[str, float]:
    """CPU seconds of the plan's phases, run as `crms-infra plan prod --format json` runs
    them, in this (fresh) process. Called with `--phases` by the parent."""
    import io
    from contextlib import redirect_stdout

    import crms_infra.__main__  # noqa: F401 (its collector thresholds, as in a run)

    clock = time.process_time
    started = clock()
    import crms_infra.cli as cli
    from benchmarks.plan import SDK_FLOOR, program_imports
    from crms_infra.offline import engine, policy
    from crms_infra.plan import command as plan_command

    result = {"import the CLI": clock() - started}
    started = clock()
    sys.path.insert(0, str(REPO))
    exec(program_imports(), {})  # noqa: S102 (the program's own import statements)
    exec(SDK_FLOOR, {})  # noqa: S102 (the SDK submodules it loads on first use)
    sys.path.remove(str(REPO))
    gc.freeze()  # as the entry point does once the CLI is imported
    result["the program's imports"] = clock() - started
    spent: dict[str, float] = {"registration": 0.0, "policy": 0.0, "rendering": 0.0}

    def timing(phase: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed_call(*args: Any, **kwargs: Any) -> Any:
            begun = clock()
            try:
                return function(*args, **kwargs)
            finally:
                spent[phase] += clock() - begun

        return timed_call

    engine._run_program = timing("registration", engine._run_program)
    policy.PackRun.evaluate = timing("policy", policy.PackRun.evaluate)  # type: ignore[method-assign]
    plan_command.FORMATS["json"] = timing("rendering", plan_command.FORMATS["json"])
    pack_cpu, started = _children_cpu(), clock()
    with redirect_stdout(io.StringIO()):
        code = cli.main(["plan", STACK, "--format", "json"])
    if code != 0:
        raise SystemExit(f"crms-infra plan {STACK} exited {code}")
    total = clock() - started
    result["registration on the mock engine (staging, then prod)"] = spent["registration"]
    result["policy evaluation (the pack, loaded in process; its config)"] = spent["policy"]
    result["processes the plan waited for (none: the shipped pack runs in process)"] = (
        _children_cpu() - pack_cpu
    )
    result["rendering (JSON)"] = spent["rendering"]
    result["the rest (config, settings, build digest, masking, checks)"] = total - sum(
        spent.values()
    )
    return result


def interpreter_cpu() -> float:
    """A bare interpreter's start and exit: part of every run, in no phase above."""
    samples = [timed([sys.executable, "-c", "pass"], REPO)[0] for _ in range(RUNS)]
    return statistics.median(samples)


def report(samples: dict[str, list[tuple[float, float]]]) -> None:
    def median(name: str, index: int) -> float:
        return statistics.median(sample[index] for sample in samples[name])

    rounds = len(samples["synth"])
    print(f"{rounds} rounds, interleaved; load before: {os.getloadavg()[0]:.1f} (1 min)")
    for name, runs in samples.items():
        cpus = ", ".join(f"{cpu:.2f}" for cpu, _ in runs)
        walls = ", ".join(f"{wall:.2f}" for _, wall in runs)
        print(f"{name:<12} CPU s: {cpus}   wall s: {walls}")
        print(f"{'':<12} median CPU {median(name, 0):.2f} s, wall {median(name, 1):.2f} s")
    for name in samples:
        if name == "synth":
            continue
        ratio = median(name, 0) / median("synth", 0)
        verdict = "meets" if ratio <= TARGET else "misses"
        paired = statistics.median(
            p[0] / s[0] for p, s in zip(samples[name], samples["synth"], strict=True)
        )
        print(
            f"{name} / cdk synth: CPU {ratio:.2f} (pair by pair, median {paired:.2f}), "
            f"wall {median(name, 1) / median('synth', 1):.2f}; {verdict} the target of {TARGET}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=REPO / "build" / "cdk-bench")
    parser.add_argument("--before", type=Path, help="an earlier checkout to compare with")
    parser.add_argument("--runs", type=int, default=RUNS, help=f"rounds (default {RUNS})")
    parser.add_argument("--phases", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phases:
        print(json.dumps(phases()))
        return 0
    if not (REPO / "build" / f"ops-{STACK}").is_dir():  # as benchmarks/build.py: bench goes on
        print(f"build/ops-{STACK}: no build; run `make build STACK={STACK}` first")
        return 0
    before = args.before.resolve() if args.before else None
    report(pairs(args.cache.resolve(), before, args.runs))
    print(f"load after: {os.getloadavg()[0]:.1f}")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    child = [sys.executable, __file__, "--phases"]
    runs = [
        json.loads(subprocess.run(child, cwd=REPO, env=env, check=True, capture_output=True).stdout)
        for _ in range(PHASE_RUNS)
    ]
    breakdown = {phase: statistics.median(run[phase] for run in runs) for phase in runs[0]}
    breakdown["interpreter start and exit (bare `python -c pass`)"] = interpreter_cpu()
    print(f"where the plan's CPU goes ({STACK}, each phase's median of {PHASE_RUNS} runs):")
    for phase, seconds in breakdown.items():
        print(f"  {phase:<62}{seconds:6.2f} s")
    print(f"  {'total':<62}{sum(breakdown.values()):6.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
