"""A `.vercel/output` tree as the Vercel provider reads it, for the offline plan and the checks.

The provider's prebuilt-project data source (vercel/terraform-provider-vercel,
vercel/data_source_prebuilt_project.go, Read and processVCConfigFile) walks the output
without following symlinks and gives each file as "size~sha1" by its path: a regular file
by its content, a symlink by its target's path; then each key of a function's
`.vc-config.json` filePathMap, read relative to the project directory, where a missing key
fails the read. Those entries are the Deployment's `files`.

Hashing every file of the prod build (30 MiB) took a plan 40 to 70 ms with the files in
the page cache, and reads them all from disk when they are not. So `make build` records
each file's digest with its size and modification time (DIGEST_CACHE), and a plan hashes
only a file whose size or mtime differs from the record, or that has none (reading the
prod build then took 11 to 16 ms). `benchmarks/build.py` measures a plan with the build
against one without.
"""

import hashlib
import json
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

DIGEST_CACHE = ".vercel/crms-output-digests.json"
"""Next to the output, not in it: the provider never reads or uploads it."""


@dataclass(frozen=True)
class OutputFile:
    path: str
    """As the provider names it: the project directory as given, joined with the file's path."""
    size: int
    """Bytes of content, or of the target's path for a symlink (what the provider hashes)."""
    mtime_ns: int
    function: str | None
    """The function it belongs to (`api/index` for functions/api/index.func/...), if any."""


def output_files(project: Path) -> list[OutputFile]:
    """Every entry of the Deployment's `files`, by the provider's rules. Strings and scandir
    rather than pathlib: a plan reads a thousand files, and pathlib would cost it 50 ms."""
    output = os.path.join(project, ".vercel", "output")
    if not os.path.isdir(output):
        return []
    found: dict[str, OutputFile] = {}
    for entry in _walk(output):
        function = _function_of(entry.path[len(output) + 1 :])
        found[entry.path] = _entry(entry.path, entry.stat(follow_symlinks=False), function)
        if entry.name == ".vc-config.json":
            for listed in _file_path_map(project, entry.path):
                if listed not in found:
                    found[listed] = _entry(listed, os.lstat(listed), function)
    return [found[path] for path in sorted(found)]


def provider_files(project: Path, listed: list[OutputFile] | None = None) -> dict[str, str]:
    """The Deployment's `files`: "size~sha1" by path, from DIGEST_CACHE where still valid
    (`listed`: output_files(project), when the caller has it already)."""
    cache = _read_cache(project)
    skip = len(str(project)) + 1
    files = {}
    for entry in output_files(project) if listed is None else listed:
        recorded = cache.get(entry.path[skip:])
        if recorded is not None and recorded[:2] == [entry.size, entry.mtime_ns]:
            files[entry.path] = str(recorded[2])
        else:
            files[entry.path] = _size_and_sha1(entry.path)
    return files


def write_digest_cache(project: Path) -> None:
    """Record every file's digest with its size and mtime, for the plans to come."""
    skip = len(str(project)) + 1
    record = {
        entry.path[skip:]: [entry.size, entry.mtime_ns, _size_and_sha1(entry.path)]
        for entry in output_files(project)
    }
    (project / DIGEST_CACHE).write_text(json.dumps(record, sort_keys=True) + "\n")


def _walk(directory: str) -> Iterator[os.DirEntry[str]]:
    with os.scandir(directory) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                yield from _walk(entry.path)
            else:
                yield entry


def _function_of(relative: str) -> str | None:
    parts = relative.split("/")
    if parts[0] != "functions":
        return None
    for index, part in enumerate(parts[1:-1], start=1):
        if part.endswith(".func"):
            return "/".join((*parts[1:index], part.removesuffix(".func")))
    return None


def _entry(path: str, status: os.stat_result, function: str | None) -> OutputFile:
    symlink = stat.S_ISLNK(status.st_mode)
    size = len(os.readlink(path)) if symlink else status.st_size
    return OutputFile(path, size, status.st_mtime_ns, function)


def _file_path_map(project: Path, config_file: str) -> list[str]:
    """The files a function's filePathMap lists, each *key* read relative to the project."""
    listed = []
    with open(config_file, "rb") as config:
        keys = json.load(config).get("filePathMap") or {}
    for key in keys:
        path = os.path.join(project, key)
        if not os.path.lexists(path):
            raise FileNotFoundError(
                f"Error reading prebuilt output: could not stat file {key} referenced in "
                f"filePathMap of {config_file} (the Vercel provider reads its keys from the "
                "project directory)"
            )
        if os.path.islink(path) or not os.path.isdir(path):
            listed.append(path)
    return listed


def _size_and_sha1(path: str) -> str:
    if os.path.islink(path):
        content = os.readlink(path).encode()
    else:
        with open(path, "rb") as file:
            content = file.read()
    return f"{len(content)}~{hashlib.sha1(content, usedforsecurity=False).hexdigest()}"


def _read_cache(project: Path) -> dict[str, list[int | str]]:
    try:
        cache = json.loads((project / DIGEST_CACHE).read_text())
    except (OSError, ValueError):
        return {}
    return cache if isinstance(cache, dict) else {}
