"""`crms-infra adopt STACK --terraform-state FILE [--out FILE]`: its arguments and its run."""

import argparse
import sys
from pathlib import Path

from crms_infra.cli_face import EXIT_OK
from crms_infra.cli_inputs import STACK_HELP, UsageError, project_dir
from stacks.escape import safe_line


def add_arguments(adopt: argparse.ArgumentParser) -> None:
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


def run(args: argparse.Namespace) -> int:
    """Offline: reads the state, runs the program on mocks, writes nothing but `--out`."""
    # Imported here: the other commands do not pay for the takeover's modules.
    from crms_infra.adopt.adoption import adopt
    from crms_infra.adopt.changes import AdoptionRefused
    from crms_infra.adopt.import_file import ImportFileError, import_file, write_import_file
    from crms_infra.adopt.report import adoption_text
    from crms_infra.adopt.terraform_state import TerraformStateError

    directory = project_dir(args)
    try:
        adoption = adopt(directory, args.stack, args.terraform_state)
        if args.out is not None:
            write_import_file(args.out, import_file(adoption.adopted, adoption.program), directory)
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
