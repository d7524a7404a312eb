"""The processors section of the residency report's Markdown: a table, then each one's
keys, variables, dated sources and rules."""

import re
from collections import Counter

from crms_infra.markdown import code_span, plain, table_cell
from crms_infra.residency.previews import processor_previews_line
from crms_infra.residency.processors import ProcessorEntry
from crms_infra.residency.report import Report
from crms_infra.residency.verdicts import verdict_lines

_PLAIN_URL = re.compile(r"https://[^\s<>\\`]+")


def processors_markdown(report: Report) -> list[str]:
    if not report.processors and not report.undeclared:
        return []
    areas = Counter(
        location.area.value for processor in report.processors for location in processor.locations
    )
    lines = [
        "",
        "## Processors the stack hands keys to",
        "",
        f"{len(report.processors)} external processors receive personal data through keys "
        "or addresses the stack holds (places: "
        + ", ".join(f"{count} in {area}" for area, count in sorted(areas.items()))
        + "). Each is declared in `stacks/processors.py`.",
        "",
        "| processor | data | where | legal area | transfer basis | rules |",
        "|---|---|---|---|---|---|",
    ]
    lines += [_row(processor) for processor in report.processors]
    if report.undeclared:
        lines += ["", "**Keys handed to processors the stack does not declare:**", ""]
        lines += [f"- {plain(message)}" for message in report.undeclared]
    for processor in report.processors:
        lines += _details(processor)
        lines += processor_previews_line(report.previews, processor.variables)
    return lines


def _row(processor: ProcessorEntry) -> str:
    where = "; ".join(location.label() for location in processor.locations)
    areas = ", ".join(sorted({location.area.value for location in processor.locations}))
    verdict = "meets" if processor.meets_rules else "**violates**"
    cells = [processor.name, processor.data, where, areas, processor.transfer_basis]
    return "| " + " | ".join([*(table_cell(cell) for cell in cells), verdict]) + " |"


def _details(processor: ProcessorEntry) -> list[str]:
    sources = "; ".join(
        f"{_link(source.get('url', ''))} (read {plain(source.get('read', ''))})"
        for source in processor.sources
    )
    keys = ", ".join(code_span(key) for key in processor.secret_keys) or "none"
    variables = ", ".join(code_span(name) for name in processor.variables) or "none"
    return [
        "",
        f"### {plain(processor.name)}: {plain(processor.entity)}",
        "",
        f"- keys: {keys}; Vercel variables: {variables}",
        f"- sources: {sources}",
        "- rules:",
        *verdict_lines(processor.verdicts),
    ]


def _link(url: str) -> str:
    """A source's page as an autolink, if it is one plain https address; else plain text."""
    return f"<{url}>" if url.isprintable() and _PLAIN_URL.fullmatch(url) else plain(url)
