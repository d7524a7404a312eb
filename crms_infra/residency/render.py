"""The residency report as Markdown (for reviewers, with the stack's diagram) or JSON."""

import json
from collections import Counter
from dataclasses import asdict
from typing import Any

from crms_infra.markdown import table_cell, table_code
from crms_infra.residency.diagram import stack_diagram
from crms_infra.residency.links import PlanIndex
from crms_infra.residency.previews import previews_markdown
from crms_infra.residency.processors_render import processors_markdown
from crms_infra.residency.report import Entry, Report
from crms_infra.residency.verdicts import verdict_lines


def report_json(report: Report) -> str:
    body = {
        "project": report.project,
        "stack": report.stack,
        "summary": _summary(report),
        "entries": [{**asdict(entry), "meetsRules": entry.meets_rules} for entry in report.entries],
        "processors": [
            {**asdict(processor), "meetsRules": processor.meets_rules}
            for processor in report.processors
        ],
        "undeclaredProcessors": report.undeclared,
        "previews": (
            {**asdict(report.previews), "meetsRules": report.previews.meets_rules}
            if report.previews
            else None
        ),
    }
    return json.dumps(body, indent=2, sort_keys=True, default=str) + "\n"


def report_markdown(report: Report, index: PlanIndex) -> str:
    summary = _summary(report)
    lines = [
        f"# Data residency: `{report.project}` stack `{report.stack}`",
        "",
        f"{summary['resources']} resources hold or process customer data: "
        + ", ".join(f"{count} in {area}" for area, count in summary["byArea"].items())
        + f". {summary['meetingRules']} meet every revFADP rule of the policy pack"
        + (f", **{summary['violating']} do not**." if summary["violating"] else "."),
        "",
        "| resource | kind | provider | where | legal area | encryption | retention | rules |",
        "|---|---|---|---|---|---|---|---|",
    ]
    lines.extend(_row(entry) for entry in report.entries)
    lines += processors_markdown(report)
    lines += previews_markdown(report.previews)
    lines += ["", "## Where the data flows", "", "```mermaid", stack_diagram(report, index), "```"]
    lines += ["", "## Each resource", ""]
    for entry in report.entries:
        lines.extend(_details(entry))
    return "\n".join(lines) + "\n"


def _summary(report: Report) -> dict[str, Any]:
    areas = Counter(location.area.value for entry in report.entries for location in entry.locations)
    violating = sum(1 for entry in report.entries if not entry.meets_rules)
    processor_areas = Counter(
        location.area.value for processor in report.processors for location in processor.locations
    )
    return {
        "resources": len(report.entries),
        "byArea": dict(sorted(areas.items())),
        "meetingRules": len(report.entries) - violating,
        "violating": violating,
        "processors": len(report.processors),
        "processorsByArea": dict(sorted(processor_areas.items())),
        "undeclaredProcessors": len(report.undeclared),
    }


def _row(entry: Entry) -> str:
    where = ", ".join(location.label() for location in entry.locations)
    areas = ", ".join(sorted({location.area.value for location in entry.locations}))
    verdict = "meets" if entry.meets_rules else "**violates**"
    cells = [entry.kind, entry.provider, where, areas]
    cells = [table_code(entry.name), *(table_cell(cell) for cell in cells)]
    cells += [table_cell(entry.encryption), table_cell(entry.retention), verdict]
    return "| " + " | ".join(cells) + " |"


def _details(entry: Entry) -> list[str]:
    places = "; ".join(f"{where.label()}, {where.area.value}" for where in entry.locations)
    lines = [
        f"### `{entry.name}` ({entry.kind}, {entry.provider})",
        "",
        f"- URN: `{entry.urn}`",
        f"- where: {places}",
        f"- data: {entry.classification}",
        f"- encryption: {entry.encryption}",
        f"- retention: {entry.retention}",
        f"- deletion: {entry.deletion}",
        f"- replicated to: {', '.join(entry.replication) or 'nowhere'}",
        f"- readable by: {'; '.join(entry.readers) or 'nobody named in the plan'}",
        "- rules:",
        *verdict_lines(entry.verdicts),
    ]
    return [*lines, ""]
