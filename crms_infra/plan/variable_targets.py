"""What each Vercel variable holds in each target (production, preview, development), per
project, from a plan: its value as the plan shows it (`[secret]` for a sensitive one) and
the resources it is made from (a database, another stack's reference)."""

from crms_infra.markdown import code_span, table_cell, table_code
from crms_infra.plan_model import Plan
from crms_infra.residency.links import PlanIndex, as_list

VARIABLE = "vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable"
PROJECT = "vercel:index/project:Project"
TARGETS = ("production", "preview", "development")
NOT_SET = "—"

ByTarget = dict[str, dict[str, dict[str, str]]]
"""Project name -> variable key -> target -> what it holds."""


def variables_by_target(plan: Plan) -> ByTarget:
    index = PlanIndex(plan)
    found: ByTarget = {}
    for variable in index.of_type(VARIABLE):
        inputs = variable["inputs"]
        project = index.resolve(inputs.get("projectId"), PROJECT)
        name = str(project["inputs"].get("name", project["name"])) if project else "?"
        sources = sorted(
            source["name"]
            for urn in variable["dependencies"]
            if (source := index.by_urn.get(urn)) and source["type"] not in (PROJECT, VARIABLE)
        )
        held = str(inputs.get("value"))
        if sources:
            held += f" from {', '.join(sources)}"
        for target in as_list(inputs.get("targets")):
            found.setdefault(name, {}).setdefault(str(inputs.get("key")), {})[str(target)] = held
    return found


def variables_markdown(plan: Plan) -> list[str]:
    """A table per project: a row per variable, a column per target."""
    lines: list[str] = []
    for project, variables in sorted(variables_by_target(plan).items()):
        lines += ["", f"**Vercel variables of {code_span(project)}, by target**", ""]
        lines += ["| variable | " + " | ".join(TARGETS) + " |", "|---|---|---|---|"]
        for key, held in sorted(variables.items()):
            cells = [table_cell(held.get(target, NOT_SET)) for target in TARGETS]
            lines.append(f"| {table_code(key)} | {' | '.join(cells)} |")
    return lines
