"""Work that every pytest-xdist worker reads and none changes, done once per test run.

`make test` runs the tests in several worker processes (pytest-xdist). A stack's offline
plan costs seconds, so each worker computing it for itself would spend that per worker;
here the first worker to ask computes it under a file lock and writes it to the run's own
directory, and the others read that file. The controller names the directory
(`start_run`, from tests/conftest.py) and removes it at the end of the run; workers inherit
its name through the environment. A run without workers computes in process, as before.
"""

import os
import pickle
import shutil
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from filelock import FileLock

T = TypeVar("T")

RUN_DIRECTORY = "CRMS_TEST_RUN_DIRECTORY"
"""The environment variable that names the run's shared directory (set by the controller)."""


def start_run() -> None:
    """The controller's part: a fresh directory for this run, named in the environment the
    workers are started with. A directory left in the environment by an outer run is not
    reused: each run computes its own."""
    directory = Path(tempfile.gettempdir()) / f"crms-tests-{uuid.uuid4().hex[:12]}"
    directory.mkdir()
    os.environ[RUN_DIRECTORY] = str(directory)


def end_run() -> None:
    directory = os.environ.pop(RUN_DIRECTORY, None)
    if directory is not None:
        shutil.rmtree(directory, ignore_errors=True)


def run_directory() -> Path | None:
    """The run's shared directory (None in a process pytest did not start)."""
    directory = os.environ.get(RUN_DIRECTORY)
    return None if directory is None else Path(directory)


def once_per_run(name: str, compute: Callable[[], T]) -> T:
    """`compute()`'s value, computed by the first worker that asks and read by the others.
    The value must pickle; `name` must say everything the value depends on."""
    directory = run_directory()
    if directory is None:
        return compute()
    path = directory / f"{name}.pickle"
    with FileLock(f"{path}.lock"):
        if path.exists():
            loaded: T = pickle.loads(path.read_bytes())  # noqa: S301 (this run's own file)
            return loaded
        value = compute()
        written = path.with_suffix(".partial")
        written.write_bytes(pickle.dumps(value))
        written.replace(path)
        return value
