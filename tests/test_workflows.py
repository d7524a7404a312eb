"""The CI workflows: valid against GitHub's workflow schema, doing what CI promises,
and hardened as GitHub's guide asks. Sources (docs.github.com/en/actions/...):
- security-guides/security-hardening-for-github-actions#using-third-party-actions:
  pin each action to a full-length commit SHA, the only immutable reference (a tag
  can be moved); the tag stays in a comment.
- the same page, #understanding-the-risk-of-script-injections and
  #using-an-intermediate-environment-variable: no `${{ }}` expression inside a
  script (`run:`, github-script's `script:`); values reach it through `env:`.
- the same page, #using-secrets, and least privilege for GITHUB_TOKEN: permissions
  per job, none at workflow level, each job only the secrets it reads (never
  `secrets: inherit`).
- learn-github-actions/events-that-trigger-workflows#pull-request-events-for-forked-repositories:
  a fork's pull request gets no secrets and a read-only token; our jobs that run for
  forks must need neither, and `pull_request_target` is not used at all."""

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import REPO

WORKFLOWS = REPO / ".github" / "workflows"
CHECK = str(Path(sys.executable).parent / "check-jsonschema")
PINS = REPO / "tests" / "fixtures" / "github-actions-pins.md"
SAME_REPOSITORY = "github.event.pull_request.head.repo.full_name == github.repository"
USES_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<target>\S+)(?:\s+#\s*(?P<tag>\S+))?\s*$")
SECRET = re.compile(r"secrets\.([A-Za-z_][A-Za-z0-9_]*)")

# Every job, its token's permissions and the secrets it reads: the least each one needs. The
# Supabase token is no GitHub secret: it is encrypted in the stack file, where the Pulumi CLI
# requires it (crms_infra/preflight/cli_config.py), and decrypted by the Pulumi backend.
PREVIEW = (
    {"contents": "read", "id-token": "write"},
    {"AWS_PREVIEW_ROLE_ARN", "PULUMI_ACCESS_TOKEN"},
)
DEPLOY = ({"contents": "read", "id-token": "write"}, {"AWS_DEPLOY_ROLE_ARN", "PULUMI_ACCESS_TOKEN"})
EXPECTED_JOBS: dict[tuple[str, str], tuple[dict[str, str], set[str]]] = {
    ("pull-request.yml", "test"): ({"contents": "read"}, set()),
    ("pull-request.yml", "plan-diff"): ({"contents": "read"}, set()),
    ("pull-request.yml", "comment"): ({"pull-requests": "write"}, set()),
    ("pull-request.yml", "cost-guardrail"): ({}, set()),
    ("pull-request.yml", "code-scanning"): (
        {"actions": "read", "contents": "read", "security-events": "write"},
        set(),
    ),
    ("pull-request.yml", "preview"): PREVIEW,
    **{("deploy.yml", stack): DEPLOY for stack in ("dev", "staging", "prod")},
    ("up.yml", "up"): DEPLOY,
    ("drift.yml", "drift"): PREVIEW,  # it only reads: the read-only role
}
PULUMI_ACTION = "pulumi/actions"


def workflow(name: str) -> dict[Any, Any]:
    loaded = yaml.safe_load((WORKFLOWS / name).read_text())
    assert isinstance(loaded, dict)
    return loaded


def validate(*paths: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CHECK, "--builtin-schema", "vendor.github-workflows", *map(str, paths)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_every_workflow_is_valid() -> None:
    files = sorted(WORKFLOWS.glob("*.yml"))
    assert len(files) == 4
    result = validate(*files)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_validation_can_fail(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  x:\n    steps: [{run: true, uses: 3}]\n")
    assert validate(broken).returncode != 0


def test_pull_requests_test_diff_in_one_comment_and_preview_without_forks() -> None:
    jobs = workflow("pull-request.yml")["jobs"]
    assert any("make test" in step.get("run", "") for step in jobs["test"]["steps"])
    diff_steps = " ".join(str(step) for step in jobs["plan-diff"]["steps"])
    assert "crms-infra diff" in diff_steps
    assert "python -m crms_infra.diff.tree_plan ../base" in diff_steps  # the base by its own code
    assert "<!-- crms-plan-diff -->" in diff_steps
    # A mandatory cost guardrail fails its own job, after the comment is made.
    assert jobs["cost-guardrail"]["needs"] == "plan-diff"
    assert "needs.plan-diff.outputs.over" in str(jobs["cost-guardrail"]["steps"])
    assert 'echo "over=$over" >> "$GITHUB_OUTPUT"' in diff_steps
    comment = jobs["comment"]
    assert comment["needs"] == "plan-diff"
    # It holds the write token, so it checks out and runs none of the pull request's code.
    assert [step["uses"].partition("@")[0] for step in comment["steps"]] == [
        "actions/github-script"
    ]
    comment_steps = str(comment["steps"])
    assert "updateComment" in comment_steps  # edited in place, never a new comment per run
    assert "<!-- crms-plan-diff -->" in comment_steps
    assert "65000" in comment_steps
    preview = jobs["preview"]
    assert preview["if"] == "github.event.pull_request.head.repo.full_name == github.repository"
    action = next(
        step for step in preview["steps"] if step.get("uses", "").startswith("pulumi/actions")
    )
    assert action["with"]["command"] == "preview"
    assert action["with"]["policyPacks"] == "policies"


def test_each_pull_request_attaches_the_residency_reports_and_links_them() -> None:
    steps = workflow("pull-request.yml")["jobs"]["plan-diff"]["steps"]
    names = [step.get("id") for step in steps]
    report = next(step for step in steps if "crms-infra residency" in step.get("run", ""))
    assert '"$stack" --format json' in report["run"]
    upload = steps[names.index("residency")]
    assert upload["uses"].startswith("actions/upload-artifact@")
    assert upload["with"]["path"] == "residency/"
    diff = steps[names.index("diff")]
    assert names.index("residency") < names.index("diff")  # its link goes into the comment
    assert diff["env"]["RESIDENCY_URL"] == "${{ steps.residency.outputs.artifact-url }}"
    assert "$RESIDENCY_URL" in diff["run"]


def test_pull_requests_upload_the_packs_findings_for_code_scanning() -> None:
    job = workflow("pull-request.yml")["jobs"]["code-scanning"]
    assert job["if"] == SAME_REPOSITORY  # a fork's token cannot write security events
    steps = job["steps"]
    check = next(step for step in steps if "crms-infra check" in step.get("run", ""))
    assert "--format sarif > policy.sarif" in check["run"]
    upload = steps[-1]
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    assert upload["with"]["sarif_file"] == "policy.sarif"


def test_main_deploys_dev_then_staging_then_prod_in_their_environments() -> None:
    jobs = workflow("deploy.yml")["jobs"]
    assert jobs["staging"]["needs"] == "dev"
    assert jobs["prod"]["needs"] == "staging"
    up = workflow("up.yml")["jobs"]["up"]
    assert up["environment"] == "${{ inputs.stack }}"
    action = next(step for step in up["steps"] if step.get("uses", "").startswith("pulumi/actions"))
    assert (action["with"]["command"], action["with"]["policyPacks"]) == ("up", "policies")


def test_drift_check_refreshes_as_a_preview_and_fails_on_changes() -> None:
    drift = workflow("drift.yml")
    assert drift[True]["schedule"]  # YAML reads the `on` key as True
    commands = " ".join(step.get("run", "") for step in drift["jobs"]["drift"]["steps"])
    assert "pulumi refresh" in commands
    assert "--preview-only" in commands
    assert "--expect-no-changes" in commands


def workflow_files() -> list[Path]:
    return sorted(WORKFLOWS.glob("*.yml"))


def pinned_shas() -> dict[tuple[str, str], str]:
    """(action, tag) -> SHA, from the reference table."""
    pins = {}
    for line in PINS.read_text().splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 5 and re.fullmatch(r"[0-9a-f]{40}", cells[2]):
            action, tag, sha, newest_tag, newest_sha = cells
            pins[(action, tag)] = sha
            pins[(action, newest_tag)] = newest_sha
    return pins


def unpinned_uses(text: str) -> Iterator[str]:
    """Each `uses:` that is not a local file nor an action at a listed SHA with its tag."""
    pins = pinned_shas()
    for line in text.splitlines():
        match = USES_LINE.match(line)
        if match is None:
            continue
        target, tag = match["target"], match["tag"]
        if target.startswith("./"):
            continue  # this repository's own reusable workflow, pinned by the run's commit
        action, _, ref = target.partition("@")
        if pins.get((action, tag or "")) != ref:
            yield line.strip()


def scripts(document: dict[Any, Any]) -> Iterator[tuple[str, str]]:
    """(job, script) for every `run:` and every github-script `script:` of a workflow."""
    for job_name, job in document.get("jobs", {}).items():
        for step in job.get("steps", []):
            if "run" in step:
                yield job_name, str(step["run"])
            if "github-script" in step.get("uses", ""):
                yield job_name, str(step.get("with", {}).get("script", ""))


def writes(permissions: Any) -> bool:
    if isinstance(permissions, str):
        return permissions == "write-all"
    return any(level == "write" for level in (permissions or {}).values())


def secrets_read(job: dict[Any, Any]) -> set[str]:
    return set(SECRET.findall(yaml.safe_dump(job)))


def fork_reachable_jobs(document: dict[Any, Any]) -> Iterator[tuple[str, dict[Any, Any]]]:
    """Jobs that a fork's pull request runs: every job not limited to this repository."""
    if "pull_request" not in document[True]:  # YAML reads the `on` key as True
        return
    for name, job in document["jobs"].items():
        if job.get("if") != SAME_REPOSITORY:
            yield name, job


def test_every_action_is_pinned_to_the_sha_of_its_tag() -> None:
    for path in workflow_files():
        assert list(unpinned_uses(path.read_text())) == [], path.name


def test_an_unpinned_or_mislabelled_action_is_caught() -> None:
    sha = "11d5960a326750d5838078e36cf38b85af677262"
    text = f"""
      - uses: actions/checkout@v4
      - uses: actions/checkout@{sha}
      - uses: actions/checkout@{sha} # v4.3.0
      - uses: actions/checkout@{sha} # v4.4.0
      - uses: ./.github/workflows/up.yml
    """
    assert len(list(unpinned_uses(text))) == 3


def test_no_expression_inside_a_script() -> None:
    for path in workflow_files():
        for job, script in scripts(workflow(path.name)):
            assert "${{" not in script, f"{path.name}, job {job}: pass it through env:"


def test_permissions_are_granted_per_job_never_for_the_whole_workflow() -> None:
    for path in workflow_files():
        document = workflow(path.name)
        assert document.get("permissions") == {}, path.name
        for name, job in document["jobs"].items():
            assert "permissions" in job, f"{path.name}: job {name} must say what it needs"


def test_each_job_has_only_the_permissions_and_secrets_it_uses() -> None:
    found = {}
    for path in workflow_files():
        for name, job in workflow(path.name)["jobs"].items():
            found[(path.name, name)] = (job["permissions"], secrets_read(job))
    assert found == EXPECTED_JOBS


def test_secrets_are_passed_by_name_and_declared_where_they_are_read() -> None:
    for path in workflow_files():
        for name, job in workflow(path.name)["jobs"].items():
            assert job.get("secrets") != "inherit", (path.name, name)
    declared = set(workflow("up.yml")[True]["workflow_call"]["secrets"])
    assert declared == secrets_read(workflow("up.yml")["jobs"]["up"])
    for name, job in workflow("deploy.yml")["jobs"].items():
        assert set(job["secrets"]) == declared, name


def test_a_forks_pull_request_reaches_no_secret_no_cloud_role_and_no_write() -> None:
    checked = []
    for path in workflow_files():
        document = workflow(path.name)
        assert "pull_request_target" not in document[True], path.name
        for name, job in fork_reachable_jobs(document):
            checked.append(name)
            assert secrets_read(job) == set(), (path.name, name)
            assert not writes(job.get("permissions")), (path.name, name)
            assert "id-token" not in (job.get("permissions") or {}), (path.name, name)
            assert "environment" not in job, (path.name, name)
            assert "secrets" not in job, (path.name, name)
    assert sorted(checked) == ["cost-guardrail", "plan-diff", "test"]


@pytest.mark.parametrize("path", workflow_files(), ids=lambda path: path.name)
def test_checkout_leaves_no_token_behind(path: Path) -> None:
    for job in workflow(path.name)["jobs"].values():
        for step in job.get("steps", []):
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False


def test_the_rules_catch_a_careless_workflow() -> None:
    careless = yaml.safe_load(
        """
        on: pull_request
        permissions: write-all
        jobs:
          build:
            runs-on: ubuntu-24.04
            permissions: {id-token: write}
            steps:
              - run: echo "${{ github.event.pull_request.title }}"
              - run: ./deploy
                env: {TOKEN: "${{ secrets.DEPLOY_TOKEN }}"}
        """
    )
    assert writes(careless["permissions"])
    assert [job for job, script in scripts(careless) if "${{" in script] == ["build"]
    [(name, job)] = fork_reachable_jobs(careless)
    assert (name, secrets_read(job)) == ("build", {"DEPLOY_TOKEN"})


def sdk_version() -> str:
    text = (REPO / "requirements.txt").read_text()
    (version,) = re.findall(r"^pulumi==(\S+)$", text, re.MULTILINE)
    return str(version)


def unpinned_clis(document: dict[Any, Any]) -> Iterator[str]:
    """Each Pulumi CLI a job would get other than the SDK's own version: pulumi/actions
    installs "^3", the newest 3.x, unless `pulumi-version` names one (the action's action.yml
    and README); a `pulumi` command needs the action before it in its job."""
    for job_name, job in document.get("jobs", {}).items():
        installed = False
        for step in job.get("steps", []):
            if step.get("uses", "").startswith(f"{PULUMI_ACTION}@"):
                version = (step.get("with") or {}).get("pulumi-version")
                if version != sdk_version():
                    yield f"{job_name}: pulumi/actions installs {version or '^3'}"
                installed = True
            run = str(step.get("run", ""))
            if "get.pulumi.com" in run:
                yield f"{job_name}: the newest CLI from get.pulumi.com"
            elif re.search(r"^\s*pulumi\s", run, re.MULTILINE) and not installed:
                yield f"{job_name}: runs pulumi before installing the pinned CLI"


def ungated_operations(document: dict[Any, Any]) -> Iterator[str]:
    """Each `pulumi preview` or `up` not preceded in its job by `crms-infra preflight` of the
    same stack, or run without the stack's policy config."""
    for job_name, job in document.get("jobs", {}).items():
        preflights: set[str] = set()
        for step in job.get("steps", []):
            if "crms-infra preflight" in str(step.get("run", "")):
                assert '"$STACK"' in step["run"], job_name
                preflights.add(step["env"]["STACK"])
            with_ = step.get("with") or {}
            if with_.get("command") not in {"preview", "up"}:
                continue
            stack = with_["stack-name"]
            if stack not in preflights:
                yield f"{job_name}: {with_['command']} without a preflight of {stack}"
            if (with_.get("policyPacks"), with_.get("policyPackConfigs")) != (
                "policies",
                f"policies/config.{stack}.json",
            ):
                yield f"{job_name}: {with_['command']} without the stack's policy config"


def test_every_workflow_installs_the_pinned_pulumi_cli() -> None:
    assert re.fullmatch(r"3\.\d+\.\d+", sdk_version())
    for path in workflow_files():
        assert list(unpinned_clis(workflow(path.name))) == [], path.name
    assert sum("pulumi-version:" in path.read_text() for path in workflow_files()) == 3


def test_preflight_runs_before_every_preview_and_up_with_the_policy_config() -> None:
    operations = 0
    for path in workflow_files():
        document = workflow(path.name)
        assert list(ungated_operations(document)) == [], path.name
        for job in document["jobs"].values():
            commands = [(s.get("with") or {}).get("command") for s in job.get("steps", [])]
            operations += sum(command in {"preview", "up"} for command in commands)
    assert operations == 2  # the pull request's preview, and up.yml's up for every stack


def test_the_cli_rules_catch_a_careless_workflow() -> None:
    careless = yaml.safe_load(
        """
        jobs:
          deploy:
            steps:
              - run: pulumi whoami
              - run: curl -fsSL https://get.pulumi.com | sh
              - uses: pulumi/actions@8582a9e8cc630786854029b4e09281acd6794b58
                with: {command: up, stack-name: prod, policyPacks: policies}
        """
    )
    assert len(list(unpinned_clis(careless))) == 3
    assert list(ungated_operations(careless)) == [
        "deploy: up without a preflight of prod",
        "deploy: up without the stack's policy config",
    ]
