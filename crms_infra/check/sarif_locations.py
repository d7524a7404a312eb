"""Where in the repository a policy finding comes from, for code-scanning annotations.

A rule a stack setting decides points at that setting's line: in `Pulumi.<stack>.yaml`, or
in Pulumi.yaml's config schema where the stack leaves it to the default. A rule the program
decides points at the component that made the resource (its `crms:index:<Name>` type token
in components/). Anything else points at the stack file's first line.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from crms_infra.plan_model import Violation
from crms_infra.stack_file.reader import load_yaml_file

REDIS = "upstash:index/redisDatabase:RedisDatabase"
VERCEL_PROJECT = "vercel:index/project:Project"
RULE_SETTINGS: dict[str, tuple[str, ...] | dict[str, tuple[str, ...]]] = {
    "alarms-seed-rules": (
        "alertsHighErrorRateEnabled",
        "alertsSlowContractCreationEnabled",
        "alertsLowDiskSpaceEnabled",
        "alertsPaymentFailuresEnabled",
    ),
    "previews-protected": ("previewsProtection",),
    "previews-without-production-secrets": ("previewsDataPlaneStack",),
    "processors-sentry-replays-eu": ("sentryReplaysOnErrorSampleRate", "sentryRegion"),
    "protect-stateful": ("protectStatefulResources",),
    "residency-buckets-zurich": ("storageReplicationRegion", "storageRegion"),
    "residency-database-zurich": ("databaseRegion",),
    "residency-service-regions": {
        REDIS: ("cachePrimaryRegion",),
        VERCEL_PROJECT: ("computeFunctionRegions",),
    },
    "s3-backups-object-lock": ("storageBackupsObjectLock", "storageBackupsObjectLockDays"),
    "s3-log-retention": ("storageAccessLogRetentionDays",),
    "tags-required": ("dataClassification",),
}
"""The stack settings (crms: keys) that decide each rule's verdict; the other rules are
decided by the program's code."""


@dataclass(frozen=True)
class Place:
    path: str
    """Relative to the project directory, with forward slashes."""
    line: int


class Locator:
    """Finds each finding's place; reads each file once (a log may hold many findings)."""

    def __init__(self, project_dir: Path) -> None:
        self.project_dir = project_dir
        self._keys: dict[Path, dict[str, int]] = {}
        self._components: dict[str, Place] | None = None

    def locate(self, stack: str, violation: Violation, type_: str | None) -> Place:
        stack_file = f"Pulumi.{stack}.yaml"
        settings = RULE_SETTINGS.get(violation["policy"], ())
        keys = settings.get(type_ or "", ()) if isinstance(settings, dict) else settings
        for key in keys:
            if (line := self._key_lines(self.project_dir / stack_file).get(key)) is not None:
                return Place(stack_file, line)
        for key in keys:
            if (line := self._key_lines(self.project_dir / "Pulumi.yaml").get(key)) is not None:
                return Place("Pulumi.yaml", line)
        if self._components is None:
            self._components = _component_lines(self.project_dir)
        component = _component(violation.get("urn") or "")
        return self._components.get(component) or Place(stack_file, 1)

    def _key_lines(self, path: Path) -> dict[str, int]:
        if path not in self._keys:
            self._keys[path] = _key_lines(path, path.name != "Pulumi.yaml")
        return self._keys[path]


def _component(urn: str) -> str:
    """The innermost component type of a URN's type chain: the one that made the resource."""
    chain = urn.split("::")[2].split("$") if urn.count("::") >= 3 else []
    components = [part for part in chain if part.startswith("crms:index:")]
    return components[-1] if components else ""


def _key_lines(path: Path, namespaced: bool) -> dict[str, int]:
    """Each key of the file's `config:` block and its line (1-based), `crms:` dropped."""
    if not path.is_file():
        return {}
    load_yaml_file(path)  # refuses what Pulumi would, before a line is trusted
    config: Any = YAML(typ="rt", pure=True).load(path.read_text()).get("config") or {}
    lines = {}
    for key in config:
        name = str(key).removeprefix("crms:") if namespaced else str(key)
        if namespaced and not str(key).startswith("crms:"):
            continue
        lines[name] = config.lc.key(key)[0] + 1
    return lines


def _component_lines(project_dir: Path) -> dict[str, Place]:
    """Each `crms:index:<Name>` type token in components/, where its class registers it."""
    found: dict[str, Place] = {}
    for path in sorted((project_dir / "components").rglob("*.py")):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            start = line.find('"crms:index:')
            if start >= 0:
                token = line[start + 1 : line.index('"', start + 1)]
                relative = path.relative_to(project_dir).as_posix()
                found.setdefault(token, Place(relative, number))
    return found
