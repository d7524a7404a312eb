"""Writing the ops app's bundle to disk, for `crms-infra bundle` and `make build`.

The bundle's content is the program's (`stacks.bundle.bundle_files`, whose digest the
program checks); only the tooling writes it out.
"""

import shutil
from pathlib import Path

from stacks.bundle import REPO, bundle_files, digest
from stacks.settings import StackSettings

MARKER = ".vercel/crms-bundle"
"""Marks a directory this module wrote, so a rewrite never deletes anything else."""


def write_bundle(settings: StackSettings, out: Path, repo: Path = REPO) -> dict[str, bytes]:
    """Write the bundle to `out`, replacing an earlier bundle there (and nothing else)."""
    if out.exists():
        if any(out.iterdir()) and not (out / MARKER).exists():
            raise FileExistsError(f"{out} is not empty and holds no bundle: refusing to replace it")
        shutil.rmtree(out)
    files = bundle_files(settings, repo)
    for relative, content in files.items():
        target = out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    (out / MARKER).write_text(digest(files) + "\n")
    return files
