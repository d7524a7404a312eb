"""The runner's `--baseline` options: what they are, what they refuse, what they print."""

import argparse
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from app.operators.baseline_scratch import same_database
from app.operators.catalog_diff import reviewable
from app.operators.database_url import require_database_url
from app.operators.migration_set import Migration
from stacks.escape import printable

if TYPE_CHECKING:
    from app.operators.baseline import Outcome
    from app.operators.migration_session import Timeouts


def add_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("taking over a database built without the runner")
    group.add_argument("--baseline", action="store_true", help="compare, record when equal")
    group.add_argument("--scratch-url", help="an empty database for the migrations")
    choice = group.add_mutually_exclusive_group()
    choice.add_argument("--reconcile-out", type=Path, metavar="FILE", help="write the SQL")
    choice.add_argument("--reconcile", type=Path, metavar="FILE", help="apply reviewed SQL")


def check_options(args: argparse.Namespace) -> None:
    used = [f"--{name.replace('_', '-')}" for name in ("scratch_url", "reconcile_out",
            "reconcile") if getattr(args, name) is not None]  # fmt: skip
    if not args.baseline and used:
        raise ValueError(f"{used[0]} goes with --baseline")
    if args.baseline and args.dry_run:
        raise ValueError("--baseline changes nothing until the schemas are equal: no --dry-run")
    if args.scratch_url is not None:
        require_database_url(args.scratch_url)
        if same_database(args.scratch_url, args.database_url):
            raise ValueError(
                "--scratch-url names the live database: the migrations would run on it"
            )
    if args.reconcile_out is not None and os.path.lexists(args.reconcile_out):
        shown = printable(str(args.reconcile_out))
        raise ValueError(f"--reconcile-out {shown}: already there; name a new file")


def write_new_file(path: Path, text: str) -> None:
    """Written whole or not at all, and never over a file already there (a reviewed one)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    descriptor = os.open(path, flags, 0o644)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(text)
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def run(args: argparse.Namespace, migrations: Sequence[Migration], timeouts: "Timeouts") -> int:
    """`--baseline`: 0 recorded, 1 different (or failed)."""
    # Imported here: the baseline builds on the runner, whose command line this is part of.
    from app.operators.baseline import apply_reconciliation, baseline

    database_url, scratch_url = args.database_url, args.scratch_url
    reconcile_file, reconcile_out = args.reconcile, args.reconcile_out
    if reconcile_file is not None:
        outcome = apply_reconciliation(
            database_url, migrations, reconcile_file, scratch_url=scratch_url, timeouts=timeouts
        )
        if outcome.differences:
            lines = list(reviewable(outcome.differences))
            print(f"{printable(reconcile_file.name)} was rolled back: after it, "
                  f"{len(lines)} differences remain:")  # fmt: skip
            print("\n".join(f"  {line}" for line in lines))
            return 1
    else:
        outcome = baseline(database_url, migrations, scratch_url=scratch_url, timeouts=timeouts)
        if outcome.differences:
            _report_differences(outcome, migrations, reconcile_out)
            return 1
    names = ", ".join(migration.name for migration in migrations)
    print(f"the live schema equals what the migrations make (catalog sha256 "
          f"{outcome.digest[:16]}): recorded {names} as applied")  # fmt: skip
    return 0


def _report_differences(
    outcome: "Outcome", migrations: Sequence[Migration], reconcile_out: Path | None
) -> None:
    lines = list(reviewable(outcome.differences))
    print(f"{len(lines)} differences between the live schema and what the migrations make:")
    print("\n".join(f"  {line}" for line in lines))
    assert outcome.reconciliation is not None
    reconciliation = outcome.reconciliation
    for item in reconciliation.left_to_a_person:
        print(f"  left to a person: {item}")
    if reconcile_out is None:
        print("nothing changed; pass --reconcile-out FILE for the SQL that reconciles them")
        return
    header = "\n".join([
        "Brings the live schema to what the migrations make: "
        + ", ".join(migration.name for migration in migrations),
        f"(catalog sha256 {outcome.digest}).",
        "Written by `python -m app.operators.migrate --baseline`. Review it, then apply it with",
        "`--baseline --reconcile FILE`: one transaction, compared again, the migrations",
        "recorded as applied only when nothing differs; otherwise rolled back.",
        "",
        "The differences found:",
        *(f"  {line}" for line in lines),
    ])  # fmt: skip
    script = reconciliation.script(header)
    write_new_file(reconcile_out, script)
    print(f"nothing changed; wrote {printable(str(reconcile_out))}: "
          f"{len(reconciliation.statements)} statements, {script.count(chr(10))} lines; "
          "review it, then run the same command with --reconcile FILE")  # fmt: skip
