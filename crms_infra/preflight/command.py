"""`crms-infra preflight STACK`: what `pulumi preview` or `pulumi up` of the stack would
refuse, as a report; exit 1 if anything."""

import argparse
import sys

from crms_infra import cli_inputs
from crms_infra.cli_face import EXIT_OK, EXIT_POLICY
from crms_infra.preflight.run import preflight


def run(args: argparse.Namespace) -> int:
    outcome = preflight(cli_inputs.project_dir(args), args.stack)
    sys.stdout.write(outcome.report(args.stack))
    return EXIT_POLICY if outcome.findings else EXIT_OK
