"""Markdown as GitHub reads it: parsed with markdown-it-py (CommonMark, its GFM table rule
on), so a table row that a raw newline or pipe breaks is found, not guessed at, and so is
a link, image or mention that a value made.

GitHub's extended autolinks (GFM 6.9) and mentions are not CommonMark, so they are looked
for in the parsed text as GitHub's renderer finds them: a URL's start (`http://`,
`https://`, `www.`) inside one run of text (a backslash escape ends a run: cmark-gfm and
markdown-it both match within a run), and an `@` or an issue's `#123` in the rendered
text, where GitHub's mention filter reads them."""

import re
from collections.abc import Collection

from markdown_it import MarkdownIt
from markdown_it.rules_block.table import escapedSplit
from markdown_it.token import Token

PARSER = MarkdownIt("commonmark").enable("table")
RUNS = MarkdownIt("commonmark").enable("table").disable("text_join")
"""The same, with each escaped character left a token of its own (not joined to its text)."""
_AUTOLINK_START = re.compile(r"(?:^|(?<=[\s*_~(]))(?:https?://|www\.)", re.IGNORECASE)
"""GFM 6.9: an extended autolink starts a line, or follows a space, `*`, `_`, `~` or `(`."""
_MENTION = re.compile(r"@(?!\u200b)|#(?=[0-9])")


def cells(line: str) -> int:
    """How many cells the table rule reads in one row (markdown-it's own split)."""
    columns = escapedSplit(line.strip())
    if columns and columns[0] == "":
        columns.pop(0)
    if columns and columns[-1] == "":
        columns.pop()
    return len(columns)


def problems(markdown: str, links: Collection[str] = ()) -> list[str]:
    """Every way the text breaks its tables, lets raw HTML through, or makes a link, image
    or mention the program did not write (`links`: the addresses it writes); [] when sound."""
    tokens = PARSER.parse(markdown)
    found = _link_problems(markdown, tokens, links)
    lines = markdown.splitlines()
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


def _link_problems(markdown: str, tokens: list[Token], links: Collection[str]) -> list[str]:
    found = []
    for token in _inline_children(tokens):
        if token.type == "image":
            found.append(f"an image from {token.attrGet('src')!r}")
        if token.type == "link_open" and token.attrGet("href") not in links:
            found.append(f"a link to {token.attrGet('href')!r}")
        if token.type == "text" and _MENTION.search(token.content):
            found.append(f"a mention or reference: {token.content[:60]!r}")
    for token in _inline_children(RUNS.parse(markdown)):
        if token.type == "text" and _AUTOLINK_START.search(token.content):
            found.append(f"an autolink GitHub would make: {token.content[:60]!r}")
    return found


def _inline_children(tokens: list[Token]) -> list[Token]:
    """The inline tokens of every block; the text inside a link is its own (so a link the
    program wrote shows its address) and left out."""
    children: list[Token] = []
    for token in tokens:
        inside_link = False
        for child in token.children or [] if token.type == "inline" else []:
            inside_link = (inside_link or child.type == "link_open") and child.type != "link_close"
            if not inside_link or child.type == "link_open":
                children.append(child)
    return children


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
