"""The CRMS compliance policy pack: assembly only (the rules live in crms_rules).

Constructing the PolicyPack starts the analyzer server and blocks; the Pulumi
CLI (`--policy-pack policies`) and `crms-infra plan` both run this file.
"""

from crms_rules.all_rules import ALL_RULES
from crms_rules.pack import to_policy
from pulumi_policy import EnforcementLevel, PolicyPack

PolicyPack(
    name="crms-compliance",
    description="Swiss data residency (revFADP) and hardening for the CRMS stacks.",
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=[to_policy(rule) for rule in ALL_RULES],
)
