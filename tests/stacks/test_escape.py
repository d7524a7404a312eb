"""stacks.escape: text from a stack file printed without control characters, workflow
commands or unbounded length."""

import pytest

from stacks.escape import capped, printable, safe_line, safe_lines


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("plain text: fine", "plain text: fine"),
        ("a\nb\r\tc", "a\\nb\\r\\tc"),
        ("\x1b[31mred\x00", "\\x1b[31mred\\x00"),
        ("\u202eflipped\u2028next", "\\u202eflipped\\u2028next"),
        ("emoji \U000e0041 tag", "emoji \\U000e0041 tag"),
        ("Zürich ok", "Zürich ok"),
        ("a ##[error]b", "a #\\x23[error]b"),
    ],
)
def test_unprintable_characters_and_old_commands_are_escaped(text: str, shown: str) -> None:
    assert printable(text) == shown


def test_escaping_twice_changes_nothing() -> None:
    once = printable("\x1b\n##[x] \\n")
    assert printable(once) == once


def test_a_long_text_is_cut_saying_how_long() -> None:
    assert printable("x" * 100, 10) == "xxxxxxxxxx… (100 characters)"
    assert printable("x" * 10, 10) == "x" * 10


@pytest.mark.parametrize("line", ["::error::x", "   ::warning file=a::b", "\t::add-mask::s"])
def test_a_line_never_starts_a_workflow_command(line: str) -> None:
    assert not safe_line(line).lstrip().startswith("::")  # a tab is written as \t


def test_lines_are_capped_saying_how_many_more() -> None:
    assert list(safe_lines("a\n::b\nc\nd", 2)) == ["a", "\\x3a:b", "... and 2 more lines"]
    assert list(capped(iter(["a", "b"]), 2, 5, "problems")) == ["a", "b"]
