"""The policy pack's findings on every stack as SARIF 2.1.0, for GitHub code scanning.

One run of the pack as the tool, its policies as the rules (from the pack itself), and one
result per violation, located where the finding comes from (crms_infra/sarif_locations.py).
Written to the OASIS SARIF 2.1.0 schema; GitHub reads `properties.security-severity`
(0.0-10.0) to rank findings (docs.github.com, "SARIF support for code scanning").
"""

import json
from pathlib import Path
from typing import Any

from crms_infra.markdown import one_line
from crms_infra.plan_model import Plan, Violation
from crms_infra.sarif_locations import Locator

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"mandatory": "error", "advisory": "warning", "remediate": "warning"}
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}


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
