"""What the commands read from their arguments: the project's directory, a stack's plan
made now, or a plan saved by `plan --format json`; and the error an argument that names
nothing readable raises. Every command module shares them (crms_infra/cli.py assembles
the commands)."""

import argparse
import sys
from pathlib import Path

import crms_infra
from crms_infra.cost.saved_inputs import check_cost_inputs
from crms_infra.diff.plan_file import load_plan_file
from crms_infra.offline.engine import plan_stack
from crms_infra.offline.project import find_project_dir, path_for_a_stack, stack_names
from crms_infra.offline.stale_build import stale_warning
from crms_infra.plan_model import Plan
from stacks.escape import printable, safe_line

STACK_HELP = "a stack's name (its file is Pulumi.<stack>.yaml): dev, staging or prod"


class UsageError(Exception):
    """An argument names something that does not exist or cannot be read."""


def planned(project_dir: Path, stack: str) -> Plan:
    """The stack's offline plan; a stale ops build is said on stderr (the plan marks it)."""
    plan = plan_stack(project_dir, stack)
    warning = stale_warning(plan)
    if warning is not None:
        print(safe_line(warning), file=sys.stderr)
    return plan


def load_plan(project_dir: Path, source: str) -> Plan:
    """A stack's plan, made now, or a plan saved by `plan --format json`."""
    if source in stack_names(project_dir):
        return planned(project_dir, source)
    path = Path(source)
    known = ", ".join(stack_names(project_dir))
    stack_file = path.name.startswith("Pulumi.") and path.suffix == ".yaml"
    if (stack_file or not path.is_file()) and (answer := path_for_a_stack(source, known)):
        raise UsageError(answer)
    if not path.is_file():
        shown = printable(source, 80)
        raise UsageError(f"{shown} is neither a stack ({known}) nor a plan JSON file")
    plan = load_plan_file(path)
    check_cost_inputs(plan, source)  # a stack's own were checked as its stack file was read
    return plan


def project_dir(args: argparse.Namespace) -> Path:
    """`--project-dir`, else the nearest Pulumi project at or above the current directory,
    else this checkout."""
    if args.project_dir is not None:
        chosen = Path(args.project_dir).resolve()
        if not chosen.is_dir():
            raise UsageError(f"--project-dir {args.project_dir}: no such directory")
        if not (chosen / "Pulumi.yaml").is_file():
            raise UsageError(
                f"--project-dir {args.project_dir}: no Pulumi.yaml there "
                "(it names the directory of the Pulumi project)"
            )
        return chosen
    found = find_project_dir(Path.cwd())
    if found is not None:
        return found
    # Installed in editable mode: the checkout that holds this package.
    return Path(crms_infra.__file__).resolve().parent.parent
