"""`crms-infra`: the command line of the project's tooling (its face, the help of each
command and the exit codes: crms_infra/cli_face.py)."""

import argparse
import logging
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from crms_infra import cli_face as face
from crms_infra import cli_inputs
from crms_infra import schema as schema_command
from crms_infra.adopt import command as adopt
from crms_infra.bundle import command as bundle
from crms_infra.bundle.vercel_limits import OverLimitError
from crms_infra.check import sarif
from crms_infra.ci_roles import command as ci_roles
from crms_infra.cli_inputs import STACK_HELP, UsageError
from crms_infra.cost import command as cost
from crms_infra.cost.saved_inputs import CostInputsError
from crms_infra.diff import command as diff_command
from crms_infra.diff.plan_file import PlanFileError
from crms_infra.error_report import report, settings_message
from crms_infra.offline.engine import ReferenceCycleError
from crms_infra.offline.policy import PolicyPackError
from crms_infra.offline.project import StackNotFoundError
from crms_infra.plan import command as plan_command
from crms_infra.policy_config import PolicyConfigError
from crms_infra.preflight import command as preflight
from crms_infra.prices import command as prices_command
from crms_infra.residency import command as residency
from crms_infra.residency.classify import UnclassifiedResourceError
from crms_infra.stack_file.reader import YamlFileError
from stacks.bundle import StaleBuildError
from stacks.loader import SettingsError

EXIT_OK, EXIT_POLICY, EXIT_ERROR = face.EXIT_OK, face.EXIT_POLICY, face.EXIT_ERROR


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

    plan_command.add_arguments(command("plan", plan_command.run))
    diff_command.add_arguments(command("diff", diff_command.run))

    face.add_format(command("check", sarif.run), ["text", "sarif"])

    bundle.add_arguments(command("bundle", bundle.run_bundle), out="a new directory to write to")

    residency.add_arguments(command("residency", residency.run))

    bundle.add_arguments(command("build", bundle.run_build), out="a new directory to build in")

    command("preflight", preflight.run).add_argument("stack", help=STACK_HELP)

    ci_roles.add_arguments(command("ci-roles", ci_roles.run))
    adopt.add_arguments(command("adopt", adopt.run))

    schema = command("schema", schema_command.run)
    schema.add_argument("--check", action="store_true", help="compare only; exit 1 if it differs")

    cost.add_arguments(command("cost", cost.run))

    prices_command.add_arguments(command("prices", prices_command.run))
    return parser
