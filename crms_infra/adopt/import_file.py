"""The bulk import file `pulumi import --file` reads.

Its format is the CLI's `importFile` (pulumi/pulumi, pkg/cmd/pulumi/operations/import.go):
`resources`, each with `type`, `name`, `id` (none for a component, which sets
`component: true`), `parent` and `provider` by the name of another entry or of a
`nameTable` entry (name -> URN), `version` and `pluginDownloadUrl`. The CLI builds each
URN from the parent's type chain, the type and the name (parseImportFile there), so every
parent component of an imported resource is an entry too: the URNs then equal the
program's, and the first `pulumi up` finds the imported resources where it registers them.
The version and plugin URL are the ones the program's SDK registers with, so the import
uses the same provider plugin as the program.
"""

import json
import os
import secrets
from pathlib import Path
from typing import Any

from crms_infra.adopt.changes import Adopted, How
from crms_infra.adopt.program import ProgramResource, ProgramRun
from stacks.escape import printable


class ImportFileError(Exception):
    """The import file cannot be written where asked."""


def import_file(adopted: list[Adopted], program: ProgramRun) -> dict[str, Any]:
    imported = [item for item in adopted if item.how is How.IMPORT]
    order: list[ProgramResource] = []
    for item in imported:
        for resource in (*_ancestors(item.resource, program), item.resource):
            if resource not in order:
                order.append(resource)
    names = _unique_names(order)
    ids = {item.resource.urn: item.import_id for item in imported}
    name_table: dict[str, str] = {}
    entries = []
    for resource in order:
        entry: dict[str, Any] = {"type": resource.type, "name": names[resource.urn]}
        if resource.name != names[resource.urn]:
            entry["logicalName"] = resource.name
        if resource.custom:
            entry["id"] = ids[resource.urn]
        else:
            entry["component"] = True
        if resource.parent:
            entry["parent"] = names[resource.parent]
        if resource.provider:
            provider_name = "provider-" + resource.provider.rsplit("::", 1)[-1]
            name_table[provider_name] = resource.provider
            entry["provider"] = provider_name
        if resource.version:
            entry["version"] = resource.version
        if resource.plugin_download_url:
            entry["pluginDownloadUrl"] = resource.plugin_download_url
        entries.append(entry)
    document: dict[str, Any] = {"resources": entries}
    if name_table:
        document["nameTable"] = name_table
    return document


def write_import_file(path: Path, document: dict[str, Any], project_dir: Path) -> None:
    """Written readable by its owner only, never inside the repository (it may hold the live
    database password, the import id of the password), never over a file already there,
    and whole or not at all.

    The check is made by the write itself, so it holds for the file, not the path: the text
    goes to a new temporary file beside the target (O_CREAT|O_EXCL|O_NOFOLLOW), which is then
    hard-linked to the target's name. link(2) never replaces: it fails with EEXIST when that
    name exists (a file, a hard link to a tracked file, a symlink, even a dangling one), where
    rename(2) would replace it (https://man7.org/linux/man-pages/man2/link.2.html)."""
    shown = printable(str(path), 200)
    target = path.expanduser().absolute()
    if target.resolve().is_relative_to(project_dir.resolve()):
        raise ImportFileError(
            f"--out {shown}: write the import file outside the repository (e.g. "
            "~/crms-import.json): it holds the live database password"
        )
    try:
        data = (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    except UnicodeEncodeError:
        raise ImportFileError(
            f"--out {shown}: the import file cannot be written: a value is not Unicode text"
        ) from None
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(8)}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        descriptor = os.open(temporary, flags, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.link(temporary, target)
        finally:
            temporary.unlink(missing_ok=True)
    except FileExistsError:
        raise ImportFileError(
            f"--out {shown}: {printable(target.name)} is already there; name a new file "
            "(the import file is never written over another)"
        ) from None
    except OSError as error:
        raise ImportFileError(f"--out {shown}: cannot be written: {error.strerror}") from None


def _ancestors(resource: ProgramResource, program: ProgramRun) -> list[ProgramResource]:
    """The parent components, outermost first (the root stack is never an entry)."""
    chain = []
    parent = resource.parent
    while parent:
        component = program.resources[parent]
        chain.append(component)
        parent = component.parent
    return chain[::-1]


def _unique_names(resources: list[ProgramResource]) -> dict[str, str]:
    """An entry's `name` is how others refer to it, so it must be unique in the file; a
    logical name used twice (the same name, two types) gets a suffix and keeps its logical
    name in `logicalName`."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for resource in resources:
        name, counter = resource.name, 2
        while name in taken:
            name, counter = f"{resource.name}-{counter}", counter + 1
        taken.add(name)
        names[resource.urn] = name
    return names
