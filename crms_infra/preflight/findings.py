"""A finding of preflight, and the one line it prints as."""

from dataclasses import dataclass

from stacks.escape import printable

SHOWN_CHARS = 300
"""Each part of a line is cut here: a stack file's text must not flood a terminal or a CI log."""


@dataclass(frozen=True)
class Finding:
    """One thing a real run would refuse: where, about what, why, and what to do."""

    rule: str
    """The name of the rule that found it (crms_infra.preflight.rules.RULES)."""
    where: str
    """The file (relative to the project) or the part of the project it is in."""
    subject: str
    """The config key, resource URN or setting concerned."""
    problem: str
    fix: str
    stops_program: bool = False
    """Whether it stops the offline plan too (invalid settings, a policy config the CLI
    cannot read, an unreadable build), so that the rules that need a plan cannot run."""


def render(finding: Finding) -> str:
    """The finding as one line. Every part may hold text from a stack file (a key, a value in
    a message), so each is escaped: no control character, no line break a CI runner could
    read as a command of its own, bounded in length."""
    parts = (finding.where, finding.subject, finding.problem)
    where, subject, problem = (escaped(part) for part in parts)
    return f"{where}: {subject}: {problem}; fix: {escaped(finding.fix)} [{finding.rule}]"


def escaped(text: str) -> str:
    """`text` with every unprintable character (line breaks and escape sequences included)
    written as a Python escape, cut at SHOWN_CHARS (stacks/escape.py, the one escaper)."""
    return printable(text, SHOWN_CHARS)
