"""The pack as the engine is served it: its name, description, default level and policies.

policies/__main__.py serves these (pulumi_policy's PolicyPack), as the Pulumi CLI runs it;
`crms-infra` loads the same into its own process for its offline plans
(crms_infra/offline/pack_in_process.py). One assembly, so both evaluate one pack.
"""

from pulumi_policy import EnforcementLevel, Policy

from crms_rules.all_rules import ALL_RULES
from crms_rules.pack import to_policy

NAME = "crms-compliance"
DESCRIPTION = "Swiss data residency (revFADP) and hardening for the CRMS stacks."
ENFORCEMENT_LEVEL = EnforcementLevel.MANDATORY


def policies() -> list[Policy]:
    return [to_policy(rule) for rule in ALL_RULES]
