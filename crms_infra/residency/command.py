"""`crms-infra residency STACK [--format text|json|markdown]`: its arguments and its run."""

import argparse
import sys

from crms_infra import cli_face as face
from crms_infra.cli_face import EXIT_OK, EXIT_POLICY
from crms_infra.cli_inputs import STACK_HELP, planned, project_dir
from crms_infra.policy_config import read_policy_config
from crms_infra.residency.links import PlanIndex
from crms_infra.residency.render import report_json, report_markdown, report_text
from crms_infra.residency.report import residency_report


def add_arguments(residency: argparse.ArgumentParser) -> None:
    residency.add_argument("stack", help=STACK_HELP)
    face.add_format(residency, ["text", "json", "markdown"])


def run(args: argparse.Namespace) -> int:
    directory = project_dir(args)
    plan = planned(directory, args.stack)
    report = residency_report(plan, read_policy_config(directory / "policies", args.stack))
    if args.format == "json":
        sys.stdout.write(report_json(report))
    elif args.format == "markdown":
        sys.stdout.write(report_markdown(report, PlanIndex(plan)))
    else:
        sys.stdout.write(report_text(report))
    return EXIT_OK if report.meets_rules else EXIT_POLICY
