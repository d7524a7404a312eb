"""The `crms-infra` of one checkout, run inside a process that imports only that checkout.

`crms_infra.diff.tree_plan` hands the text of this file to `python -c`, with the checkout as
the working directory and first on PYTHONPATH (with its pricing package). It runs its own
`crms-infra` entry point (read from the checkout's pyproject.toml, so it follows the
CLI wherever that checkout keeps it), then writes the file of every module it loaded
from outside the interpreter's own library, so the parent can prove that all of
them came from the checkout.

Standard library only: importing anything of this project here would import it
from whichever checkout happens to be first on sys.path before the check is made.

Usage (by `crms_infra.diff.tree_plan` only): python -c "$SOURCE" TREE ORIGINS_JSON ARG...
"""

import importlib
import json
import os
import sys
import tomllib
from pathlib import Path
from types import ModuleType

COMMAND = "crms-infra"


def entry_point(tree: Path) -> str:
    """`module:function` of the checkout's `crms-infra` script."""
    project = tomllib.loads((tree / "pyproject.toml").read_text())
    target: str = project["project"]["scripts"][COMMAND]
    return target


def module_origins(modules: dict[str, ModuleType]) -> dict[str, str]:
    """The file of every loaded module that is not the interpreter's own (standard
    library or installed package): the project's code, wherever it was found."""
    prefixes = {Path(prefix).resolve() for prefix in (sys.prefix, sys.base_prefix)}
    origins = {}
    for name, module in list(modules.items()):
        file = getattr(module, "__file__", None)
        if not file:
            continue
        path = Path(file).resolve()
        if not any(path.is_relative_to(prefix) for prefix in prefixes):
            origins[name] = str(path)
    return origins


def _exit_as_return(code: int) -> None:
    raise SystemExit(code)


def main(argv: list[str]) -> int:
    tree, origins_file, *arguments = argv
    tree_path = Path(tree).resolve()
    module_name, _, function = entry_point(tree_path).partition(":")
    sys.argv = [COMMAND, *arguments]  # as the console script would see them
    # A checkout's entry point may end its process with os._exit once its output is flushed
    # (crms_infra/__main__.py); here the origins are still to be written, so it ends the call.
    os._exit = _exit_as_return  # type: ignore[assignment]
    try:
        run = getattr(importlib.import_module(module_name), function)
        code = run()
    except SystemExit as exit_request:
        code = exit_request.code
    finally:
        origins = module_origins(dict(sys.modules))
        Path(origins_file).write_text(json.dumps(origins, indent=1, sort_keys=True))
    return code if isinstance(code, int) else (0 if code is None else 1)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
