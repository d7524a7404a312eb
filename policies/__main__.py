"""The CRMS compliance policy pack: assembly only (the rules live in crms_rules).

Constructing the PolicyPack starts the analyzer server and blocks; the Pulumi
CLI (`--policy-pack policies`) and `crms-infra plan` both run this file.

The pack lives as long as one preview or plan: its imports and the resources it is sent
stay to the end, so the collector runs rarely (generation 0 after 50,000 allocations, not
700) and never walks the modules' objects again once they are loaded (`gc.freeze`), as
`crms-infra` itself does (crms_infra/__main__.py).
"""

import gc

gc.set_threshold(50_000, 50, 1_000)

from crms_rules.all_rules import ALL_RULES  # noqa: E402 (after the collector is tuned)
from crms_rules.pack import to_policy  # noqa: E402
from pulumi_policy import EnforcementLevel, PolicyPack  # noqa: E402

gc.freeze()

PolicyPack(
    name="crms-compliance",
    description="Swiss data residency (revFADP) and hardening for the CRMS stacks.",
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=[to_policy(rule) for rule in ALL_RULES],
)
