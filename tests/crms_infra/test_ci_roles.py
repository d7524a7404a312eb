"""CI's AWS roles: trusted only by the jobs that use them, allowed what those jobs need on the
program's own resources, and held to the policy pack's rules and IAM's limits."""

import fnmatch
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from components.key_policy import ADMINISTRATION_ACTIONS
from crms_infra.ci_roles import command
from crms_infra.ci_roles.access import BY_SID, BY_TYPE
from crms_infra.ci_roles.command import suppressed
from crms_infra.ci_roles.roles import CiRole, ci_roles
from crms_infra.plan_model import Violation
from tests.conftest import REPO, STACKS
from tests.helpers import inputs_of, load, plan_of, run_cli

REPOSITORY = "crms-swiss/crms-infra"
ACCOUNT = "210987654321"
ISSUER = "token.actions.githubusercontent.com"
READ_PREFIXES = ("Get", "List", "Describe")


@pytest.fixture(scope="module")
def roles() -> dict[str, CiRole]:
    found = ci_roles(REPOSITORY, ACCOUNT, {stack: load(stack) for stack in STACKS})
    return {role.name: role for role in found}


def statements(document: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = document["Statement"]
    return found


def allows(role: CiRole, action: str, arn: str) -> bool:
    return any(
        action in statement["Action"]
        and any(fnmatch.fnmatchcase(arn, pattern) for pattern in statement["Resource"])
        for statement in statements(role.permissions)
    )


def subjects(role: CiRole) -> set[str]:
    found = set()
    for statement in statements(role.trust):
        exact = statement["Condition"]["StringEquals"]
        assert exact[f"{ISSUER}:aud"] == "sts.amazonaws.com"
        assert statement["Principal"]["Federated"].endswith(f":oidc-provider/{ISSUER}")
        found.add(exact[f"{ISSUER}:sub"])
    return found


def finding(policy: str, message: str) -> Violation:
    return {"policy": policy, "level": "mandatory", "urn": None, "message": message}


def test_each_role_trusts_only_the_jobs_that_assume_it(roles: dict[str, CiRole]) -> None:
    assert set(roles) == {"crms-ci-preview", *(f"crms-ci-deploy-{s}" for s in STACKS)}
    assert subjects(roles["crms-ci-preview"]) == {
        f"repo:{REPOSITORY}:pull_request",
        f"repo:{REPOSITORY}:ref:refs/heads/main",
    }
    for stack in STACKS:
        assert subjects(roles[f"crms-ci-deploy-{stack}"]) == {
            f"repo:{REPOSITORY}:environment:{stack}"
        }


def test_the_workflows_present_the_subjects_the_trusts_name() -> None:
    # GitHub's subject: `environment:<name>` for a job in an environment, else `pull_request`
    # on a pull request and `ref:refs/heads/<branch>` on a schedule (the default branch).
    workflows = REPO / ".github" / "workflows"
    up = yaml.safe_load((workflows / "up.yml").read_text())["jobs"]["up"]
    assert up["environment"] == "${{ inputs.stack }}"
    assert "AWS_DEPLOY_ROLE_ARN" in str(up["steps"])
    preview = yaml.safe_load((workflows / "pull-request.yml").read_text())["jobs"]["preview"]
    drift = yaml.safe_load((workflows / "drift.yml").read_text())["jobs"]["drift"]
    for job in (preview, drift):
        assert "environment" not in job
        assert "AWS_PREVIEW_ROLE_ARN" in str(job["steps"])


def test_the_preview_role_only_reads_and_never_an_object(roles: dict[str, CiRole]) -> None:
    for statement in statements(roles["crms-ci-preview"].permissions):
        for action in statement["Action"]:
            assert action.split(":")[1].startswith(READ_PREFIXES), action
    assert not allows(roles["crms-ci-preview"], "s3:GetObject", "arn:aws:s3:::storage-photos-1")


@pytest.mark.parametrize("stack", STACKS)
def test_every_aws_resource_of_the_plan_is_covered(stack: str, roles: dict[str, CiRole]) -> None:
    deploy = roles[f"crms-ci-deploy-{stack}"]
    aws = [r for r in plan_of(stack)["resources"] if r["type"].startswith("aws:")]
    assert {r["type"] for r in aws} - {"pulumi:providers:aws"} <= set(BY_TYPE)
    for resource in aws:
        name = f"{resource['name']}-a1b2c3d"  # Pulumi's auto-name: a random suffix
        region = inputs_of(resource).get("region", "eu-central-2")
        arn = {
            "aws:s3/bucket:Bucket": f"arn:aws:s3:::{name}",
            "aws:iam/role:Role": f"arn:aws:iam::{ACCOUNT}:role/{name}",
            "aws:cloudwatch/metricAlarm:MetricAlarm": f"arn:aws:cloudwatch:{region}:{ACCOUNT}"
            f":alarm:{name}",
            "aws:sns/topic:Topic": f"arn:aws:sns:{region}:{ACCOUNT}:{name}",
            "aws:kms/key:Key": f"arn:aws:kms:{region}:{ACCOUNT}:key/1234abcd-12ab",
            "aws:iam/openIdConnectProvider:OpenIdConnectProvider": f"arn:aws:iam::{ACCOUNT}"
            f":oidc-provider/{str(resource['inputs'].get('url')).removeprefix('https://')}",
        }.get(resource["type"])
        if arn is None:
            continue  # a configuration resource: its bucket, role or key is checked
        for access in BY_TYPE[resource["type"]]:
            for action in access.writes:
                assert access.arns == ("*",) or allows(deploy, action, arn), (action, arn)
        if resource["type"] == "aws:kms/key:Key":  # keys are limited by their project tag
            assert inputs_of(resource)["tags"]["project"] == "crms"


def test_key_actions_are_within_what_the_key_policies_give_administrators(
    roles: dict[str, CiRole],
) -> None:
    for role in roles.values():
        for statement in statements(role.permissions):
            for action in statement["Action"]:
                if action.startswith("kms:"):
                    assert any(fnmatch.fnmatchcase(action, a) for a in ADMINISTRATION_ACTIONS)


def test_the_roles_pass_the_packs_rules_and_iams_limits(roles: dict[str, CiRole]) -> None:
    assert command.problems(list(roles.values()), REPO / "policies") == []


def test_the_pack_and_the_limits_catch_careless_roles(roles: dict[str, CiRole]) -> None:
    role = roles["crms-ci-deploy-prod"]
    trust = json.loads(json.dumps(role.trust))
    condition = trust["Statement"][0]["Condition"]
    condition["StringLike"] = condition.pop("StringEquals")
    careless = CiRole(
        role.name,
        role.description,
        trust,
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
        },
        {},
    )
    found = command.problems([careless], REPO / "policies")
    joined = "\n".join(found)
    for rule in ("iam-no-wildcard-action", "iam-oidc-trust-constrained", "tags-required"):
        assert rule in joined, joined
    huge = {"Version": "2012-10-17", "Statement": [{"Sid": "x" * 11000}]}
    oversized = CiRole(role.name, "", role.trust, huge, role.tags)
    assert any(
        "over 10240 characters" in p for p in command.problems([oversized], REPO / "policies")
    )


def test_the_command_writes_the_documents_and_the_commands_in_order(tmp_path: Path) -> None:
    out = tmp_path / "roles"
    result = run_cli("ci-roles", "--repository", REPOSITORY, "--account-id", ACCOUNT,
                     "--out", str(out))  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if not line.startswith("#")]
    assert lines[0].startswith("aws iam create-open-id-connect-provider --url https://" + ISSUER)
    assert lines[1].startswith("aws iam create-role --role-name crms-ci-preview ")
    assert lines[2].startswith("aws iam put-role-policy --role-name crms-ci-preview ")
    trust = json.loads((out / "crms-ci-deploy-prod.trust.json").read_text())
    assert trust["Statement"][0]["Principal"]["Federated"] == (
        f"arn:aws:iam::{ACCOUNT}:oidc-provider/{ISSUER}"
    )
    assert len(list(out.iterdir())) == 8


@pytest.mark.parametrize(
    ("flag", "value", "said"),
    [("--account-id", "12345", "12 digits"), ("--repository", "not a repo", "owner/name")],
)
def test_bad_arguments_exit_2(flag: str, value: str, said: str, tmp_path: Path) -> None:
    arguments = {"--repository": REPOSITORY, "--account-id": ACCOUNT, flag: value}
    flat = [item for pair in arguments.items() for item in pair]
    result = run_cli("ci-roles", *flat, "--out", str(tmp_path))
    assert result.returncode == 2
    assert said in result.stderr
    assert not list(tmp_path.iterdir())


def test_every_wildcard_arn_gives_its_reason_and_waives_only_its_own_finding() -> None:
    for access in BY_SID.values():
        assert bool(access.wildcard_reason) == any("*" in arn for arn in access.arns), access.sid
    rule = "iam-no-wildcard-resource"
    own = "statement Buckets allows s3:CreateBucket on 'arn:aws:s3:::storage-*'"
    assert suppressed(finding(rule, own))
    wider = "statement Buckets allows s3:CreateBucket on '*'"
    assert not suppressed(finding(rule, wider))
    unknown = "statement Anything allows s3:CreateBucket on 'arn:aws:s3:::storage-*'"
    assert not suppressed(finding(rule, unknown))
    assert not suppressed(finding("iam-no-wildcard-action", own))
