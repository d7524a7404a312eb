"""What the reviewer's forms cost once a stack is planned: the plan's text and Markdown
(with each resource kind's summary), the diff dev -> prod and of an edited prod (policy
documents by statement, SQL as a unified diff) in Markdown with its diagram, the residency
report, and the SARIF of 100 findings (each located in a file). Prints the median of each; the plans
themselves are `benchmarks/plan.py`'s. Run with `make bench`.
"""

import copy
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from crms_infra.check.sarif import sarif_log  # noqa: E402
from crms_infra.diff.plans import diff_plans  # noqa: E402
from crms_infra.offline.engine import plan_stack  # noqa: E402
from crms_infra.plan.render import plan_markdown, plan_text  # noqa: E402
from crms_infra.plan_model import Plan, obj  # noqa: E402
from crms_infra.policy_config import read_policy_config  # noqa: E402
from crms_infra.residency.changes import diff_markdown_with_diagram  # noqa: E402
from crms_infra.residency.links import PlanIndex  # noqa: E402
from crms_infra.residency.render import report_markdown  # noqa: E402
from crms_infra.residency.report import residency_report  # noqa: E402

SAMPLES = 20


def median_ms(action: Callable[[], object]) -> float:
    times = []
    for _ in range(SAMPLES):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def edited(plan: Plan) -> Plan:
    """Prod with a migration grown by a line and a key policy widened by an action."""
    result = copy.deepcopy(plan)
    for resource in result["resources"]:
        inputs = resource["inputs"]
        if migrations := obj(inputs.get("migrations")):
            last = sorted(migrations)[-1]
            migrations[last] = f"{migrations[last]}SELECT 1;\n"
        if resource["name"] == "storage-key-policy":
            document = json.loads(str(inputs["policy"]))
            document["Statement"][0]["Action"].append("kms:ReplicateKey")
            inputs["policy"] = json.dumps(document)
    return result


def with_violations(plan: Plan, count: int) -> Plan:
    """The plan with `count` findings spread over its resources and the pack's rules."""
    result = copy.deepcopy(plan)
    rules = ["s3-log-retention", "residency-service-regions", "s3-versioning", "tags-required"]
    custom = [resource for resource in plan["resources"] if resource["custom"]]
    result["policy"]["violations"] = [
        {
            "policy": rules[number % len(rules)],
            "level": "mandatory",
            "urn": custom[number % len(custom)]["urn"],
            "message": "a finding",
        }
        for number in range(count)
    ]
    return result


def main() -> int:
    dev, prod = plan_stack(REPO, "dev"), plan_stack(REPO, "prod")
    prod_edited = edited(prod)
    prod_findings = with_violations(prod, 100)
    policy = read_policy_config(REPO / "policies", "prod")
    forms: dict[str, Callable[[], object]] = {
        "plan prod, text": lambda: plan_text(prod),
        "plan prod, Markdown": lambda: plan_markdown(prod),
        "diff dev -> prod, Markdown + diagram": lambda: diff_markdown_with_diagram(
            diff_plans(dev, prod, "dev", "prod"), 20_000
        ),
        "diff prod -> edited prod, Markdown": lambda: diff_markdown_with_diagram(
            diff_plans(prod, prod_edited, "base", "head"), 20_000
        ),
        "residency prod, Markdown": lambda: report_markdown(
            residency_report(prod, policy), PlanIndex(prod)
        ),
        "SARIF of prod with 100 findings": lambda: sarif_log(REPO, {"prod": prod_findings}, []),
    }
    for name, action in forms.items():
        print(f"{name:<40}{median_ms(action):8.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
