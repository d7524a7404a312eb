"""Mermaid's own parser (npm `mermaid`, pinned in package-lock.json), run by Node."""

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

SCRIPT = Path(__file__).with_name("mermaid_parse.mjs")


def parse_mermaid(diagrams: list[str]) -> list[dict[str, Any]]:
    """One result per diagram: {"ok": True, "type": ...} or {"ok": False, "error": ...}."""
    node = shutil.which("node")
    assert node, "Node.js is needed: the tests parse diagrams with Mermaid's own parser"
    completed = subprocess.run(
        [node, str(SCRIPT)],
        input=json.dumps(diagrams),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        cwd=SCRIPT.parents[2],  # the checkout, whose node_modules holds mermaid
    )
    results: list[dict[str, Any]] = json.loads(completed.stdout)
    return results


def mermaid_blocks(markdown: str) -> list[str]:
    """The bodies of the ```mermaid blocks of a Markdown text."""
    parts = markdown.split("```mermaid\n")[1:]
    return [part.split("\n```", 1)[0] for part in parts]
