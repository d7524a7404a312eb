"""Wall time of `crms-infra plan` per stack beside three floors.

- the bare import of the provider SDKs (the issue's measure): the SDKs load a
  submodule only on first use (pulumi/_utils.py lazy_import), so this loads little;
- the SDK floor: the same SDKs with each submodule the program uses loaded;
- the program's imports: exactly what `__main__.py` imports, before its first
  resource; no run of the program, offline or under `pulumi up`, pays less.

The ratios say what the program and the offline engine cost on top of each.
Target: at most 2 on the prod stack. Run with `make bench`.

`--before DIR` (an earlier checkout, e.g. `git archive <rev> | tar -x -C DIR`, whose
dependencies this environment has) times that checkout's `crms-infra plan prod`
interleaved with this one's, so that both see the same load: what a change costs.
"""

import argparse
import ast
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RUNS = 5
TARGET_RATIO = 2.0
BARE_IMPORT = "import pulumi, pulumi_aws, pulumiverse_vercel, upstash_pulumi"
SDK_FLOOR = (
    "import pulumi, pulumi.dynamic, pulumi_aws, pulumi_random, pulumiverse_vercel, upstash_pulumi\n"
    # First use loads the submodule: one name from each the components use.
    "pulumi_aws.s3.Bucket, pulumi_aws.kms.Key, pulumi_aws.iam.Role, pulumi_aws.sns.Topic\n"
    "pulumi_aws.cloudwatch.MetricAlarm, pulumi_aws.Provider, pulumi_random.RandomPassword\n"
    "pulumiverse_vercel.Project, upstash_pulumi.RedisDatabase"
)


def program_imports() -> str:
    """The import statements of `__main__.py`, as one script."""
    tree = ast.parse((REPO / "__main__.py").read_text())
    imports = [node for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)]
    return "\n".join(ast.unparse(node) for node in imports)


def median_seconds(command: list[str]) -> float:
    samples = []
    for _ in range(RUNS):
        started = time.perf_counter()
        subprocess.run(command, cwd=REPO, check=True, capture_output=True)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def earlier_plan(checkout: Path) -> list[str]:
    """`crms-infra plan prod` as the checkout's own entry point runs it: before
    crms_infra/__main__.py, the console script called `crms_infra.cli.main`."""
    arguments = ["plan", "prod", "--format", "json"]
    if (checkout / "crms_infra" / "__main__.py").is_file():
        return [sys.executable, "-m", "crms_infra", *arguments]
    script = "import sys; from crms_infra.cli import main; sys.exit(main())"
    return [sys.executable, "-c", script, *arguments]


def before_and_after(before: Path) -> None:
    """`plan prod` of the earlier checkout and of this one, run in turn, RUNS times each."""
    command = [str(BIN / "crms-infra"), "plan", "prod", "--format", "json"]
    samples: dict[str, list[float]] = {"before": [], "after": []}
    earlier = {**os.environ, "PYTHONPATH": str(before)}  # its crms_infra and stacks first
    sides = (("before", before, earlier, earlier_plan(before)), ("after", REPO, None, command))
    for _ in range(RUNS):
        for name, cwd, env, argv in sides:
            started = time.perf_counter()
            subprocess.run(argv, cwd=cwd, env=env, check=True, capture_output=True)
            samples[name].append(time.perf_counter() - started)
    for name, times in samples.items():
        print(
            f"plan prod, {name:<7}median {statistics.median(times):.2f} s "
            f"({min(times):.2f} to {max(times):.2f})"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, help="an earlier checkout to compare with")
    before = parser.parse_args().before
    if before is not None:
        before_and_after(before.resolve())
        return 0
    floors = {
        "bare import of the SDKs": median_seconds([sys.executable, "-c", BARE_IMPORT]),
        "SDK floor (used modules)": median_seconds([sys.executable, "-c", SDK_FLOOR]),
        "the program's imports": median_seconds([sys.executable, "-c", program_imports()]),
    }
    print(f"median of {RUNS} runs each")
    for name, seconds in floors.items():
        print(f"{name:<28}{seconds:8.2f} s")
    plans = {}
    for stack in ("dev", "staging", "prod"):
        plans[stack] = median_seconds([str(BIN / "crms-infra"), "plan", stack, "--format", "json"])
        ratios = "   ".join(f"{plans[stack] / seconds:.2f}" for seconds in floors.values())
        print(f"{'crms-infra plan ' + stack:<28}{plans[stack]:8.2f} s   ratios {ratios}")
    for name, seconds in floors.items():
        ratio = plans["prod"] / seconds
        verdict = "meets" if ratio <= TARGET_RATIO else "misses"
        print(f"prod / {name}: {ratio:.2f}, {verdict} the target of {TARGET_RATIO:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
