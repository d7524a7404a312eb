"""Text that reaches a terminal or a Markdown comment safely, whatever a plan holds.

Plan values come from stack files and program sources: they may hold newlines, pipes,
backticks, angle brackets and control characters. Each helper here keeps one of them
from breaking what surrounds it (a table row, a code span, a fenced block, a CI log),
following CommonMark 0.31 (spec.commonmark.org: code spans 6.1, fenced code blocks 4.5)
and GitHub's table extension (github.github.com/gfm, "Tables": a pipe inside a cell is
written `\\|`, and a row is one line).

Text outside code spans is read literally (`plain`): a value makes no link, image or
mention in a pull request's comment. Brackets are backslash-escaped (no `[l](url)`, no
`![x](url)`: CommonMark 6.3, 6.4); angle brackets are entities (no `<url>` autolink, no raw
HTML); GitHub's extended autolinks (GFM 6.9: `www.`, `http://`, `https://`) lose their
trigger to an escape (`www\\.`, `\\://`). GitHub finds `@mentions`, `#123` references and
e-mail addresses in the rendered text, where no escape is left, so a zero-width space
(`&#8203;`) follows every `@` and every `#` before a digit, as Renovate writes its pull
requests (renovatebot/renovate, lib/util/markdown.ts, sanitizeMarkdown). Code spans need
none of this: nothing inside one is a link or a mention.
"""

import re

from stacks.escape import safe_line

_BACKTICKS = re.compile(r"`+")
_LINK_TRIGGERS = re.compile(r"[\[\]]|:(?=//)|(?<=www)\.", re.IGNORECASE)
"""What a backslash disarms: a link's or image's brackets, an extended autolink's start."""
_MENTIONS = re.compile(r"@|#(?=[0-9])")
"""What only a zero-width space after it disarms: a mention, an e-mail, an issue number."""


def printable(text: str) -> str:
    """Each line of `text` escaped as stacks/escape.py escapes a line (unprintable
    characters, workflow commands), the newlines between them kept: no terminal or CI
    runner reads a plan's text as a command."""
    return "\n".join(safe_line(line) for line in text.split("\n"))


def one_line(text: str) -> str:
    """Text for a single line: newlines and tabs shown as `⏎` and a space."""
    return printable(text.replace("\r\n", "⏎").replace("\n", "⏎").replace("\t", " "))


def code_span(text: str) -> str:
    """An inline code span holding `text` verbatim (one line), whatever backticks it has."""
    content = one_line(text)
    longest = max((len(run) for run in _BACKTICKS.findall(content)), default=0)
    fence = "`" * (longest + 1)
    padded = f" {content} " if content.startswith("`") or content.endswith("`") else content
    return f"{fence}{padded}{fence}"


def plain(text: str) -> str:
    """Plain text for one line of Markdown (a heading, a list item), read literally:
    backslashes escaped, no raw HTML, no link, image, autolink or mention."""
    content = one_line(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    content = _LINK_TRIGGERS.sub(r"\\\g<0>", content.replace("\\", "\\\\"))
    return _MENTIONS.sub("\\g<0>&#8203;", content)


def table_cell(text: str) -> str:
    """Plain text for one cell of a GitHub table: `plain`, its pipes escaped too."""
    return plain(text).replace("|", "\\|")


def table_code(text: str) -> str:
    """A code span for a table cell: GitHub splits cells before code spans, so even there
    a pipe is written `\\|`."""
    return code_span(text).replace("|", "\\|")


def fenced(lines: list[str], language: str = "", indent: str = "") -> list[str]:
    """A fenced code block of `lines`, indented (inside a list item), its fence longer
    than any backtick run inside so that no line can close it."""
    body = [printable(line) for line in lines]
    longest = max((len(run) for line in body for run in _BACKTICKS.findall(line)), default=0)
    fence = "`" * max(3, longest + 1)
    return [f"{indent}{fence}{language}", *(f"{indent}{line}" for line in body), f"{indent}{fence}"]
