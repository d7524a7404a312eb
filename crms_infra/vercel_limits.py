"""Vercel's deployment limits that its API or the provider enforce, each with its source,
and the one check of a built output against them.

`make build` refuses an output with findings, the offline plan refuses to read one
(crms_infra/offline/mocks.py), and `crms-infra preflight` runs the same check: each limit
lives here only.
"""

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from crms_infra.output_tree import OutputFile, output_files


@dataclass(frozen=True)
class Limit:
    maximum: int
    source: str


FILES_PER_DEPLOYMENT = Limit(
    15_000,
    'Vercel\'s deployment API refuses more ("`files` should NOT have more than 15000 items", '
    "vercel/terraform-provider-vercel issue #289), and the provider has no archive upload "
    "(client/deployment.go: CreateDeploymentRequest carries only `files`)",
)
"""Each entry of the Deployment's `files` (crms_infra/output_tree.py) counts."""
FUNCTION_UNCOMPRESSED_BYTES = Limit(
    225 * 1024 * 1024,
    "Vercel's limit of 250 MB uncompressed counts the layers the runtime adds "
    "(https://vercel.com/docs/functions/limitations), so Vercel's own Python builder keeps "
    "a function's files under 225 MB (LAMBDA_SIZE_THRESHOLD_BYTES in vercel/vercel "
    "packages/python/src/dependency-externalizer.ts)",
)
"""Vercel's MB here are MiB (250 * 1024 * 1024 bytes: MAX_LAMBDA_UNCOMPRESSED_SIZE in
packages/build-utils/src/validate-lambda-size.ts). Newer builders than the pinned
@vercel/python 6.0.4 let a Python function past it by installing dependencies at cold start
(the same dependency-externalizer.ts); ours carries them all."""


class OverLimitError(Exception):
    """An output over Vercel's limits; the message has one sentence per finding."""

    def __init__(self, output_dir: Path, findings: list[str]) -> None:
        super().__init__(f"{output_dir} cannot be deployed: " + " ".join(findings))
        self.findings = findings


def check_output(output_dir: Path) -> list[str]:
    """One sentence per limit the `.vercel/output` directory `output_dir` is over, naming
    the figure and the limit; none for an output Vercel accepts."""
    return check_files(output_files(output_dir.parent.parent))


def check_files(files: list[OutputFile]) -> list[str]:
    """check_output on the Deployment's files as crms_infra/output_tree.py lists them."""
    findings = []
    if len(files) > FILES_PER_DEPLOYMENT.maximum:
        findings.append(
            f"The deployment has {len(files):,} files, over the limit of "
            f"{FILES_PER_DEPLOYMENT.maximum:,} per deployment: {FILES_PER_DEPLOYMENT.source}."
        )
    function_bytes: dict[str, int] = defaultdict(int)
    for file in files:
        if file.function is not None:
            function_bytes[file.function] += file.size
    for function, size in sorted(function_bytes.items()):
        if size > FUNCTION_UNCOMPRESSED_BYTES.maximum:
            findings.append(
                f"Function {function} is {size / 2**20:,.1f} MiB uncompressed, over the "
                f"{FUNCTION_UNCOMPRESSED_BYTES.maximum / 2**20:.0f} MiB a function's files may "
                f"use: {FUNCTION_UNCOMPRESSED_BYTES.source}."
            )
    return findings
