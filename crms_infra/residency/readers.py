"""Who can read a data store, from the plan's IAM policies, trusts and wired credentials."""

from collections.abc import Iterator

from crms_infra.plan_model import JsonObject
from crms_infra.residency.classify import VERCEL_PROJECT
from crms_infra.residency.links import PlanIndex, Resource, as_list, policy_statements

ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
ENV_VARIABLE = "vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable"
READ_ACTIONS = ("s3:GetObject", "s3:ListBucket", "s3:*", "*")
"""Action prefixes that read a bucket's objects or list them."""


def bucket_readers(index: PlanIndex, bucket: Resource) -> list[str]:
    readers = set()
    for role_policy in index.of_type(ROLE_POLICY):
        if any(_reads(statement, index, bucket) for statement in _allowed(role_policy)):
            role = index.resolve(role_policy["inputs"].get("role"), ROLE)
            readers.add(_principal(role) if role else f"role {role_policy['inputs'].get('role')}")
    return [*sorted(readers), "administrators of the AWS account (IAM outside this stack)"]


def credential_holders(index: PlanIndex, store: Resource) -> list[str]:
    """Vercel projects given a credential or address of the store, the targets it reaches
    (production, preview, development) and the variables."""
    keys_by_holder: dict[tuple[str, str], list[str]] = {}
    for variable in index.dependents(store, ENV_VARIABLE):
        project = index.resolve(variable["inputs"].get("projectId"), VERCEL_PROJECT)
        name = str(project["inputs"].get("name", project["name"])) if project else "unknown project"
        targets = " and ".join(str(t) for t in as_list(variable["inputs"].get("targets")))
        keys_by_holder.setdefault((name, targets), []).append(str(variable["inputs"].get("key")))
    readers = []
    for (project_name, targets), keys in sorted(keys_by_holder.items()):
        readers.append(f"Vercel project {project_name}, {targets} ({', '.join(sorted(keys))})")
    # Next.js inlines NEXT_PUBLIC_ variables into the browser bundle
    # (https://nextjs.org/docs/app/guides/environment-variables).
    for project_name in sorted(
        {
            name
            for (name, _), keys in keys_by_holder.items()
            if any(key.startswith("NEXT_PUBLIC_") for key in keys)
        }
    ):
        readers.append(f"every browser of {project_name}, within row-level security")
    return readers


def _allowed(role_policy: Resource) -> Iterator[JsonObject]:
    for statement in policy_statements(role_policy["inputs"].get("policy")):
        if statement.get("Effect") == "Allow":
            yield statement


def _reads(statement: JsonObject, index: PlanIndex, bucket: Resource) -> bool:
    actions = [str(action) for action in as_list(statement.get("Action"))]
    if not any(action.startswith(READ_ACTIONS) for action in actions):
        return False
    resources = as_list(statement.get("Resource"))
    return "*" in resources or any(
        index.resolve(arn, bucket["type"]) is bucket for arn in resources
    )


def _principal(role: Resource) -> str:
    """Who may assume the role, from its trust policy."""
    assumers = []
    for statement in policy_statements(role["inputs"].get("assumeRolePolicy")):
        principal = statement.get("Principal")
        if not isinstance(principal, dict):
            continue
        for service in as_list(principal.get("Service")):
            assumers.append(f"AWS service {service}")
        if principal.get("Federated"):
            subjects = [
                value
                for condition in as_list(statement.get("Condition"))
                if isinstance(condition, dict)
                for test in condition.values()
                if isinstance(test, dict)
                for key, value in test.items()
                if key.endswith(":sub")
            ]
            assumers.append(f"OIDC subject {', '.join(map(str, subjects)) or 'any'}")
    return f"role {role['name']}: {'; '.join(assumers) or 'no trust policy'}"
