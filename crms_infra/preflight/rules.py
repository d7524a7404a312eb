"""The one list of what preflight checks, each rule with who refuses it and the source that
says so. The offline plan applies the same rules (`PlanUse` says how), so the two agree."""

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from crms_infra.offline.project import load_stack_settings
from crms_infra.preflight import program_rules
from crms_infra.preflight.build_rule import build_findings
from crms_infra.preflight.cli_config import cli_config_findings
from crms_infra.preflight.findings import Finding
from crms_infra.preflight.subject import StackUnderCheck


class PlanUse(StrEnum):
    """What the offline plan (`crms-infra plan`) does with a rule."""

    STOPS = "the plan stops too (exit 2)"
    FAILS = "the plan fails too (exit 1)"
    NOTES = "the plan runs on, and says in one line what preflight will refuse"
    NONE = "preflight only"


@dataclass(frozen=True)
class Rule:
    name: str
    refused_by: str
    source: str
    plan_use: PlanUse
    check: Callable[[StackUnderCheck], list[Finding]]
    needs_plan: bool = False
    """Whether the check reads the offline plan (it cannot run when the program stops)."""


def _cli_config(subject: StackUnderCheck) -> list[Finding]:
    return cli_config_findings(subject.project_dir, subject.stack)


def _build(subject: StackUnderCheck) -> list[Finding]:
    settings = load_stack_settings(subject.project_dir, subject.stack)
    return build_findings(subject.project_dir, subject.stack, settings)


RULES: tuple[Rule, ...] = (
    Rule(
        name="cli-config",
        refused_by="the Pulumi CLI, before the program runs",
        source="pulumi/pulumi pkg/workspace/config.go (ValidateStackConfigAndApplyProjectConfig, "
        "validateStackConfigValue), sdk/go/common/workspace/project.go (ValidateConfigValue, "
        "Project.Validate), sdk/go/common/resource/config/key.go (ParseKey)",
        plan_use=PlanUse.NOTES,
        check=_cli_config,
    ),
    Rule(
        name="program-settings",
        refused_by="the program (stacks/loader.py), before any resource",
        source="stacks/settings.py and stacks/loader.py, with the sources they cite "
        "(the providers' config keys: stacks/provider_config.py)",
        plan_use=PlanUse.STOPS,
        check=program_rules.settings_findings,
    ),
    Rule(
        name="policy-config-file",
        refused_by="the Pulumi CLI (--policy-pack-config)",
        source="pulumi/pulumi pkg/resource/analyzer/config.go (LoadPolicyPackConfigFromFile, "
        "parsePolicyPackConfig)",
        plan_use=PlanUse.NONE,
        check=program_rules.policy_config_findings,
    ),
    Rule(
        name="build",
        refused_by="the program (a stale build), the Vercel provider (no or unreadable output) "
        "and Vercel's deployment API (an output over its limits)",
        source="stacks/bundle.py (check_build); vercel/terraform-provider-vercel "
        "vercel/data_source_prebuilt_project.go (no prebuilt output; processVCConfigFile), "
        "as crms_infra/offline/mocks.py reads a build; Vercel's limits with their sources in "
        "crms_infra/bundle/vercel_limits.py",
        plan_use=PlanUse.STOPS,
        check=_build,
    ),
    Rule(
        name="policy-pack",
        refused_by="the policy pack, as `--policy-pack policies --policy-pack-config "
        "policies/config.<stack>.json` runs it",
        source="policies/crms_rules/ (each rule's description and remediation); the engine's "
        "Analyze and AnalyzeStack calls, as crms_infra/offline/policy.py makes them",
        plan_use=PlanUse.FAILS,
        check=program_rules.policy_pack_findings,
        needs_plan=True,
    ),
    Rule(
        name="vercel-project-arguments",
        refused_by="the Vercel provider",
        source="vercel/terraform-provider-vercel vercel/resource_project.go and "
        "vercel/resource_project_validators.go, as components/function_limits.py cites them",
        plan_use=PlanUse.STOPS,
        check=program_rules.vercel_project_findings,
        needs_plan=True,
    ),
)
