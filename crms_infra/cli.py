"""`crms-infra`: the command line of the project's tooling (its face, the help of each
command and the exit codes: crms_infra/cli_face.py)."""

import argparse
import json
import logging
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from crms_infra import cli_face as face
from crms_infra import cli_inputs, sarif
from crms_infra import schema as schema_command
from crms_infra.adopt import command as adopt
from crms_infra.bundle_writer import write_bundle
from crms_infra.ci_roles import command as ci_roles
from crms_infra.cli_inputs import STACK_HELP, UsageError
from crms_infra.cost import command as cost
from crms_infra.cost.changes import change_json, change_markdown, change_text, cost_change
from crms_infra.cost.guardrail import (
    guardrail_verdict,
    verdict_json,
    verdict_markdown,
    verdict_text,
)
from crms_infra.cost.saved_inputs import CostInputsError
from crms_infra.diff import MARKDOWN_LIMIT, MARKDOWN_MINIMUM, diff_json, diff_plans, diff_text
from crms_infra.error_report import report, settings_message
from crms_infra.offline.engine import ReferenceCycleError
from crms_infra.offline.policy import PolicyPackError
from crms_infra.offline.project import (
    StackNotFoundError,
    load_stack_settings,
)
from crms_infra.plan_file import PlanFileError
from crms_infra.plan_model import Plan
from crms_infra.policy_config import PolicyConfigError
from crms_infra.preflight import command as preflight
from crms_infra.preflight.findings import render
from crms_infra.preflight.run import plan_refusals, unset_secrets_note
from crms_infra.prices import command as prices_command
from crms_infra.render import plan_json, plan_markdown, plan_text
from crms_infra.residency import command as residency
from crms_infra.residency.changes import diff_markdown_with_diagram
from crms_infra.residency.classify import UnclassifiedResourceError
from crms_infra.vercel_limits import OverLimitError
from crms_infra.yaml_file import YamlFileError
from stacks.bundle import StaleBuildError, digest
from stacks.loader import SettingsError

EXIT_OK, EXIT_POLICY, EXIT_ERROR = face.EXIT_OK, face.EXIT_POLICY, face.EXIT_ERROR

_PLAN_FORMATS: dict[str, Callable[[Plan], str]] = {
    "text": plan_text,
    "json": plan_json,
    "markdown": plan_markdown,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    try:
        return int(args.run(args))
    except SettingsError as error:
        report(settings_message(error, lambda: cli_inputs.project_dir(args)))
    except (
        StackNotFoundError,
        ReferenceCycleError,
        UsageError,
        PolicyPackError,
        StaleBuildError,
        OverLimitError,
        UnclassifiedResourceError,
        YamlFileError,
        PlanFileError,
        CostInputsError,
        PolicyConfigError,
    ) as error:
        report(str(error))
    except OSError as error:  # a file or directory named on the command line, or the program's
        report(f"{error.filename or 'a file'}: {error.strerror or error}")
    except Exception as error:  # the program's own failure, reported plainly
        if args.debug:
            traceback.print_exc()
        report(f"the program failed: {type(error).__name__}: {error}")
    return EXIT_ERROR


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--project-dir",
        type=Path,
        help="directory of Pulumi.yaml (default: the nearest at or above the current "
        "directory, else this checkout)",
    )
    common.add_argument("--debug", action="store_true", help="show a failure's traceback")
    parser = argparse.ArgumentParser(
        prog="crms-infra",
        description=face.DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=face.version_text())
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    def command(name: str, run: Callable[[argparse.Namespace], int]) -> argparse.ArgumentParser:
        sub = face.add_command(commands, face.COMMANDS[name], common)
        sub.set_defaults(run=run)
        return sub

    plan = command("plan", _plan)
    plan.add_argument("stack", help=STACK_HELP)
    face.add_format(plan, _PLAN_FORMATS)

    diff = command("diff", _diff)
    diff.add_argument("before", help="a stack name or a saved plan JSON file")
    diff.add_argument("after", help="a stack name or a saved plan JSON file")
    face.add_format(diff, ["text", "json", "markdown"])
    diff.add_argument(
        "--max-chars",
        type=_max_chars,
        help=f"the Markdown's size, a ceiling, with --format markdown only (default: "
        f"{MARKDOWN_LIMIT:,}; at least {MARKDOWN_MINIMUM:,})",
    )

    face.add_format(command("check", sarif.run), ["text", "sarif"])

    bundle = command("bundle", _bundle)
    bundle.add_argument("stack", help=STACK_HELP)
    bundle.add_argument("--out", type=Path, required=True, help="a new directory to write to")

    residency.add_arguments(command("residency", residency.run))

    build = command("build", _build)
    build.add_argument("stack", help=STACK_HELP)
    build.add_argument("--out", type=Path, required=True, help="a new directory to build in")

    command("preflight", preflight.run).add_argument("stack", help=STACK_HELP)

    ci_roles.add_arguments(command("ci-roles", ci_roles.run))
    adopt.add_arguments(command("adopt", adopt.run))

    schema = command("schema", schema_command.run)
    schema.add_argument("--check", action="store_true", help="compare only; exit 1 if it differs")

    cost.add_arguments(command("cost", cost.run))

    prices_command.add_arguments(command("prices", prices_command.run))
    return parser


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


def _plan(args: argparse.Namespace) -> int:
    project_dir = cli_inputs.project_dir(args)
    plan = cli_inputs.planned(project_dir, args.stack)
    refusals = plan_refusals(project_dir, args.stack, plan)
    if refusals:
        print("error: a provider would refuse the plan:", file=sys.stderr)
        for finding in refusals:
            print(render(finding), file=sys.stderr)
        return EXIT_ERROR
    sys.stdout.write(_PLAN_FORMATS[args.format](plan))
    note = unset_secrets_note(project_dir, args.stack)
    if note is not None:
        print(note, file=sys.stderr)
    mandatory = [v for v in plan["policy"]["violations"] if v["level"] == "mandatory"]
    return EXIT_POLICY if mandatory else EXIT_OK


def _diff(args: argparse.Namespace) -> int:
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
    return EXIT_POLICY if verdict is not None and verdict.fails else EXIT_OK


def _bundle(args: argparse.Namespace) -> int:
    settings = load_stack_settings(cli_inputs.project_dir(args), args.stack)
    try:
        files = write_bundle(settings, args.out.resolve())
    except FileExistsError as error:
        raise UsageError(str(error)) from None
    print(f"wrote {len(files)} files to {args.out} (sha256 {digest(files)[:16]})")
    return EXIT_OK


def _build(args: argparse.Namespace) -> int:
    from crms_infra.build import BuildError, build

    settings = load_stack_settings(cli_inputs.project_dir(args), args.stack)
    try:
        source_digest = build(settings, args.out.resolve())
    except (BuildError, FileExistsError) as error:
        raise UsageError(str(error)) from None
    print(f"built {args.out} for production (sources sha256 {source_digest[:16]})")
    return EXIT_OK
