"""`crms-infra cost STACK|PLAN.json [--format text|markdown|json]`: its arguments and its run."""

import argparse
import sys

from crms_infra import cli_face as face
from crms_infra.cli_face import EXIT_OK
from crms_infra.cli_inputs import UsageError, load_plan, project_dir
from crms_infra.cost.plan_costs import plan_cost
from crms_infra.cost.render import cost_json, cost_markdown, cost_text
from crms_infra.cost.summary import ESTIMATE_ERRORS

FORMATS = {"text": cost_text, "markdown": cost_markdown, "json": cost_json}


def add_arguments(cost: argparse.ArgumentParser) -> None:
    cost.add_argument("stack", help="a stack name or a saved plan JSON file")
    face.add_format(cost, FORMATS)


def run(args: argparse.Namespace) -> int:
    plan = load_plan(project_dir(args), args.stack)
    try:
        cost = plan_cost(plan)
    except ESTIMATE_ERRORS as error:
        raise UsageError(f"cannot estimate {args.stack}: {error}") from None
    sys.stdout.write(FORMATS[args.format](cost))
    return EXIT_OK
