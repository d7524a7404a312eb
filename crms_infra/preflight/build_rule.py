"""The ops app's build: present, built from the current sources, and readable by the Vercel
provider. `pulumi up` deploys `build/ops-<stack>` as `make build` left it."""

from pathlib import Path

from crms_infra.bundle.vercel_limits import OverLimitError
from crms_infra.offline import mocks
from crms_infra.preflight.findings import Finding
from stacks import bundle
from stacks.settings import StackSettings

RULE = "build"


def build_findings(project_dir: Path, stack: str, settings: StackSettings) -> list[Finding]:
    """An absent build (which the offline plan accepts, showing a deployment without files),
    a build the program refuses as stale, or an output the provider cannot deploy."""
    relative = bundle.bundle_dir(stack)
    directory = project_dir / relative
    fix = f"make build STACK={stack}"
    if not directory.is_dir() or not any(directory.iterdir()):
        # The provider's data source stops a real preview: "no prebuilt output was found"
        # (vercel/terraform-provider-vercel, vercel/data_source_prebuilt_project.go).
        problem = "no build: the Vercel provider finds no prebuilt output to deploy"
        return [Finding(RULE, relative, "ops app", problem, fix)]
    # The digest the program compares with: of the sources next to the `stacks` it imports.
    sources = bundle.digest(bundle.bundle_files(settings))
    try:
        bundle.check_build(directory, sources, stack)
    except bundle.StaleBuildError as error:
        # `pulumi up` stops on it; the offline plan plans it, marked stale.
        problem = f"the program refuses it: {error}"
        return [Finding(RULE, relative, "ops app", problem, fix)]
    return output_findings(directory, relative, fix)


def output_findings(directory: Path, shown_as: str, fix: str) -> list[Finding]:
    """What stops the deployment of a built output directory (`shown_as` in findings)."""
    try:
        # The offline plan reads a build with the provider's own rules (mocks.prebuilt_project)
        # and refuses one over Vercel's deployment limits (crms_infra/bundle/vercel_limits.py).
        mocks.prebuilt_project(str(directory))
    except FileNotFoundError as error:
        problem = f"the Vercel provider cannot read it: {error}"
        return [Finding(RULE, shown_as, "prebuilt output", problem, fix, stops_program=True)]
    except OverLimitError as error:
        return [
            Finding(RULE, shown_as, "Vercel's limits", problem, fix, stops_program=True)
            for problem in error.findings
        ]
    return []
