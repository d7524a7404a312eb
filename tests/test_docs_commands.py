"""Every `pulumi preview` and `pulumi up` the documentation tells a reader to run carries
the stack's policy pack and its policy config, with the stack's build before it.

Without `--policy-pack-config` the pack knows no exemption or allow-list (it refuses prod's
replicas in Frankfurt); without `--policy-pack` an up enforces nothing the preview did;
without `make build STACK=<stack>` first the program refuses the stale bundle, or ships an
old one. Read from the pages themselves (the README and every page under docs/): each
fenced block line by line, and each paragraph or list item by its code spans. A span that
is only the command's name (`pulumi up`) names it in prose; one with anything after the
name is a command to run, and so is every line of a fenced block. The build must come
earlier in the same block, paragraph or list item.
"""

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REPO, STACKS
from tests.helpers import CLI_FLAGS, doc_pages, flag_values

_FENCE = re.compile(r"^\s*```")
_UNIT_START = re.compile(r"^\s*(?:[0-9]+\.|[-*])\s")
_SPAN = re.compile(r"`([^`]+)`")
_SELECTED = re.compile(r"pulumi stack (?:select|init) (\w+)")
_SHORT_FLAGS = {"-s": "--stack"}


@dataclass(frozen=True)
class Command:
    where: str
    """page:line, for the failure message."""
    words: list[str]
    before: str
    """The text of its block, paragraph or list item up to the command."""


def deploy_commands(page: Path) -> list[Command]:
    found: list[Command] = []
    lines = page.read_text().splitlines()
    name = page.relative_to(REPO)
    index = 0
    while index < len(lines):
        if _FENCE.match(lines[index]):
            end = next(i for i in range(index + 1, len(lines)) if _FENCE.match(lines[i]))
            found += _block_commands(f"{name}", lines[index + 1 : end], index + 2)
            index = end + 1
            continue
        start = index
        index += 1
        while index < len(lines) and lines[index].strip() and not _FENCE.match(lines[index]):
            if _UNIT_START.match(lines[index]):
                break
            index += 1
        unit = " ".join(line.strip() for line in lines[start:index])
        for span in _SPAN.finditer(unit):
            words = _words(span[1])
            if _is_deploy(words) and len(words) > 2:
                found.append(Command(f"{name}:{start + 1}", words, unit[: span.start()]))
    return found


def _block_commands(name: str, block: list[str], first_line: int) -> list[Command]:
    found = []
    for offset, line in enumerate(block):
        words = _words(line.split(" # ", 1)[0]) if line.strip() else []
        segment: list[str] = []
        for word in [*words, "&&"]:
            if word not in {"&&", ";", "||", "|"}:
                segment.append(word)
                continue
            if _is_deploy(segment):
                before = "\n".join(block[:offset]) + "\n" + line.split(segment[0], 1)[0]
                found.append(Command(f"{name}:{first_line + offset}", segment, before))
            segment = []
    return found


def _words(text: str) -> list[str]:
    """As a shell splits a command; text that is not one (prose, an unclosed quote) by spaces."""
    try:
        return shlex.split(text, comments=True)
    except ValueError:
        return text.split()


def _is_deploy(words: list[str]) -> bool:
    return words[:1] == ["pulumi"] and words[1:2] in (["preview"], ["up"])


def all_commands() -> list[Command]:
    return [command for page in doc_pages() for command in deploy_commands(page)]


def stack_of(command: Command) -> str | None:
    flags = flag_values([_SHORT_FLAGS.get(word, word) for word in command.words])
    if flags.get("stack"):
        return flags["stack"][-1]
    selected = _SELECTED.findall(command.before)
    return selected[-1] if selected else None


def test_the_pages_hold_the_runbooks_commands() -> None:
    """The reader finds the commands it must check (a parser that finds none passes all)."""
    where = {command.where.split(":")[0] for command in all_commands()}
    assert len(all_commands()) >= 6
    assert any(page.endswith(".md") for page in where)


@pytest.mark.parametrize("command", all_commands(), ids=lambda command: command.where)
def test_each_preview_and_up_runs_the_pack_with_its_config_after_the_build(
    command: Command,
) -> None:
    words = [_SHORT_FLAGS.get(word, word) for word in command.words]
    assert not [w for w in words if re.fullmatch(r"-[a-z]", w)], f"{command.where}: short flag"
    flags = flag_values(words)
    assert set(flags) <= CLI_FLAGS[words[1]], command.where
    stack = stack_of(command)
    assert stack in STACKS, f"{command.where}: {' '.join(words)} names no stack"
    assert flags.get("policy-pack") == ["policies"], f"{command.where}: no --policy-pack"
    assert flags.get("policy-pack-config") == [f"policies/config.{stack}.json"], (
        f"{command.where}: no --policy-pack-config policies/config.{stack}.json"
    )
    assert f"make build STACK={stack}" in command.before, f"{command.where}: no build first"


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("```\nmake build STACK=prod\npulumi up -s prod --policy-pack policies\n```\n", "config"),
        (
            "1. **Up.** `pulumi up --stack prod --policy-pack policies --policy-pack-config "
            "policies/config.prod.json`.\n",
            "build",
        ),
        (
            "Then `make build STACK=dev`, then `pulumi preview --diff --policy-pack policies "
            "--policy-pack-config policies/config.dev.json`.\n",
            "stack",
        ),
    ],
)
def test_a_command_without_the_pack_config_the_build_or_a_stack_is_caught(
    text: str, complaint: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = tmp_path / "page.md"
    page.write_text(text)
    monkeypatch.setattr(f"{__name__}.REPO", tmp_path)
    (command,) = deploy_commands(page)
    with pytest.raises(AssertionError, match=complaint):
        test_each_preview_and_up_runs_the_pack_with_its_config_after_the_build(command)
