"""The CRMS compliance policy pack, served (the rules live in crms_rules, assembled in
crms_rules/assembly.py).

Constructing the PolicyPack starts the analyzer server and blocks. The Pulumi CLI
(`--policy-pack policies`) runs this file; so does `crms-infra` for any pack but the one
beside it, which it loads into its own process (crms_infra/offline/pack_in_process.py).

The pack lives as long as one preview or plan: its imports and the resources it is sent
stay to the end, so the collector runs rarely (generation 0 after 50,000 allocations, not
700) and never walks the modules' objects again once they are loaded (`gc.freeze`), as
`crms-infra` itself does (crms_infra/__main__.py).
"""

import gc

gc.set_threshold(50_000, 50, 1_000)

# After the collector is tuned.
from crms_rules.assembly import DESCRIPTION, ENFORCEMENT_LEVEL, NAME, policies  # noqa: E402
from pulumi_policy import PolicyPack  # noqa: E402

gc.freeze()

PolicyPack(
    name=NAME, description=DESCRIPTION, enforcement_level=ENFORCEMENT_LEVEL, policies=policies()
)
