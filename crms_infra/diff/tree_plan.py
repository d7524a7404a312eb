"""Plan a stack of another checkout (a pull request's base branch) in a process of its own.

Planning another checkout inside this process would be wrong: this process has
already imported this checkout's `stacks` (settings, loader, wiring, naming), so
the other checkout's `__main__.py` would run with this checkout's settings and
wiring and only its own components. A pull request that changes only settings or
wiring would then diff as no change. So each side is planned by its own code, in
a new interpreter that sees only that checkout:

- working directory and PYTHONPATH: the checkout and its pricing package's source
  (IMPORT_ROOTS), so its packages come first on sys.path;
- the interpreter: this virtualenv when both checkouts pin the same packages (its
  editable install of this checkout is a `.pth` path entry, which `site` appends
  after PYTHONPATH, so it cannot shadow the other checkout); otherwise the other
  checkout's own `.venv`, made by its own `make setup`;
- the command: the other checkout's own `crms-infra` entry point (`tree_entry`).

The child reports the file of every module it loaded from outside the interpreter's
own library (the project's code, wherever it was found); one from outside the
checkout is an error here, never a silently wrong plan.

    python -m crms_infra.diff.tree_plan ../base prod > base-prod.json
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

HOME = Path(__file__).resolve().parents[2]
"""The checkout this module belongs to (and whose virtualenv runs it)."""
IMPORT_ROOTS = (".", "policies/pricing/src")
"""Where a checkout's own modules import from: itself, and the pricing package that `make setup`
and the pack's requirements install editable from it (an older checkout has no such folder;
a path that does not exist is skipped by the interpreter)."""
PIN_FILES = ("requirements.txt", "requirements-dev.txt")
"""What `make setup` installs into .venv, besides the checkout itself."""
ENTRY_SOURCE = (Path(__file__).resolve().parent / "tree_entry.py").read_text()
TIMEOUT_SECONDS = 600
EXIT_ERROR = 2


class TreePlanError(Exception):
    """The checkout cannot be planned on its own (no interpreter for it, or mixed imports)."""


@dataclass(frozen=True)
class TreeRun:
    """One `crms-infra` command run by another checkout's own code."""

    exit_code: int
    stdout: str
    stderr: str
    interpreter: Path
    modules: dict[str, Path]
    """Each module the run loaded from outside the interpreter's library, and its file."""


def same_pins(tree: Path, other: Path) -> bool:
    """Whether the two checkouts install the same packages (byte-equal pin files)."""
    for name in PIN_FILES:
        mine, theirs = tree / name, other / name
        if not (mine.is_file() and theirs.is_file()):
            return False
        if mine.read_bytes() != theirs.read_bytes():
            return False
    return True


def interpreter_for(tree: Path, home: Path = HOME) -> Path:
    """The Python that may run `tree`'s code: ours when the pins agree, else its own."""
    if same_pins(tree, home):
        return Path(sys.executable)
    own = tree / ".venv" / "bin" / "python"
    if own.is_file():
        return own
    raise TreePlanError(
        f"{tree} pins other packages than this checkout ({', '.join(PIN_FILES)}) and has "
        f"no .venv of its own: run `make -C {tree} setup` first"
    )


def set_up(tree: Path) -> Path:
    """`tree`'s interpreter, after its own `make setup` where it needs a virtualenv.

    The setup's output goes to stderr: stdout carries the plan. `make` reads PYTHON
    from the environment, as CI sets it.
    """
    try:
        return interpreter_for(tree)
    except TreePlanError:
        subprocess.run(  # noqa: S603 (the checkout's own Makefile, as a user would run it)
            ["make", "-C", str(tree), "setup"],  # noqa: S607 (make from PATH, as docs/deploy.md says)
            stdout=sys.stderr,
            check=True,
            timeout=TIMEOUT_SECONDS,
        )
        return interpreter_for(tree)


def run_in_tree(tree: Path, arguments: Sequence[str], interpreter: Path | None = None) -> TreeRun:
    """`crms-infra ARGUMENTS` as `tree`'s own code runs it, in a new process."""
    tree = tree.resolve()
    if not (tree / "pyproject.toml").is_file():
        raise TreePlanError(f"{tree} is not a checkout of this project (no pyproject.toml)")
    python = interpreter or interpreter_for(tree)
    roots = [str((tree / root).resolve()) for root in IMPORT_ROOTS]
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(roots)}
    environment.pop("PYTHONSAFEPATH", None)  # it would drop the working directory from sys.path
    with tempfile.TemporaryDirectory() as scratch:
        origins_file = Path(scratch) / "modules.json"
        result = subprocess.run(  # noqa: S603 (our own entry code, the checkout's own CLI)
            [str(python), "-c", ENTRY_SOURCE, str(tree), str(origins_file), *arguments],
            cwd=tree,
            env=environment,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
        origins = json.loads(origins_file.read_text()) if origins_file.is_file() else {}
    modules = {name: Path(file) for name, file in origins.items()}
    strays = sorted(name for name, file in modules.items() if not file.is_relative_to(tree))
    if strays:
        raise TreePlanError(
            f"planning {tree} imported modules from outside it: "
            + ", ".join(f"{name} ({modules[name]})" for name in strays[:5])
        )
    return TreeRun(result.returncode, result.stdout, result.stderr, python, modules)


def plan_in_tree(
    tree: Path, stack: str, output_format: str = "json", interpreter: Path | None = None
) -> TreeRun:
    """`crms-infra plan STACK` of `tree`, by `tree`'s own code."""
    arguments = ["plan", stack, "--format", output_format, "--project-dir", str(tree.resolve())]
    return run_in_tree(tree, arguments, interpreter)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m crms_infra.diff.tree_plan",
        description="Plan a stack of another checkout with that checkout's own code.",
    )
    parser.add_argument("tree", type=Path, help="the other checkout (e.g. ../base)")
    parser.add_argument("stack", help="dev, staging or prod")
    parser.add_argument("--format", choices=["text", "json", "markdown"], default="json")
    parser.add_argument(
        "--setup", action="store_true", help="run the tree's `make setup` if it needs its own .venv"
    )
    args = parser.parse_args(argv)
    try:
        interpreter = set_up(args.tree.resolve()) if args.setup else None
        run = plan_in_tree(args.tree, args.stack, args.format, interpreter)
    except (TreePlanError, OSError, subprocess.SubprocessError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_ERROR
    sys.stdout.write(run.stdout)
    sys.stderr.write(run.stderr)
    return run.exit_code


if __name__ == "__main__":
    raise SystemExit(main())
