"""`crms-infra plan STACK`: the stack's plan as a tree, JSON or Markdown, offline."""

import argparse
import sys
from collections.abc import Callable

from crms_infra import cli_face as face
from crms_infra import cli_inputs
from crms_infra.cli_inputs import STACK_HELP
from crms_infra.plan.render import plan_json, plan_markdown, plan_text
from crms_infra.plan_model import Plan
from crms_infra.preflight.findings import render
from crms_infra.preflight.run import plan_refusals, unset_secrets_note

FORMATS: dict[str, Callable[[Plan], str]] = {
    "text": plan_text,
    "json": plan_json,
    "markdown": plan_markdown,
}


def add_arguments(plan: argparse.ArgumentParser) -> None:
    plan.add_argument("stack", help=STACK_HELP)
    face.add_format(plan, FORMATS)


def run(args: argparse.Namespace) -> int:
    project_dir = cli_inputs.project_dir(args)
    plan = cli_inputs.planned(project_dir, args.stack)
    refusals = plan_refusals(project_dir, args.stack, plan)
    if refusals:
        print("error: a provider would refuse the plan:", file=sys.stderr)
        for finding in refusals:
            print(render(finding), file=sys.stderr)
        return face.EXIT_ERROR
    sys.stdout.write(FORMATS[args.format](plan))
    note = unset_secrets_note(project_dir, args.stack)
    if note is not None:
        print(note, file=sys.stderr)
    mandatory = [v for v in plan["policy"]["violations"] if v["level"] == "mandatory"]
    return face.EXIT_POLICY if mandatory else face.EXIT_OK
