"""The policy pack's findings on every stack as SARIF 2.1.0, for GitHub code scanning.

One run of the pack as the tool, its policies as the rules (from the pack itself), and one
result per violation, located where the finding comes from (crms_infra/check/sarif_locations.py).
Written to the OASIS SARIF 2.1.0 schema; GitHub reads `properties.security-severity`
(0.0-10.0) to rank findings (docs.github.com, "SARIF support for code scanning").
"""

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from crms_infra import cli_inputs
from crms_infra.check.sarif_locations import Locator
from crms_infra.cli_face import EXIT_OK, EXIT_POLICY
from crms_infra.markdown import one_line
from crms_infra.offline.policy import pack_policies
from crms_infra.offline.project import stack_names
from crms_infra.plan_model import Plan, Violation
from stacks.escape import safe_line

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"mandatory": "error", "advisory": "warning", "remediate": "warning"}
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}


def run(args: argparse.Namespace) -> int:
    """`crms-infra check`: the pack's findings on every stack, as text or SARIF."""
    project_dir = cli_inputs.project_dir(args)
    plans = {stack: cli_inputs.planned(project_dir, stack) for stack in stack_names(project_dir)}
    failed = any(
        violation["level"] == "mandatory"
        for plan in plans.values()
        for violation in plan["policy"]["violations"]
    )
    if args.format == "sarif":
        policies = pack_policies(project_dir / "policies")
        sys.stdout.write(sarif_log(project_dir, plans, policies))
        return EXIT_POLICY if failed else EXIT_OK
    for stack, plan in plans.items():
        policy = plan["policy"]
        mandatory = [v for v in policy["violations"] if v["level"] == "mandatory"]
        total = len(policy["violations"])
        print(safe_line(f"{stack}: {len(mandatory)} mandatory, {total} in all ({policy['pack']})"))
        for violation in policy["violations"]:
            line = f"  [{violation['level']}] {violation['policy']}: {violation['message']}"
            print(safe_line(line))
    return EXIT_POLICY if failed else EXIT_OK


def sarif_log(project_dir: Path, plans: dict[str, Plan], policies: list[dict[str, str]]) -> str:
    rules = [_rule(policy) for policy in sorted(policies, key=lambda p: p["name"])]
    index = {rule["id"]: number for number, rule in enumerate(rules)}
    locator = Locator(project_dir)
    results = [
        _result(locator, stack, plan, violation, index)
        for stack, plan in sorted(plans.items())
        for violation in plan["policy"]["violations"]
        if violation["level"] != "disabled"
    ]
    pack = next((plan["policy"]["pack"] for plan in plans.values()), "") or "crms-compliance"
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": pack, "rules": rules}}, "results": results}],
    }
    return json.dumps(log, indent=2, sort_keys=True) + "\n"


def _rule(policy: dict[str, str]) -> dict[str, Any]:
    description = one_line(policy["description"])
    return {
        "id": policy["name"],
        "name": policy["name"],
        "shortDescription": {"text": description},
        "fullDescription": {"text": description},
        "help": {"text": one_line(policy["remediation"]) or description},
        "defaultConfiguration": {"level": "error"},
        "properties": {
            "security-severity": SECURITY_SEVERITY.get(policy["severity"], "5.5"),
            "tags": ["security", "compliance"],
        },
    }


def _result(
    locator: Locator,
    stack: str,
    plan: Plan,
    violation: Violation,
    index: dict[str, int],
) -> dict[str, Any]:
    urn = violation["urn"]
    types = {resource["urn"]: resource["type"] for resource in plan["resources"]}
    place = locator.locate(stack, violation, types.get(urn or ""))
    where = urn.rsplit("::", 1)[-1] if urn else "the stack"
    result: dict[str, Any] = {
        "ruleId": violation["policy"],
        "level": LEVELS.get(violation["level"], "warning"),
        "message": {"text": one_line(f"{stack}: {where}: {violation['message']}")},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": place.path},
                    "region": {"startLine": place.line},
                },
                "logicalLocations": [
                    {"fullyQualifiedName": urn or f"stack {stack}", "kind": "resource"}
                ],
            }
        ],
    }
    if violation["policy"] in index:
        result["ruleIndex"] = index[violation["policy"]]
    return result
