"""`crms-infra ci-roles`: CI's roles as IAM documents, checked by the policy pack's own rules
and by IAM's size limits, written to a directory with the `aws iam` commands that apply them.

Why a printed set and not a Pulumi project: the roles must exist before CI can run any
Pulumi command, so they are made once per account by someone holding administrator
credentials in a terminal; a second Pulumi project would need its own state, stacks and
folder for six resources. The documents derive from the program's own settings (regions,
tags) and resource names at every run, so rerunning the command after a change to the
program gives the documents to re-apply (`put-role-policy` replaces a role's policy).
"""

import argparse
import json
import re
import shlex
import sys
from pathlib import Path
from typing import Any

from google.protobuf import struct_pb2

from crms_infra.ci_roles.access import BY_SID
from crms_infra.ci_roles.roles import GITHUB_AUDIENCE, GITHUB_ISSUER, CiRole, ci_roles
from crms_infra.cli_face import EXIT_OK, EXIT_POLICY
from crms_infra.cli_inputs import project_dir
from crms_infra.offline.policy import PackRun, one_line
from crms_infra.offline.project import load_stack_settings, stack_names
from crms_infra.offline.sdk import analyzer_pb2
from crms_infra.plan_model import Violation

# IAM quotas (docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html), counted
# without whitespace: a role trust policy of 2,048 characters (the default), a role's inline
# policies of 10,240 characters together.
TRUST_POLICY_CHARS = 2048
INLINE_POLICY_CHARS = 10240
MAX_SESSION_SECONDS = 3600
"""configure-aws-credentials asks for one hour (its `role-duration-seconds` default)."""


def repository(text: str) -> str:
    """argparse type: `owner/name` as GitHub spells them."""
    if not re.fullmatch(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}", text):
        raise argparse.ArgumentTypeError("must be a GitHub repository as owner/name")
    return text


def account_id(text: str) -> str:
    """argparse type: a 12-digit AWS account ID."""
    if not re.fullmatch(r"[0-9]{12}", text):
        raise argparse.ArgumentTypeError("must be an AWS account ID: 12 digits")
    return text


def add_arguments(roles: argparse.ArgumentParser) -> None:
    roles.add_argument("--repository", type=repository, required=True, help="owner/name")
    roles.add_argument(
        "--account-id", type=account_id, required=True, help="the AWS account's 12 digits"
    )
    roles.add_argument("--out", type=Path, required=True, help="directory for the documents")


def run(args: argparse.Namespace) -> int:
    directory = project_dir(args)
    roles = roles_for(directory, args.repository, args.account_id)
    found = problems(roles, directory / "policies")
    if found:
        print("error: the roles break the policy pack's rules or IAM's limits:", file=sys.stderr)
        for problem in found:
            print(problem, file=sys.stderr)
        return EXIT_POLICY
    sys.stdout.write(write(roles, args.out))
    return EXIT_OK


def roles_for(project_dir: Path, repository: str, account: str) -> list[CiRole]:
    stacks = {stack: load_stack_settings(project_dir, stack) for stack in stack_names(project_dir)}
    return ci_roles(repository, account, stacks)


def problems(roles: list[CiRole], pack_dir: Path) -> list[str]:
    """The pack's violations (it sees the roles as the engine would show them) and IAM's
    size limits; empty when the roles may be applied."""
    found = []
    for role in roles:
        if len(_compact(role.trust)) > TRUST_POLICY_CHARS:
            found.append(f"{role.name}: the trust policy is over {TRUST_POLICY_CHARS} characters")
        if len(_compact(role.permissions)) > INLINE_POLICY_CHARS:
            found.append(f"{role.name}: the policy is over {INLINE_POLICY_CHARS} characters")
    pack = PackRun(pack_dir)
    try:
        violations = pack.analyze(analyzer_requests(roles))
    finally:
        pack.close()
    found.extend(
        f"{v['urn']}: [{v['policy']}] {one_line(v['message'])}"
        for v in violations
        if not suppressed(v)
    )
    return found


WILDCARD_FINDING = re.compile(r"statement (\S+) allows .* on '([^']*)'$")
"""How `iam-no-wildcard-resource` names a statement and its resource (policies/crms_rules)."""


def suppressed(violation: Violation) -> bool:
    """A wildcard-resource finding on one of a statement's own ARN patterns, when its Access
    gives the reason (Access.wildcard_reason): cdk-nag's suppression with `appliesTo`, which
    waives one finding, never the rule."""
    found = WILDCARD_FINDING.search(one_line(violation["message"]))
    if violation["policy"] != "iam-no-wildcard-resource" or found is None:
        return False
    access = BY_SID.get(found[1])
    if access is None or not access.wildcard_reason:
        return False
    patterns = (
        re.escape(arn).replace(r"\{account\}", r"\d{12}").replace(r"\{region\}", r"[a-z0-9-]+")
        for arn in access.arns
    )
    return any(re.fullmatch(pattern, found[2]) for pattern in patterns)


def analyzer_requests(roles: list[CiRole]) -> list[analyzer_pb2.AnalyzeRequest]:
    """The GitHub OIDC provider and each role and its policy, with the engine's property names."""
    provider = {
        "url": f"https://{GITHUB_ISSUER}",
        "clientIdLists": [GITHUB_AUDIENCE],
        "tags": roles[0].tags,
    }
    requests = [_request("aws:iam/openIdConnectProvider:OpenIdConnectProvider", "github", provider)]
    for role in roles:
        properties = {
            "name": role.name,
            "description": role.description,
            "assumeRolePolicy": _compact(role.trust),
            "maxSessionDuration": MAX_SESSION_SECONDS,
            "tags": role.tags,
        }
        requests.append(_request("aws:iam/role:Role", role.name, properties))
        policy = {"name": role.name, "role": role.name, "policy": _compact(role.permissions)}
        requests.append(_request("aws:iam/rolePolicy:RolePolicy", role.name, policy))
    return requests


def write(roles: list[CiRole], out: Path) -> str:
    """Write each role's documents to `out`; the commands that apply them, in order."""
    out.mkdir(parents=True, exist_ok=True)
    # No thumbprint: AWS checks GitHub's JWKS endpoint against its own trusted root CAs
    # (CreateOpenIDConnectProvider, IAM API reference).
    lines = [
        "# Once per account (skip if `aws iam list-open-id-connect-providers` lists it):",
        f"aws iam create-open-id-connect-provider --url https://{GITHUB_ISSUER} "
        f"--client-id-list {GITHUB_AUDIENCE}",
    ]
    for role in roles:
        trust, policy = out / f"{role.name}.trust.json", out / f"{role.name}.policy.json"
        trust.write_text(json.dumps(role.trust, indent=2) + "\n")
        policy.write_text(json.dumps(role.permissions, indent=2) + "\n")
        tags = " ".join(f"Key={key},Value={value}" for key, value in sorted(role.tags.items()))
        name = shlex.quote(role.name)
        lines += [
            f"# {role.description}",
            f"aws iam create-role --role-name {name} --max-session-duration "
            f"{MAX_SESSION_SECONDS} --assume-role-policy-document "
            f"{shlex.quote(f'file://{trust}')} --tags {tags}",
            f"aws iam put-role-policy --role-name {name} --policy-name {name} "
            f"--policy-document {shlex.quote(f'file://{policy}')}",
        ]
    return "".join(f"{line}\n" for line in lines)


def _request(type_: str, name: str, properties: dict[str, Any]) -> analyzer_pb2.AnalyzeRequest:
    struct = struct_pb2.Struct()
    struct.update(properties)
    urn = f"urn:pulumi:ci::crms-ci-roles::{type_}::{name}"
    return analyzer_pb2.AnalyzeRequest(type=type_, properties=struct, urn=urn, name=name)


def _compact(document: dict[str, Any]) -> str:
    return json.dumps(document, separators=(",", ":"))
