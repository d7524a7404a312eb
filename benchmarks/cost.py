"""What pricing a stack costs: loading the price files, estimating each stack's plan (what
every text or Markdown plan now does at its end), rendering the cost report, and the pack's
cost-budget rule on the prod stack as the analyzer sees it. Run with `make bench`.

The plans themselves are made once, outside the timings (see benchmarks/plan.py for those).
"""

import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "policies"))  # the pack's rules import as `crms_rules`

from crms_pricing.prices import PriceBook  # noqa: E402
from crms_rules.budget import within_budget  # noqa: E402
from crms_rules.core import Resource  # noqa: E402

from crms_infra.cost.plan_costs import plan_cost  # noqa: E402
from crms_infra.cost.render import cost_text  # noqa: E402
from crms_infra.offline.engine import plan_stack  # noqa: E402

SAMPLES = 30
STACKS = ("dev", "staging", "prod")


def median_ms(action: Callable[[], object]) -> float:
    times = []
    for _ in range(SAMPLES):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> None:
    print(f"load the price files: {median_ms(PriceBook.load):.2f} ms")
    plans = {stack: plan_stack(REPO, stack) for stack in STACKS}
    for name, plan in plans.items():
        lines = len(plan_cost(plan).estimate.lines)
        print(f"estimate {name} ({lines} lines): {median_ms(partial(plan_cost, plan)):.2f} ms")
    prod = plans["prod"]
    print(f"render the prod report as text: {median_ms(lambda: cost_text(plan_cost(prod))):.2f} ms")
    view = [
        Resource(r["type"], r["name"], r["urn"], r["inputs"], dependencies=tuple(r["dependencies"]))
        for r in prod["resources"]
    ]
    # The analyzer gives the root stack its outputs as properties.
    at = next(index for index, r in enumerate(view) if r.type == "pulumi:pulumi:Stack")
    view[at] = Resource(view[at].type, view[at].name, view[at].urn, prod["outputs"])
    rule_ms = median_ms(lambda: list(within_budget(view, {})))
    print(f"the pack's cost-budget rule on prod (price files loaded once): {rule_ms:.2f} ms")


if __name__ == "__main__":
    main()
