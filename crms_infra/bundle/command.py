"""`crms-infra bundle STACK --out DIR` (the ops app's sources as the program bundles them)
and `crms-infra build STACK --out DIR` (that bundle built by Vercel's CLI, `make build`)."""

import argparse
from pathlib import Path

from crms_infra import cli_face as face
from crms_infra import cli_inputs
from crms_infra.bundle.writer import write_bundle
from crms_infra.cli_inputs import STACK_HELP, UsageError
from crms_infra.offline.project import load_stack_settings
from stacks.bundle import digest


def add_arguments(command: argparse.ArgumentParser, *, out: str) -> None:
    command.add_argument("stack", help=STACK_HELP)
    command.add_argument("--out", type=Path, required=True, help=out)


def run_bundle(args: argparse.Namespace) -> int:
    settings = load_stack_settings(cli_inputs.project_dir(args), args.stack)
    try:
        files = write_bundle(settings, args.out.resolve())
    except FileExistsError as error:
        raise UsageError(str(error)) from None
    print(f"wrote {len(files)} files to {args.out} (sha256 {digest(files)[:16]})")
    return face.EXIT_OK


def run_build(args: argparse.Namespace) -> int:
    # Imported when it runs: the build's module reads Vercel's CLI pins, which no other
    # command needs.
    from crms_infra.bundle.vercel_build import BuildError, build

    settings = load_stack_settings(cli_inputs.project_dir(args), args.stack)
    try:
        source_digest = build(settings, args.out.resolve())
    except (BuildError, FileExistsError) as error:
        raise UsageError(str(error)) from None
    print(f"built {args.out} for production (sources sha256 {source_digest[:16]})")
    return face.EXIT_OK
