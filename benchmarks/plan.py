"""Wall time of `crms-infra plan` per stack beside a bare import of the provider SDKs.

The ratio says what the program and the offline engine cost on top of the
imports that any run of the program pays. Target: at most 2 on the prod stack.
Run with `make bench`.
"""

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


def median_seconds(command: list[str]) -> float:
    samples = []
    for _ in range(RUNS):
        started = time.perf_counter()
        subprocess.run(command, cwd=REPO, check=True, capture_output=True)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> int:
    bare = median_seconds([sys.executable, "-c", BARE_IMPORT])
    print(f"median of {RUNS} runs each")
    print(f"{'bare import of the SDKs':<28}{bare:8.2f} s")
    ratios = {}
    for stack in ("dev", "staging", "prod"):
        plan = median_seconds([str(BIN / "crms-infra"), "plan", stack, "--format", "json"])
        ratios[stack] = plan / bare
        print(f"{'crms-infra plan ' + stack:<28}{plan:8.2f} s   ratio {ratios[stack]:.2f}")
    verdict = "meets" if ratios["prod"] <= TARGET_RATIO else "MISSES"
    print(f"prod ratio {ratios['prod']:.2f} {verdict} the target of {TARGET_RATIO:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
