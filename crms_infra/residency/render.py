"""The residency report as text (a line per holder), Markdown (for reviewers, with the stack's
diagram) or JSON."""

import json
from collections import Counter
from dataclasses import asdict
from typing import Any

from crms_infra.markdown import code_span, plain, table_cell, table_code
from crms_infra.residency.diagram import stack_diagram
from crms_infra.residency.links import PlanIndex
from crms_infra.residency.previews import previews_markdown
from crms_infra.residency.processors_render import processors_markdown
from crms_infra.residency.report import Entry, Report
from crms_infra.residency.verdicts import verdict_lines
from stacks.escape import safe_line


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
        f"# Data residency: {code_span(report.project)} stack {code_span(report.stack)}",
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


def report_text(report: Report) -> str:
    """One line per data holder and per processor: where it lives, and its verdict."""
    summary = _summary(report)
    lines = [
        f"{report.project} / {report.stack}: {summary['resources']} resources hold or process "
        "customer data ("
        + ", ".join(f"{count} in {area}" for area, count in summary["byArea"].items())
        + f"); {summary['violating']} violate a rule",
        "",
    ]
    for entry in report.entries:
        where = "; ".join(f"{place.label()}, {place.area.value}" for place in entry.locations)
        verdict = "meets the rules" if entry.meets_rules else "VIOLATES a rule"
        lines.append(f"  {entry.name} ({entry.kind}, {entry.provider}): {where}: {verdict}")
    if report.processors:
        lines += ["", "Processors the stack hands keys to:"]
    for processor in report.processors:
        where = "; ".join(f"{place.label()}, {place.area.value}" for place in processor.locations)
        verdict = "meets the rules" if processor.meets_rules else "VIOLATES a rule"
        lines.append(f"  {processor.name} ({processor.entity}): {where}: {verdict}")
    lines += [f"  undeclared: {message}" for message in report.undeclared]
    return "".join(f"{safe_line(line)}\n" for line in lines)


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
        f"### {code_span(entry.name)} ({plain(entry.kind)}, {plain(entry.provider)})",
        "",
        f"- URN: {code_span(entry.urn)}",
        f"- where: {plain(places)}",
        f"- data: {plain(entry.classification)}",
        f"- encryption: {plain(entry.encryption)}",
        f"- retention: {plain(entry.retention)}",
        f"- deletion: {plain(entry.deletion)}",
        f"- replicated to: {plain(', '.join(entry.replication) or 'nowhere')}",
        f"- readable by: {plain('; '.join(entry.readers) or 'nobody named in the plan')}",
        "- rules:",
        *verdict_lines(entry.verdicts),
    ]
    return [*lines, ""]
