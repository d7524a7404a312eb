"""A build's output as the Vercel provider reads it, and the digests the plan reuses."""

import hashlib
import json
import os
from pathlib import Path

import pytest

from crms_infra.bundle.build_output import materialize_functions
from crms_infra.bundle.output_tree import (
    DIGEST_CACHE,
    output_files,
    provider_files,
    write_digest_cache,
)
from crms_infra.offline import mocks


def sha1_of(content: bytes) -> str:
    return f"{len(content)}~{hashlib.sha1(content).hexdigest()}"  # noqa: S324


def output_with(project: Path, files: dict[str, bytes]) -> Path:
    output = project / ".vercel" / "output"
    for path, content in files.items():
        (output / path).parent.mkdir(parents=True, exist_ok=True)
        (output / path).write_bytes(content)
    return output


def test_each_file_by_content_and_each_symlink_by_its_target(tmp_path: Path) -> None:
    output = output_with(tmp_path, {"config.json": b"{}", "functions/api/index.func/a.py": b"A"})
    (output / "functions" / "api" / "index.func" / "link").symlink_to("a.py")
    read = provider_files(tmp_path)
    assert read == {
        (output / "config.json").as_posix(): sha1_of(b"{}"),
        (output / "functions/api/index.func/a.py").as_posix(): sha1_of(b"A"),
        # The provider hashes a symlink's target path, as Vercel does (Readlink, then sha1).
        (output / "functions/api/index.func/link").as_posix(): sha1_of(b"a.py"),
    }
    functions = {Path(file.path).name: file.function for file in output_files(tmp_path)}
    assert functions == {"config.json": None, "a.py": "api/index", "link": "api/index"}


def test_the_plan_reuses_a_recorded_digest_while_size_and_mtime_match(tmp_path: Path) -> None:
    output = output_with(tmp_path, {"config.json": b"{}", "builds.json": b"[]"})
    write_digest_cache(tmp_path)
    cache = json.loads((tmp_path / DIGEST_CACHE).read_text())
    # A recorded digest that is not the content's: used, so the file was not read.
    cache[".vercel/output/config.json"][2] = "2~recorded"
    (tmp_path / DIGEST_CACHE).write_text(json.dumps(cache))
    assert provider_files(tmp_path)[(output / "config.json").as_posix()] == "2~recorded"
    # A changed file is hashed again: the same size, a new mtime.
    (output / "config.json").write_bytes(b"[]")
    os.utime(output / "config.json", ns=(1, 1))
    assert provider_files(tmp_path)[(output / "config.json").as_posix()] == sha1_of(b"[]")
    # A cache that cannot be read is no cache.
    (tmp_path / DIGEST_CACHE).write_text("not json")
    assert provider_files(tmp_path)[(output / "builds.json").as_posix()] == sha1_of(b"[]")


def test_the_cli_s_file_path_map_would_fail_the_provider_and_is_materialized(
    tmp_path: Path,
) -> None:
    function_dir = tmp_path / ".vercel" / "output" / "functions" / "api" / "index.func"
    function_dir.mkdir(parents=True)
    source = tmp_path / ".vercel" / "python" / "_vendor" / "mod.py"
    source.parent.mkdir(parents=True)
    source.write_text("VALUE = 1\n")
    config = {
        "runtime": "python3.12",
        "filePathMap": {"_vendor/mod.py": ".vercel/python/_vendor/mod.py"},
    }
    (function_dir / ".vc-config.json").write_text(json.dumps(config))
    # As the CLI writes it, the provider's data source cannot read it.
    with pytest.raises(FileNotFoundError, match=r"could not stat file _vendor/mod\.py"):
        mocks.prebuilt_project(str(tmp_path))
    materialize_functions(tmp_path)
    assert "filePathMap" not in json.loads((function_dir / ".vc-config.json").read_text())
    assert (function_dir / "_vendor" / "mod.py").read_text() == "VALUE = 1\n"
    read = mocks.prebuilt_project(str(tmp_path))["output"]
    assert (function_dir / "_vendor" / "mod.py").as_posix() in read


def test_a_listed_file_that_exists_counts_as_the_provider_counts_it(tmp_path: Path) -> None:
    output = output_with(tmp_path, {"functions/api/index.func/.vc-config.json": b""})
    (tmp_path / "_vendor").mkdir()
    (tmp_path / "_vendor" / "mod.py").write_text("VALUE = 1\n")
    config = {"filePathMap": {"_vendor/mod.py": "ignored: the provider reads the key"}}
    (output / "functions/api/index.func/.vc-config.json").write_text(json.dumps(config))
    listed = [f for f in output_files(tmp_path) if f.path == f"{tmp_path}/_vendor/mod.py"]
    assert [(f.size, f.function) for f in listed] == [(10, "api/index")]


def test_nothing_built_reads_as_no_files(tmp_path: Path) -> None:
    assert provider_files(tmp_path) == {}
    assert mocks.prebuilt_project(str(tmp_path))["output"] == {}
