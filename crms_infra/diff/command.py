"""`crms-infra diff BEFORE AFTER`: two plans (stacks or saved files) compared, with the monthly
change they make and the cost guardrail's verdict."""

import argparse
import json
import sys

from crms_infra import cli_face as face
from crms_infra import cli_inputs
from crms_infra.cli_inputs import UsageError
from crms_infra.cost.changes import change_json, change_markdown, change_text, cost_change
from crms_infra.cost.guardrail import (
    guardrail_verdict,
    verdict_json,
    verdict_markdown,
    verdict_text,
)
from crms_infra.diff.plans import (
    MARKDOWN_LIMIT,
    MARKDOWN_MINIMUM,
    diff_json,
    diff_plans,
    diff_text,
)
from crms_infra.residency.changes import diff_markdown_with_diagram


def add_arguments(diff: argparse.ArgumentParser) -> None:
    diff.add_argument("before", help="a stack name or a saved plan JSON file")
    diff.add_argument("after", help="a stack name or a saved plan JSON file")
    face.add_format(diff, ["text", "json", "markdown"])
    diff.add_argument(
        "--max-chars",
        type=_max_chars,
        help=f"the Markdown's size, a ceiling, with --format markdown only (default: "
        f"{MARKDOWN_LIMIT:,}; at least {MARKDOWN_MINIMUM:,})",
    )


def run(args: argparse.Namespace) -> int:
    if args.max_chars is not None and args.format != "markdown":
        raise UsageError(f"--max-chars sizes the Markdown only: not with --format {args.format}")
    project_dir = cli_inputs.project_dir(args)
    before = cli_inputs.load_plan(project_dir, args.before)
    after = cli_inputs.load_plan(project_dir, args.after)
    diff = diff_plans(before, after, args.before, args.after)
    change = cost_change(before, after)
    verdict = guardrail_verdict(project_dir / "policies", before, after, change)
    if args.format == "markdown":
        limit = args.max_chars or MARKDOWN_LIMIT
        # The monthly change gets an eighth of the comment, never what the diff needs.
        section = change_markdown(
            change, min(limit // 8, limit - MARKDOWN_MINIMUM), verdict_markdown(verdict)
        )
        sys.stdout.write(diff_markdown_with_diagram(diff, limit=limit - len(section)))
        sys.stdout.write(section)
    elif args.format == "json":
        cost = {**change_json(change), "guardrail": verdict_json(verdict)}
        document = {**json.loads(diff_json(diff)), "monthlyCost": cost}
        sys.stdout.write(json.dumps(document, indent=2, sort_keys=True) + "\n")
    else:
        sys.stdout.write(diff_text(diff) + change_text(change) + verdict_text(verdict))
    return face.EXIT_POLICY if verdict is not None and verdict.fails else face.EXIT_OK


def _max_chars(text: str) -> int:
    """argparse turns the ArgumentTypeError into one line and exit code 2."""
    try:
        limit = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a whole number") from None
    if limit < MARKDOWN_MINIMUM:
        raise argparse.ArgumentTypeError(
            f"must be at least {MARKDOWN_MINIMUM:,}, so that the diff's heading and notes fit"
        )
    return limit
