"""`crms-infra`: the command line of the project's tooling (its face, the help of each
command and the exit codes: crms_infra/cli_face.py)."""

import argparse
import json
import logging
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

import crms_infra
from crms_infra import cli_face as face
from crms_infra.bundle_writer import write_bundle
from crms_infra.ci_roles import command as ci_roles
from crms_infra.cost.changes import change_json, change_markdown, change_text, cost_change
from crms_infra.cost.guardrail import (
    guardrail_verdict,
    verdict_json,
    verdict_markdown,
    verdict_text,
)
from crms_infra.cost.plan_costs import plan_cost
from crms_infra.cost.render import cost_json, cost_markdown, cost_text
from crms_infra.cost.saved_inputs import CostInputsError, check_cost_inputs
from crms_infra.cost.summary import ESTIMATE_ERRORS
from crms_infra.diff import MARKDOWN_LIMIT, MARKDOWN_MINIMUM, diff_json, diff_plans, diff_text
from crms_infra.error_report import report, settings_message
from crms_infra.offline.engine import ReferenceCycleError, plan_stack
from crms_infra.offline.policy import PolicyPackError, pack_policies
from crms_infra.offline.project import (
    StackNotFoundError,
    find_project_dir,
    load_stack_settings,
    path_for_a_stack,
    stack_names,
)
from crms_infra.offline.stale_build import stale_warning
from crms_infra.plan_file import PlanFileError, load_plan_file
from crms_infra.plan_model import Plan
from crms_infra.policy_config import PolicyConfigError, read_policy_config
from crms_infra.preflight.findings import render
from crms_infra.preflight.run import plan_refusals, preflight, unset_secrets_note
from crms_infra.prices import command as prices_command
from crms_infra.render import plan_json, plan_markdown, plan_text
from crms_infra.residency.changes import diff_markdown_with_diagram
from crms_infra.residency.classify import UnclassifiedResourceError
from crms_infra.residency.links import PlanIndex
from crms_infra.residency.render import report_json, report_markdown, report_text
from crms_infra.residency.report import residency_report
from crms_infra.sarif import sarif_log
from crms_infra.schema import SETTINGS_PAGE, render_project_file, render_settings_page
from crms_infra.vercel_limits import OverLimitError
from crms_infra.yaml_file import YamlFileError, load_yaml_file
from stacks.bundle import StaleBuildError, digest
from stacks.escape import printable, safe_line
from stacks.loader import SettingsError

EXIT_OK, EXIT_POLICY, EXIT_ERROR = face.EXIT_OK, face.EXIT_POLICY, face.EXIT_ERROR

_PLAN_FORMATS: dict[str, Callable[[Plan], str]] = {
    "text": plan_text,
    "json": plan_json,
    "markdown": plan_markdown,
}


class UsageError(Exception):
    """An argument names something that does not exist or cannot be read."""


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    try:
        return int(args.run(args))
    except SettingsError as error:
        report(settings_message(error, lambda: _project_dir(args)))
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

    face.add_format(command("check", _check), ["text", "sarif"])

    bundle = command("bundle", _bundle)
    bundle.add_argument("stack", help=STACK_HELP)
    bundle.add_argument("--out", type=Path, required=True, help="a new directory to write to")

    residency = command("residency", _residency)
    residency.add_argument("stack", help=STACK_HELP)
    face.add_format(residency, ["text", "json", "markdown"])

    build = command("build", _build)
    build.add_argument("stack", help=STACK_HELP)
    build.add_argument("--out", type=Path, required=True, help="a new directory to build in")

    command("preflight", _preflight).add_argument("stack", help=STACK_HELP)

    roles = command("ci-roles", _ci_roles)
    roles.add_argument("--repository", type=ci_roles.repository, required=True, help="owner/name")
    roles.add_argument(
        "--account-id", type=ci_roles.account_id, required=True, help="the AWS account's 12 digits"
    )
    roles.add_argument("--out", type=Path, required=True, help="directory for the documents")

    adopt = command("adopt", _adopt)
    adopt.add_argument("stack", help=STACK_HELP)
    adopt.add_argument(
        "--terraform-state", type=Path, required=True, help="the output of `terraform state pull`"
    )
    adopt.add_argument(
        "--out",
        type=Path,
        help="write the `pulumi import --file` file here, outside the repository "
        "(default: none, the report only)",
    )

    schema = command("schema", _schema)
    schema.add_argument("--check", action="store_true", help="compare only; exit 1 if it differs")

    cost = command("cost", _cost)
    cost.add_argument("stack", help="a stack name or a saved plan JSON file")
    face.add_format(cost, _COST_FORMATS)

    prices_command.add_arguments(command("prices", prices_command.run))
    return parser


STACK_HELP = "a stack's name (its file is Pulumi.<stack>.yaml): dev, staging or prod"
_COST_FORMATS = {"text": cost_text, "markdown": cost_markdown, "json": cost_json}


def _cost(args: argparse.Namespace) -> int:
    plan = _load_plan(_project_dir(args), args.stack)
    try:
        cost = plan_cost(plan)
    except ESTIMATE_ERRORS as error:
        raise UsageError(f"cannot estimate {args.stack}: {error}") from None
    sys.stdout.write(_COST_FORMATS[args.format](cost))
    return EXIT_OK


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
    project_dir = _project_dir(args)
    plan = _planned(project_dir, args.stack)
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
    project_dir = _project_dir(args)
    before = _load_plan(project_dir, args.before)
    after = _load_plan(project_dir, args.after)
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


def _check(args: argparse.Namespace) -> int:
    project_dir = _project_dir(args)
    plans = {stack: _planned(project_dir, stack) for stack in stack_names(project_dir)}
    failed = any(
        violation["level"] == "mandatory"
        for plan in plans.values()
        for violation in plan["policy"]["violations"]
    )
    if args.format == "sarif":
        policies = pack_policies(project_dir / "policies")
        sys.stdout.write(sarif_log(project_dir, plans, policies))
        return EXIT_POLICY if failed else EXIT_OK
    for stack, plan in plans.items():
        policy = plan["policy"]
        mandatory = [v for v in policy["violations"] if v["level"] == "mandatory"]
        total = len(policy["violations"])
        print(safe_line(f"{stack}: {len(mandatory)} mandatory, {total} in all ({policy['pack']})"))
        for violation in policy["violations"]:
            line = f"  [{violation['level']}] {violation['policy']}: {violation['message']}"
            print(safe_line(line))
    return EXIT_POLICY if failed else EXIT_OK


def _preflight(args: argparse.Namespace) -> int:
    outcome = preflight(_project_dir(args), args.stack)
    sys.stdout.write(outcome.report(args.stack))
    return EXIT_POLICY if outcome.findings else EXIT_OK


def _ci_roles(args: argparse.Namespace) -> int:
    project_dir = _project_dir(args)
    roles = ci_roles.roles_for(project_dir, args.repository, args.account_id)
    problems = ci_roles.problems(roles, project_dir / "policies")
    if problems:
        print("error: the roles break the policy pack's rules or IAM's limits:", file=sys.stderr)
        for problem in problems:
            print(problem, file=sys.stderr)
        return EXIT_POLICY
    sys.stdout.write(ci_roles.write(roles, args.out))
    return EXIT_OK


def _residency(args: argparse.Namespace) -> int:
    project_dir = _project_dir(args)
    plan = _planned(project_dir, args.stack)
    report = residency_report(plan, read_policy_config(project_dir / "policies", args.stack))
    if args.format == "json":
        sys.stdout.write(report_json(report))
    elif args.format == "markdown":
        sys.stdout.write(report_markdown(report, PlanIndex(plan)))
    else:
        sys.stdout.write(report_text(report))
    return EXIT_OK if report.meets_rules else EXIT_POLICY


def _bundle(args: argparse.Namespace) -> int:
    settings = load_stack_settings(_project_dir(args), args.stack)
    try:
        files = write_bundle(settings, args.out.resolve())
    except FileExistsError as error:
        raise UsageError(str(error)) from None
    print(f"wrote {len(files)} files to {args.out} (sha256 {digest(files)[:16]})")
    return EXIT_OK


def _build(args: argparse.Namespace) -> int:
    from crms_infra.build import BuildError, build

    settings = load_stack_settings(_project_dir(args), args.stack)
    try:
        source_digest = build(settings, args.out.resolve())
    except (BuildError, FileExistsError) as error:
        raise UsageError(str(error)) from None
    print(f"built {args.out} for production (sources sha256 {source_digest[:16]})")
    return EXIT_OK


def _adopt(args: argparse.Namespace) -> int:
    """Offline: reads the state, runs the program on mocks, writes nothing but `--out`."""
    from crms_infra.adopt.adoption import adopt
    from crms_infra.adopt.changes import AdoptionRefused
    from crms_infra.adopt.import_file import ImportFileError, import_file, write_import_file
    from crms_infra.adopt.report import adoption_text
    from crms_infra.adopt.terraform_state import TerraformStateError

    project_dir = _project_dir(args)
    try:
        adoption = adopt(project_dir, args.stack, args.terraform_state)
        if args.out is not None:
            write_import_file(
                args.out, import_file(adoption.adopted, adoption.program), project_dir
            )
    except AdoptionRefused as error:
        raise UsageError(f"refused: {error}") from None
    except (TerraformStateError, ImportFileError) as error:
        raise UsageError(str(error)) from None
    sys.stdout.write(adoption_text(adoption))
    if args.out is not None:
        holds_secret = any(item.import_id_is_secret for item in adoption.adopted)
        warning = (
            " It holds the live database password: keep it out of git and any shared place, "
            "and delete it once `pulumi import` has run."
        )
        written = f"wrote {args.out} (mode 0600).{warning if holds_secret else ''}"
        print(safe_line(written), file=sys.stderr)
    else:
        print("no import file written: pass --out FILE to write one", file=sys.stderr)
    return EXIT_OK


def _schema(args: argparse.Namespace) -> int:
    """Pulumi.yaml's config block and docs/settings.md's reference, from the settings."""
    project_dir = _project_dir(args)
    project_file = project_dir / "Pulumi.yaml"
    load_yaml_file(project_file)  # a file Pulumi cannot read is an error, not "out of date"
    derived = {project_file: render_project_file(project_file.read_text())}
    page = project_dir / SETTINGS_PAGE
    if page.is_file():  # a project without the docs (a test's copy) has the schema only
        derived[page] = render_settings_page(page.read_text())
    stale = [path for path, text in derived.items() if path.read_text() != text]
    if args.check:
        for path in stale:
            shown = path.relative_to(project_dir)
            print(f"{shown} is out of date: run `crms-infra schema`", file=sys.stderr)
        return 1 if stale else EXIT_OK
    for path in stale:
        path.write_text(derived[path])
    return EXIT_OK


def _planned(project_dir: Path, stack: str) -> Plan:
    """The stack's offline plan; a stale ops build is said on stderr (the plan marks it)."""
    plan = plan_stack(project_dir, stack)
    warning = stale_warning(plan)
    if warning is not None:
        print(safe_line(warning), file=sys.stderr)
    return plan


def _load_plan(project_dir: Path, source: str) -> Plan:
    """A stack's plan, made now, or a plan saved by `plan --format json`."""
    if source in stack_names(project_dir):
        return _planned(project_dir, source)
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


def _project_dir(args: argparse.Namespace) -> Path:
    if args.project_dir is not None:
        project_dir = Path(args.project_dir).resolve()
        if not project_dir.is_dir():
            raise UsageError(f"--project-dir {args.project_dir}: no such directory")
        if not (project_dir / "Pulumi.yaml").is_file():
            raise UsageError(
                f"--project-dir {args.project_dir}: no Pulumi.yaml there "
                "(it names the directory of the Pulumi project)"
            )
        return project_dir
    found = find_project_dir(Path.cwd())
    if found is not None:
        return found
    # Installed in editable mode: the checkout that holds this package.
    return Path(crms_infra.__file__).resolve().parent.parent
