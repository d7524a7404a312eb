"""The documentation: a short README that leads into docs/, one page per journey, built strict
by MkDocs, and figures that are the commands' own."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from markdown.extensions.toc import slugify

from crms_infra.preflight.rules import RULES
from tests.conftest import REPO, STACKS

DOCS = REPO / "docs"
CLI = str(Path(sys.executable).parent / "crms-infra")
MKDOCS = str(Path(sys.executable).parent / "mkdocs")
PAGES = [
    "index", "deploy", "takeover", "operate", "policies", "cost", "ci", "ops-app", "settings",
    "design", "troubleshooting", "benchmarks",
]  # fmt: skip
LINK = re.compile(r"\]\(([^)\s]+)\)")


def headings_anchors(page: Path) -> set[str]:
    """The anchors of a page's headings, as Python-Markdown's toc (and GitHub) make them."""
    text = re.sub(r"^```.*?^```", "", page.read_text(), flags=re.MULTILINE | re.DOTALL)
    return {slugify(m, "-") for m in re.findall(r"^#+ (.+)$", text, re.MULTILINE)}


def test_the_readme_is_a_landing_page_of_at_most_200_lines() -> None:
    readme = (REPO / "README.md").read_text()
    assert len(readme.splitlines()) <= 200
    assert "make plan STACK=prod\nmake test\n" in readme  # the two commands, as .ci/run runs one


def test_every_link_of_the_readme_reaches_a_page_and_its_heading() -> None:
    links = LINK.findall((REPO / "README.md").read_text())
    assert {link.split("#")[0] for link in links} >= {f"docs/{page}.md" for page in PAGES[1:]}
    links += LINK.findall((REPO / "CONTRIBUTING.md").read_text())
    for link in links:
        path, _, anchor = link.partition("#")
        assert (REPO / path).is_file(), link
        if anchor:
            assert anchor in headings_anchors(REPO / path), link


def test_docs_hold_the_journeys_pages_and_the_site_lists_each() -> None:
    assert sorted(page.stem for page in DOCS.glob("*.md")) == sorted(PAGES)
    nav = re.findall(r"^  - [^:]+: (\S+)\.md$", (REPO / "mkdocs.yml").read_text(), re.MULTILINE)
    assert nav == PAGES


STRICT_BUILD_ENV = {"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"}


@pytest.fixture(scope="module")
def docs_that_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the docs and mkdocs.yml that builds strict as committed (built once)."""
    copy = tmp_path_factory.mktemp("docs-copy")
    shutil.copytree(DOCS, copy / "docs")
    shutil.copy(REPO / "mkdocs.yml", copy)
    build = [MKDOCS, "build", "--strict", "--site-dir", str(copy / "site")]
    clean = subprocess.run(build, cwd=copy, capture_output=True, text=True, env=STRICT_BUILD_ENV)
    assert clean.returncode == 0, clean.stderr
    return copy


@pytest.mark.parametrize("broken", ["[x](deploy.md#no-such-heading)", "[x](no-such-page.md)"])
def test_the_strict_build_fails_on_a_broken_link(
    docs_that_build: Path, tmp_path: Path, broken: str
) -> None:
    shutil.copytree(docs_that_build / "docs", tmp_path / "docs")
    shutil.copy(docs_that_build / "mkdocs.yml", tmp_path)
    build = [MKDOCS, "build", "--strict", "--site-dir", str(tmp_path / "site")]
    env = STRICT_BUILD_ENV
    with (tmp_path / "docs" / "index.md").open("a") as index:
        index.write(f"\n{broken}\n")
    result = subprocess.run(build, cwd=tmp_path, capture_output=True, text=True, env=env)
    assert result.returncode == 1
    (warning,) = [line for line in result.stderr.splitlines() if line.startswith("WARNING")]
    assert "no-such-" in warning


def test_the_cost_table_is_what_the_cost_command_prints() -> None:
    """docs/cost.md's table of the committed stacks, row by row, against `crms-infra cost`."""
    rows = dict(
        (m.group(1), m.groups()[1:])
        for m in re.finditer(
            r"^\| (\w+) \| \$([\d.,]+) \| \$([\d.,]+) \| (\d+) of (\d+) \| \$(\d+) \|$",
            (DOCS / "cost.md").read_text(),
            re.MULTILINE,
        )
    )
    assert sorted(rows) == sorted(STACKS)
    for stack in STACKS:
        printed = json.loads(
            subprocess.run(
                [CLI, "cost", stack, "--format", "json"],
                capture_output=True, text=True, timeout=300, check=True,
            ).stdout
        )  # fmt: skip
        assert rows[stack] == (
            f"{printed['totalUsd']:.2f}",
            f"{printed['fromSettingsUsd']:.2f}",
            str(printed["unknownLines"]),
            str(len(printed["lines"])),
            str(printed["budgetUsd"]),
        ), stack


def test_the_layout_names_every_folder_and_every_tooling_package() -> None:
    design = (DOCS / "design.md").read_text()
    layout = design.split("## Layout", 1)[1].split("\n## ", 1)[0]
    block = layout.split("```", 2)[1]
    folders = {line.split()[0] for line in block.splitlines() if line and not line[0].isspace()}
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.split()
    top = {path.split("/")[0] + "/" for path in tracked if "/" in path and path[0] != "."}
    assert top <= folders


def test_the_tooling_is_listed_by_command_one_line_per_entry() -> None:
    """Every module and package at the top of crms_infra/ has its line, and no line names
    an entry that is gone."""
    design = (DOCS / "design.md").read_text()
    section = design.split("### The tooling, by command", 1)[1]
    block = section.split("```", 2)[1].removeprefix("text\n")
    listed = [line.split()[0] for line in block.splitlines() if line and not line[0].isspace()]
    tooling = REPO / "crms_infra"
    entries = {p.name for p in tooling.glob("*.py") if p.name != "__init__.py"}
    entries |= {f"{p.parent.name}/" for p in tooling.glob("*/__init__.py")}
    assert sorted(listed) == sorted(entries)
    assert len(listed) == len(set(listed))
    commands = {p.parent.name for p in tooling.glob("*/command.py")}
    assert {"plan", "diff", "bundle", "residency", "cost", "adopt"} <= commands


def test_no_page_points_at_a_document_the_repository_does_not_have() -> None:
    for page in DOCS.glob("*.md"):
        assert "architecture document" not in page.read_text(), page


def test_the_preflight_table_lists_the_rules_in_their_order() -> None:
    deploy = (DOCS / "deploy.md").read_text()
    table = deploy.split("### Preflight", 1)[1].split("\n\n| rule |", 1)[1].split("\n\n", 1)[0]
    names = re.findall(r"^\| `([a-z-]+)` \|", table, re.MULTILINE)
    assert names == [rule.name for rule in RULES]


def test_the_diagrams_are_where_the_pages_say() -> None:
    """Neither Markdown ends with its Mermaid diagram: the residency report's comes after the
    processors, the diff's after the outputs and before the monthly change."""
    policies = " ".join((DOCS / "policies.md").read_text().split())
    assert 'diagram (its section "Where the data flows", after the processors)' in policies
    assert "diagram (after the outputs, before the monthly change)" in policies

    def markdown(*argv: str) -> str:
        command = [CLI, *argv, "--format", "markdown"]
        return subprocess.run(command, capture_output=True, text=True, timeout=300).stdout

    report = markdown("residency", "prod")
    assert report.index("## Processors") < report.index("```mermaid") < report.index("## Each")
    diff = markdown("diff", "dev", "prod")
    assert diff.index("#### Outputs") < diff.index("```mermaid") < diff.index("#### Monthly cost")
