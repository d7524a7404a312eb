"""The AWS roles CI assumes through GitHub's OIDC tokens, as IAM documents.

- `crms-ci-preview`: read-only, for `pulumi preview` on pull requests and the daily drift
  check (`pulumi refresh --preview-only`) on the default branch;
- `crms-ci-deploy-<stack>`: what `pulumi up` of that stack needs, for the `up` job in the
  stack's GitHub environment only (the environment's reviewers guard it).
Each trust pins the token's audience and subject with StringEquals, as the stack's own
Vercel role does (components/identity.py, `trust_policy`).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from crms_infra.ci_roles.access import BY_TYPE, Access
from stacks import naming
from stacks.settings import StackSettings

GITHUB_ISSUER = "token.actions.githubusercontent.com"
"""GitHub's OIDC issuer (docs.github.com/en/actions/reference/security/oidc)."""
GITHUB_AUDIENCE = "sts.amazonaws.com"
"""The audience aws-actions/configure-aws-credentials asks GitHub for (its `audience`
input's default), and the client ID the provider is registered with."""
PREVIEW_ROLE = "crms-ci-preview"
DEFAULT_BRANCH = "main"
"""deploy.yml deploys from it, and scheduled workflows (drift) run on it."""


def deploy_role(stack: str) -> str:
    return f"crms-ci-deploy-{stack}"


@dataclass(frozen=True)
class CiRole:
    name: str
    description: str
    trust: dict[str, Any]
    permissions: dict[str, Any]
    tags: dict[str, str]


def ci_roles(repository: str, account_id: str, stacks: Mapping[str, StackSettings]) -> list[CiRole]:
    """The preview role and one deploy role per stack, for `repository` (`owner/name`)."""
    # GitHub's subject claims (docs.github.com/en/actions/reference/security/oidc, "Example
    # subject claims"): a job in an environment, a pull request's job, a branch's job.
    regions = sorted({region for settings in stacks.values() for region in _regions(settings)})
    any_stack = next(iter(stacks.values()))
    roles = [
        CiRole(
            name=PREVIEW_ROLE,
            description="CI: pulumi preview and drift checks, read-only",
            trust=_trust(
                account_id,
                [
                    f"repo:{repository}:pull_request",
                    f"repo:{repository}:ref:refs/heads/{DEFAULT_BRANCH}",
                ],
            ),
            permissions=_permissions(account_id, regions, any_stack, writes=False),
            tags={**naming.tags(any_stack), "environment": "ci"},
        )
    ]
    for stack, settings in sorted(stacks.items()):
        roles.append(
            CiRole(
                name=deploy_role(stack),
                description=f"CI: pulumi up of the {stack} stack",
                trust=_trust(account_id, [f"repo:{repository}:environment:{stack}"]),
                permissions=_permissions(account_id, _regions(settings), settings, writes=True),
                tags=naming.tags(settings),
            )
        )
    return roles


def github_provider_arn(account_id: str) -> str:
    return f"arn:aws:iam::{account_id}:oidc-provider/{GITHUB_ISSUER}"


def _regions(settings: StackSettings) -> list[str]:
    """Where the stack's AWS resources live: the buckets, keys, alarms and topics in the
    storage region; replicas in the replication region, which a setting switches on."""
    return sorted({settings.storage.region, settings.storage.replication_region})


def _trust(account_id: str, subjects: Iterable[str]) -> dict[str, Any]:
    # Imported here: the CLI imports this module before the engine runs a program, which must
    # then import `components` from its own project directory (as in stacks/bundle.py).
    from components.identity import trust_policy

    provider = github_provider_arn(account_id)
    statements = [
        statement
        for subject in subjects
        for statement in trust_policy(provider, GITHUB_ISSUER, GITHUB_AUDIENCE, subject)[
            "Statement"
        ]  # type: ignore[attr-defined]
    ]
    return {"Version": "2012-10-17", "Statement": statements}


def _permissions(
    account_id: str, regions: list[str], settings: StackSettings, *, writes: bool
) -> dict[str, Any]:
    accesses: list[Access] = []
    for needed in BY_TYPE.values():
        accesses.extend(access for access in needed if access not in accesses)
    project = naming.tags(settings)["project"]
    statements = []
    for access in accesses:
        actions = sorted(access.reads + (access.writes if writes else ()))
        if not actions:
            continue
        arns = sorted(
            {
                arn.format(account=account_id, region=region)
                for arn in access.arns
                for region in regions
            }
        )
        statement: dict[str, Any] = {
            "Sid": access.sid,
            "Effect": "Allow",
            "Action": actions,
            "Resource": arns,
        }
        if access.condition is not None:
            key, _, value = access.condition.format(project=project).partition("=")
            statement["Condition"] = {"StringEquals": {key: value}}
        statements.append(statement)
    return {"Version": "2012-10-17", "Statement": statements}
