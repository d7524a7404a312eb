"""An ops build of other sources, in the offline plan: planned as it is, marked stale on the
deployment, and said in one warning line. `pulumi preview`, `pulumi up` and preflight
still refuse it (stacks.bundle.check_build)."""

import contextlib
from collections.abc import Iterator
from pathlib import Path

from crms_infra.offline.project import load_stack_settings
from crms_infra.plan_model import Plan
from stacks import bundle

DEPLOYMENT = "vercel:index/deployment:Deployment"


@contextlib.contextmanager
def stale_builds_planned() -> Iterator[None]:
    """While the offline engine runs the program, a stale build does not stop it."""
    previous = bundle.refuse_stale_builds
    bundle.refuse_stale_builds = False
    try:
        yield
    finally:
        bundle.refuse_stale_builds = previous


def mark_stale(plan: Plan, project_dir: Path) -> None:
    """The deployment of a build of other sources carries why `pulumi up` would refuse it
    (`stale` in the plan)."""
    deployments = [r for r in plan["resources"] if r["type"] == DEPLOYMENT]
    if not deployments:  # another project's program (the contract's test project)
        return
    settings = load_stack_settings(project_dir, plan["stack"])
    sources = bundle.digest(bundle.bundle_files(settings))
    try:
        bundle.check_build(project_dir / bundle.bundle_dir(plan["stack"]), sources, plan["stack"])
    except bundle.StaleBuildError as error:
        for deployment in deployments:
            deployment["stale"] = str(error)


def stale_warning(plan: Plan) -> str | None:
    """The one line the commands that plan print on stderr for a stale deployment."""
    reasons = sorted({r["stale"] for r in plan["resources"] if "stale" in r})
    if not reasons:
        return None
    return (
        f"warning: {plan['stack']}: the ops deployment is stale, planned from the build as it "
        f"is ({reasons[0]}); `pulumi preview`, `pulumi up` and preflight refuse it until then"
    )
