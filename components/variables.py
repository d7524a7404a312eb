"""A Vercel project's environment variables, each with the targets it reaches.

A variable is one `vercel.ProjectEnvironmentVariable` per value: a key whose production and
preview values differ is two resources of that key, one per set of targets, and Vercel
refuses two variables of one key whose targets overlap (ENV_CONFLICT,
vercel/terraform-provider-vercel client/environment_variable.go). So a key's resources are
made one after the other, the first (the one that reaches production, which keeps the name
the key always had) before the others: on a project whose live variable still reaches
production and preview, the `up` first narrows it to production, then creates the preview's.

A value is any `pulumi.Input[str]`: a plain setting, a secret from the stack's config, an
output of any resource (a database's key, a reference to another stack).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import pulumi
import pulumiverse_vercel as vercel


class Target(StrEnum):
    """Vercel's environments (the provider's `targets`: production, preview, development)."""

    PRODUCTION = "production"
    PREVIEW = "preview"
    DEVELOPMENT = "development"


PRODUCTION_ONLY = (Target.PRODUCTION,)
EVERY_TARGET = tuple(Target)


@dataclass(frozen=True)
class EnvVar:
    key: str
    value: pulumi.Input[str]
    sensitive: bool
    targets: tuple[Target, ...] = PRODUCTION_ONLY
    """Where the value reaches; production only unless said otherwise."""

    def __post_init__(self) -> None:
        if not self.targets or len(set(self.targets)) != len(self.targets):
            raise ValueError(f"{self.key}: name each target once, at least one")
        # "Environment variables targeting `development` must explicitly set
        # `sensitive = false`" (vercel/resource_project_environment_variable.go).
        if self.sensitive and Target.DEVELOPMENT in self.targets:
            raise ValueError(f"{self.key}: Vercel refuses a sensitive value in development")

    def resource_name(self, prefix: str) -> str:
        """`<prefix>-<key>` when it reaches production (the name every key had before it had
        per-target values), else `<prefix>-<targets>-<key>`."""
        slug = self.key.lower().replace("_", "-")
        if Target.PRODUCTION in self.targets:
            return f"{prefix}-{slug}"
        return f"{prefix}-{'-'.join(self.targets)}-{slug}"


def project_variables(
    prefix: str,
    project: vercel.Project,
    variables: Sequence[EnvVar],
    parent: pulumi.Resource,
) -> list[vercel.ProjectEnvironmentVariable]:
    """One resource per variable; those of one key in the order given, the production one
    first."""
    made: list[vercel.ProjectEnvironmentVariable] = []
    by_key: dict[str, list[vercel.ProjectEnvironmentVariable]] = {}
    reached: dict[str, set[Target]] = {}
    for variable in sorted(variables, key=lambda v: Target.PRODUCTION not in v.targets):
        overlap = reached.setdefault(variable.key, set()) & set(variable.targets)
        if overlap:
            raise ValueError(
                f"{variable.key}: two values for {', '.join(sorted(overlap))} (Vercel refuses "
                "two variables of one key and target)"
            )
        reached[variable.key] |= set(variable.targets)
        earlier = by_key.setdefault(variable.key, [])
        resource = vercel.ProjectEnvironmentVariable(
            variable.resource_name(prefix),
            project_id=project.id,
            key=variable.key,
            value=pulumi.Output.secret(variable.value) if variable.sensitive else variable.value,
            targets=[target.value for target in variable.targets],
            sensitive=variable.sensitive,
            # A replacement (a change of `sensitive` or `key`) must delete the old first, for
            # the same ENV_CONFLICT. Deployments keep the values they were built with; only a
            # build in between would miss the variable
            # (https://vercel.com/docs/environment-variables).
            opts=pulumi.ResourceOptions(
                parent=parent, delete_before_replace=True, depends_on=list(earlier)
            ),
        )
        earlier.append(resource)
        made.append(resource)
    return made


def plain_values(variables: Sequence[EnvVar], prefix: str) -> dict[str, pulumi.Input[str]]:
    """Each non-sensitive variable's value, by its resource's name."""
    return {v.resource_name(prefix): v.value for v in variables if not v.sensitive}
