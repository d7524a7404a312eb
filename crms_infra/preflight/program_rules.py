"""Rules that need the program: its settings, the policy pack's verdicts on its plan, and the
Vercel provider's checks of the projects it declares."""

from crms_infra.offline.policy import PolicyPackError, one_line, pack_policies
from crms_infra.offline.project import load_stack_settings
from crms_infra.policy_config import PolicyConfigError, read_policy_config, unknown_policies
from crms_infra.preflight.findings import Finding
from crms_infra.preflight.subject import StackUnderCheck
from stacks.loader import SettingsError

VERCEL_PROJECT = "vercel:index/project:Project"


def settings_findings(subject: StackUnderCheck) -> list[Finding]:
    """What `stacks.loader` refuses: under `pulumi up` a RunError before any resource."""
    try:
        load_stack_settings(subject.project_dir, subject.stack)
    except SettingsError as error:
        findings = []
        for problem in error.problems:
            key = f"{problem.namespace}:{problem.key}"
            said = problem.render(error.stack_file).removeprefix(f"{error.stack_file}: {key} ")
            fix = f"change {key} in {error.stack_file}"
            found = Finding(
                "program-settings", error.stack_file, key, said, fix, stops_program=True
            )
            findings.append(found)
        return findings
    return []


def policy_config_findings(subject: StackUnderCheck) -> list[Finding]:
    """The file `--policy-pack-config policies/config.<stack>.json` names: the CLI stops when
    it cannot read it (os.ReadFile in LoadPolicyPackConfigFromFile) or parse it
    (parsePolicyPackConfig), both in pulumi/pulumi pkg/resource/analyzer/config.go."""
    name = f"config.{subject.stack}.json"
    where = f"policies/{name}"
    if not (subject.pack_dir / name).is_file():
        problem = "missing: the deploy steps' and CI's `--policy-pack-config` name it"
        fix = "create it; `{}` keeps every rule mandatory, with no exemption"
        return [Finding("policy-config-file", where, "--policy-pack-config", problem, fix)]
    flag = "--policy-pack-config"
    try:
        config = read_policy_config(subject.pack_dir, subject.stack)
    except PolicyConfigError as error:
        fix = "write it as the CLI reads it: {rule: level} or {rule: {enforcementLevel, ...}}"
        return [Finding("policy-config-file", where, flag, str(error), fix, stops_program=True)]
    try:
        names = [policy["name"] for policy in pack_policies(subject.pack_dir)]
    except PolicyPackError:  # the policy-pack rule reports a pack that does not start
        return []
    fix = "name one of the pack's policies (their names: policies/crms_rules/)"
    return [
        Finding("policy-config-file", where, flag, sentence, fix, stops_program=True)
        for sentence in (unknown_policies(config, names) if names else [])
    ]


def policy_pack_findings(subject: StackUnderCheck) -> list[Finding]:
    """Each mandatory violation, which fails `pulumi preview` and `pulumi up` alike."""
    policy = subject.plan()["policy"]
    return [
        Finding(
            "policy-pack",
            f"policies ({policy['pack']}, config.{subject.stack}.json)",
            violation["urn"] or f"stack {subject.stack}",
            f"{violation['policy']}: {one_line(violation['message'])}",
            "change the program or its settings so that the rule holds, or exempt the "
            f"resource in policies/config.{subject.stack}.json with a reason and an expiry",
        )
        for violation in policy["violations"]
        if violation["level"] == "mandatory"
    ]


def vercel_project_findings(subject: StackUnderCheck) -> list[Finding]:
    """What the Vercel provider refuses in a project's arguments (the rules and their sources
    are in components/function_limits.py)."""
    # Imported here, as in crms_infra/plan/render.py: the program's own `components` are the
    # ones the engine imported from the planned project's directory.
    from components.function_limits import project_config_problems

    return [
        Finding(
            "vercel-project-arguments",
            "components/compute.py",
            resource["urn"],
            f"the Vercel provider refuses it: {problem}",
            "correct the project's arguments in components/compute.py",
        )
        for resource in subject.plan()["resources"]
        if resource["type"] == VERCEL_PROJECT
        for problem in project_config_problems(resource["inputs"])
    ]
