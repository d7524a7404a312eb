"""Vercel's deployment limits that its API or the provider enforce, each with its source,
and the one check of a built output against them.

`make build` refuses an output with findings, the offline plan refuses to read one
(crms_infra/offline/mocks.py), and `crms-infra preflight` runs the same check: each limit
lives here only.
"""

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from crms_infra.bundle.output_tree import OutputFile, output_files


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
"""Each entry of the Deployment's `files` (crms_infra/bundle/output_tree.py) counts."""
FUNCTION_UNCOMPRESSED_BYTES = Limit(
    500 * 1024 * 1024,
    "Vercel documents 500 MB uncompressed for a Python function, where other runtimes have "
    "250 MB (https://vercel.com/docs/functions/limitations, and "
    "https://vercel.com/kb/guide/troubleshooting-function-250mb-limit), and "
    "@vercel/build-utils exempts Python from its function size check (vercel/vercel "
    "packages/build-utils/src/validate-lambda-size.ts, validateLambdaSize, commit 17d9ebaf)",
)
"""The ops app's one function is Python, the only kind this project deploys. Vercel's MB
are MiB: build-utils writes its 250 MB as 250 * 1024 * 1024 (MAX_LAMBDA_UNCOMPRESSED_SIZE,
same file). Neither the pinned `vercel` 48.10.0 nor @vercel/python 6.0.4 checks the size
before the upload; Vercel's platform refuses a function over it."""


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
    """check_output on the Deployment's files as crms_infra/bundle/output_tree.py lists them."""
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
