"""Markdown as GitHub reads it: parsed with markdown-it-py (CommonMark, its GFM table rule
on), so a table row that a raw newline or pipe breaks is found, not guessed at."""

from markdown_it import MarkdownIt
from markdown_it.rules_block.table import escapedSplit
from markdown_it.token import Token

PARSER = MarkdownIt("commonmark").enable("table")


def cells(line: str) -> int:
    """How many cells the table rule reads in one row (markdown-it's own split)."""
    columns = escapedSplit(line.strip())
    if columns and columns[0] == "":
        columns.pop(0)
    if columns and columns[-1] == "":
        columns.pop()
    return len(columns)


def problems(markdown: str) -> list[str]:
    """Every way the text breaks its tables or lets raw HTML through; [] when sound."""
    tokens = PARSER.parse(markdown)
    lines = markdown.splitlines()
    found: list[str] = []
    in_tables: set[int] = set()
    for number, token in enumerate(tokens):
        if token.type in ("html_block", "html_inline"):
            found.append(f"raw HTML at line {_line(token)}: {token.content[:60]!r}")
        if token.type == "inline":
            found += [
                f"raw HTML at line {_line(token)}: {child.content[:60]!r}"
                for child in token.children or []
                if child.type == "html_inline"
            ]
        if token.type == "table_open" and token.map:
            in_tables.update(range(*token.map))
            found += _table_problems(tokens[number:], lines)
    for index, line in enumerate(lines):
        if line.startswith("|") and index not in in_tables and not _in_code(tokens, index):
            found.append(f"line {index + 1} looks like a table row but is not in a table")
    return found


def table_count(markdown: str) -> int:
    return sum(1 for token in PARSER.parse(markdown) if token.type == "table_open")


def _table_problems(tokens: list[Token], lines: list[str]) -> list[str]:
    found = []
    header = 0
    for token in tokens:
        if token.type == "th_open":
            header += 1
        if token.type == "tr_open" and token.map and header:
            line = lines[token.map[0]]
            if not line.startswith("|") or cells(line) != header:
                found.append(f"line {token.map[0] + 1} has {cells(line)} cells, not {header}")
        if token.type == "table_close":
            break
    return found


def _in_code(tokens: list[Token], index: int) -> bool:
    return any(
        token.type in ("fence", "code_block") and token.map and token.map[0] <= index < token.map[1]
        for token in tokens
    )


def _line(token: Token) -> int:
    return token.map[0] + 1 if token.map else 0
