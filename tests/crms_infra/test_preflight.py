"""`crms-infra preflight`: each rule refuses what a real run would, one line a finding, and
the offline plan shares the rules. (A stack set up as docs/deploy.md says passes:
tests/stacks/test_deploy_docs.py.)"""

import copy
import json
import os
import re
import shutil
from pathlib import Path

import pytest

from crms_infra.plan_model import obj
from crms_infra.preflight.findings import Finding, escaped, render
from crms_infra.preflight.rules import RULES, PlanUse
from crms_infra.preflight.run import plan_refusals, preflight
from stacks.bundle import BUILD_RECORD
from tests.conftest import REPO
from tests.helpers import plan_of, run_cli

SECRETS = {
    "crms:supabaseAccessToken",
    "crms:stripeSecretKey",
    "crms:resendApiKey",
    "crms:sentryDsn",
}


@pytest.fixture
def project(project_copy: Path) -> Path:
    """The project copy, with a policy pack of its own to break."""
    shutil.copytree(REPO / "policies", project_copy / "policies", ignore=_no_caches)
    return project_copy


def _no_caches(_: str, names: list[str]) -> list[str]:
    return [name for name in names if name in {"__pycache__", "venv"}]


def test_every_rule_names_who_refuses_it_and_its_source() -> None:
    assert len({rule.name for rule in RULES}) == len(RULES)
    for rule in RULES:
        assert rule.refused_by
        assert re.search(r"\.(go|py)\b", rule.source), rule.name  # a file to read
    uses = {rule.name: rule.plan_use for rule in RULES}
    assert uses["cli-config"] is PlanUse.NOTES
    assert uses["policy-pack"] is PlanUse.FAILS


def test_the_committed_prod_stack_is_refused_for_its_secrets_even_with_the_variable(
    project: Path,
) -> None:
    # The deploy steps once said "or export SUPABASE_ACCESS_TOKEN": the CLI reads no variable for
    # a declared key (issue 24, point 2), so preflight refuses it with the variable set.
    # (A copy of the project: the checkout may hold a build of its own.)
    environment = {**os.environ, "SUPABASE_ACCESS_TOKEN": "sbp_" + "0" * 40}
    result = run_cli("preflight", "prod", "--project-dir", str(project), env=environment)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1] == (
        "preflight prod: 5 findings: `pulumi preview` and `pulumi up` would refuse this stack"
    )
    secrets = [line for line in lines if "[cli-config]" in line]
    assert {line.split(": ")[1] for line in secrets} == SECRETS
    assert any(
        "Pulumi.prod.yaml: crms:supabaseAccessToken: a secret the Pulumi CLI requires is not set"
        " (\"Stack 'prod' is missing configuration value 'supabaseAccessToken'\"" in line
        and line.endswith("fix: pulumi config set --secret supabaseAccessToken <value> "
                          "--stack prod [cli-config]")
        for line in secrets
    )  # fmt: skip
    assert "build/ops-prod: ops app: no build" in result.stdout


def test_the_plan_says_in_one_line_which_secrets_preflight_will_refuse() -> None:
    # Issue 24, point 3: the plan still works on a clone without secrets, and says so.
    result = run_cli("plan", "staging", "--format", "json")
    assert result.returncode == 0, result.stderr
    json.loads(result.stdout)
    (note,) = result.stderr.splitlines()
    assert note.startswith("note: Pulumi.staging.yaml sets no value for 4 secrets (")
    assert all(key in note for key in SECRETS)
    assert "`crms-infra preflight staging` and `pulumi preview` refuse the stack" in note


def test_without_its_policy_config_the_stack_fails_the_pack(project: Path) -> None:
    # Issue 24, point 1: the deploy steps' preview ran the pack without the stack's config.
    (project / "policies" / "config.prod.json").unlink()
    outcome = preflight(project, "prod")
    by_rule: dict[str, list[Finding]] = {}
    for finding in outcome.findings:
        by_rule.setdefault(finding.rule, []).append(finding)
    assert by_rule["policy-config-file"][0].where == "policies/config.prod.json"
    pack = by_rule["policy-pack"]
    assert len(pack) == 3
    assert any(
        "storage-photos-replica in 'eu-central-1' is not Zurich (eu-central-2) and not allowed "
        "as a replica" in finding.problem
        for finding in pack
    )
    assert all(finding.subject.startswith("urn:pulumi:prod::crms::") for finding in pack)


def test_a_stale_build_is_refused_and_the_rest_is_checked_on_the_plan_that_marks_it(
    project: Path,
) -> None:
    record = project / "build" / "ops-prod" / BUILD_RECORD
    record.parent.mkdir(parents=True)
    record.write_text(json.dumps({"sourceSha256": "0" * 64, "target": "production"}))
    outcome = preflight(project, "prod")
    (build,) = [f for f in outcome.findings if f.rule == "build"]
    assert "was built from other sources" in build.problem
    assert build.fix == "make build STACK=prod"
    assert outcome.not_checked == []  # the offline plan plans a stale build, marked
    assert "not checked" not in outcome.report("prod")


def test_a_bad_value_is_reported_once_by_whoever_refuses_it_first(project: Path) -> None:
    stack_file = project / "Pulumi.prod.yaml"
    text = stack_file.read_text().replace("computeFluid: true", "computeFluid: yes")
    stack_file.write_text(text.replace("databaseRegion: eu-central-2", "databaseRegion: mars"))
    outcome = preflight(project, "prod")
    fluid = [f for f in outcome.findings if f.subject == "crms:computeFluid"]
    assert [f.rule for f in fluid] == ["cli-config"]  # the CLI stops before the program
    assert "must be of type 'boolean'" in fluid[0].problem
    (region,) = [f for f in outcome.findings if f.subject == "crms:databaseRegion"]
    assert region.rule == "program-settings"
    assert region.problem.startswith('has the bad value "mars"')
    assert outcome.not_checked == ["build", "policy-pack", "vercel-project-arguments"]


def test_the_plan_and_preflight_refuse_a_project_the_vercel_provider_refuses() -> None:
    plan = copy.deepcopy(plan_of("prod"))
    assert plan_refusals(REPO, "prod", plan) == []
    (web, _) = [r for r in plan["resources"] if r["type"] == "vercel:index/project:Project"]
    obj(web["inputs"]["resourceConfig"])["functionDefaultCpuType"] = "standard_legacy"
    (refusal,) = plan_refusals(REPO, "prod", plan)
    assert refusal.subject == web["urn"]
    assert "Fluid compute is only supported with the standard or performance CPU" in (
        refusal.problem
    )


def test_stack_file_text_is_printed_escaped_on_one_line(project: Path) -> None:
    stack_file = project / "Pulumi.prod.yaml"
    stack_file.write_text(stack_file.read_text() + '  "a:b:\\n::error::owned\\e[31m": 1\n')
    result = run_cli("preflight", "prod", "--project-dir", str(project))
    (line,) = [line for line in result.stdout.splitlines() if "could not parse" in line]
    assert line.startswith("Pulumi.prod.yaml: a:b:\\n::error::owned\\x1b[31m: ")
    assert not any(line.startswith("::") for line in result.stdout.splitlines())
    assert "\x1b" not in result.stdout


def test_escaping_bounds_every_part() -> None:
    assert escaped("plain Zürich text") == "plain Zürich text"
    assert escaped("a\tb\u202ec\r\n") == "a\\tb\\u202ec\\r\\n"
    long = escaped("x" * 5000)
    assert long.startswith("x" * 300 + "… (5,000 characters)")
    line = render(Finding("r", "f\n", "k", "p" * 1000, "fix"))
    assert "\n" not in line
    assert len(line) < 400


def test_an_unknown_stack_exits_2() -> None:
    result = run_cli("preflight", "qa")
    assert result.returncode == 2
    assert "no stack named qa (no Pulumi.qa.yaml); stacks here: dev, prod, staging" in (
        result.stderr
    )


def test_a_stop_no_rule_explains_is_a_finding_of_its_own(project: Path) -> None:
    (project / "policies" / "__main__.py").write_text("raise SystemExit('the pack is broken')\n")
    outcome = preflight(project, "prod")
    (stop,) = [f for f in outcome.findings if f.subject == "plan"]
    assert stop.rule == "policy-pack"
    assert "the offline plan stops: the policy pack did not start: the pack is broken" in (
        stop.problem
    )
    assert outcome.not_checked == ["vercel-project-arguments"]  # the pack's rule found it
    assert "until the problems above are fixed: vercel-project-arguments\n" in (
        outcome.report("prod")
    )


def test_a_value_the_cli_refuses_is_one_finding_and_names_no_other_rule(project: Path) -> None:
    """The CLI refuses the type, so the settings' own refusal of the same key is not shown
    again, nor as a stop of the program under another rule's name."""
    stack_file = project / "Pulumi.prod.yaml"
    text = stack_file.read_text()
    stack_file.write_text(
        text.replace("computeFunctionMemoryMb: 3008", "computeFunctionMemoryMb: abc")
    )
    outcome = preflight(project, "prod")
    memory = [f for f in outcome.findings if "computeFunctionMemoryMb" in f.subject + f.problem]
    assert [f.rule for f in memory] == ["cli-config"]
    assert {f.rule for f in outcome.findings} == {"cli-config"}
    assert outcome.not_checked == ["build", "policy-pack", "vercel-project-arguments"]
    report = outcome.report("prod")
    assert "not checked until the problems above are fixed: build, policy-pack, " in report
    assert "program stops" not in report


def test_a_policy_config_the_cli_cannot_read_does_not_say_the_program_ran(project: Path) -> None:
    (project / "policies" / "config.prod.json").write_text("{bad")
    outcome = preflight(project, "prod")
    (config,) = [f for f in outcome.findings if f.rule == "policy-config-file"]
    assert "is not valid JSON" in config.problem
    assert outcome.not_checked == ["policy-pack", "vercel-project-arguments"]
    assert "program" not in outcome.report("prod").split("\n", 1)[1]


def test_a_misspelt_rule_name_is_refused_with_the_name_meant(project: Path) -> None:
    path = project / "policies" / "config.prod.json"
    config = json.loads(path.read_text())
    config["cost-budgt"] = config.pop("cost-budget", "mandatory")
    path.write_text(json.dumps(config))
    outcome = preflight(project, "prod")
    (finding,) = [f for f in outcome.findings if f.rule == "policy-config-file"]
    assert finding.problem == (
        'config.prod.json: "cost-budgt" is not a policy of the pack; did you mean cost-budget?'
    )
    planned = run_cli("plan", "prod", "--project-dir", str(project))
    assert planned.returncode == 2
    assert 'error: config.prod.json: "cost-budgt" is not a policy of the pack; did you mean ' in (
        planned.stderr
    )


@pytest.mark.parametrize(
    ("team", "said"),
    [("other-team", "must be the team crms:computeVercelTeam names (crms-swiss)"),
     ("team_a1b2c3d4e5", "is a team ID: set the team's slug")],
)  # fmt: skip
def test_the_vercel_team_is_the_oidc_issuers(project: Path, team: str, said: str) -> None:
    stack_file = project / "Pulumi.prod.yaml"
    stack_file.write_text(stack_file.read_text() + f"  vercel:team: {team}\n")
    outcome = preflight(project, "prod")
    (finding,) = [f for f in outcome.findings if f.subject == "vercel:team"]
    assert finding.rule == "program-settings"
    assert said in finding.problem
    stack_file.write_text(stack_file.read_text().replace(team, "crms-swiss"))
    assert not [f for f in preflight(project, "prod").findings if f.subject == "vercel:team"]
