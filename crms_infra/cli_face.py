"""The command line's one face: every command's help says what it does, its defaults and its
exit codes; `--format` offers the same choices in the same order, text first and by default;
the text of each command is here, once."""

import argparse
from collections.abc import Collection
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version

FORMATS = ("text", "json", "markdown", "sarif")
"""Every `--format` choice, in the order each command lists the ones it has."""

EXIT_OK = 0
EXIT_POLICY = 1
EXIT_ERROR = 2
ERROR = f"{EXIT_ERROR}: bad arguments, settings or files, or a program error (one line)"


@dataclass(frozen=True)
class Command:
    name: str
    summary: str
    """One line, in `crms-infra --help`."""
    description: str
    exit_codes: tuple[str, ...]
    """`0: ...` and `1: ...` lines; the error code, the same everywhere, is added."""

    def epilog(self) -> str:
        lines = ["exit codes:", *(f"  {code}" for code in (*self.exit_codes, ERROR))]
        return "\n".join(lines)


def add_command(
    commands: "argparse._SubParsersAction[argparse.ArgumentParser]",
    command: Command,
    common: argparse.ArgumentParser,
) -> argparse.ArgumentParser:
    return commands.add_parser(
        command.name,
        parents=[common],
        help=command.summary,
        description=command.description,
        epilog=command.epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def add_format(parser: argparse.ArgumentParser, choices: Collection[str]) -> None:
    """`--format`, its choices in FORMATS' order, text the default."""
    ordered = [form for form in FORMATS if form in choices]
    if ordered[:1] != ["text"] or len(ordered) != len(choices):
        raise ValueError(f"formats {list(choices)}: text and others of {FORMATS} only")
    parser.add_argument(
        "--format", choices=ordered, default="text", help="the output's form (default: text)"
    )


def version_text() -> str:
    try:
        return f"crms-infra {version('crms-infra')}"
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "crms-infra (not installed)"


DESCRIPTION = """crms-infra: the tooling of the CRMS Pulumi project. It plans, reviews
and checks the stacks offline (no Pulumi CLI, credentials or network), and prepares
what a deployment needs. `crms-infra COMMAND --help` says what a command does, its
defaults and its exit codes.

exit codes, for every command: 0 done; 1 what was checked is refused (a mandatory
policy violation, a preflight finding, an out-of-date file); 2 bad arguments,
settings or files, or a program error, in one line (--debug adds the traceback)."""

_PLANNED = "0: planned, no mandatory policy violation", "1: a mandatory policy violation"
COMMANDS = {
    command.name: command
    for command in (
        Command(
            "plan",
            "the resources a stack would create, offline",
            "Run the program for STACK on the Pulumi SDK's mock engine, with that stack's\n"
            "config, and print every resource it would create (grouped by component in\n"
            "text), the policy pack's verdicts and the monthly cost. An ops build of other\n"
            "sources is planned as it is, marked stale, with a warning.",
            _PLANNED,
        ),
        Command(
            "diff",
            "what changes between two plans",
            "Compare two plans, each a stack name (planned now) or a file saved by\n"
            "`plan --format json`: resources matched by type and name, each change shown,\n"
            "and the monthly cost's change against the stack's cost guardrail\n"
            "(`cost-increase` in policies/config.<stack>.json).",
            (
                "0: compared, whatever changed, within the cost guardrail",
                "1: a mandatory cost guardrail refuses what the change adds",
            ),
        ),
        Command(
            "check",
            "every stack's policy verdicts",
            "Plan every stack of the project and list the policy pack's violations;\n"
            "sarif is SARIF 2.1.0 for code scanning, each finding on the line it comes from.",
            ("0: no mandatory violation in any stack", "1: a mandatory violation"),
        ),
        Command(
            "bundle",
            "write the ops app's Vercel bundle for a stack",
            "Write the ops app's files for STACK as Vercel's build takes them (api/index.py,\n"
            "the app's modules, its requirements and vercel.json) into a new directory.",
            ("0: written",),
        ),
        Command(
            "residency",
            "where a stack's customer data lives, and the rules' verdicts",
            "For a compliance reviewer: every resource of the stack's plan that stores,\n"
            "copies or processes customer data, where it lives under the revFADP, who can\n"
            "read it and each rule's verdict; and the processors the stack hands keys to.",
            ("0: every entry and processor meets the rules", "1: one violates a rule"),
        ),
        Command(
            "build",
            "build the ops app with Vercel's CLI, for production",
            "Write the bundle and run `vercel build --prod` on it for Python 3.12 on Linux\n"
            "x86_64, check the output against Vercel's limits and record the sources'\n"
            "digest. Needs Vercel's CLI (make setup) and Python 3.12 with pip, on PATH or\n"
            "installed under pyenv.",
            ("0: built",),
        ),
        Command(
            "preflight",
            "what `pulumi preview` or `pulumi up` would refuse for a stack",
            "Offline and without credentials: each problem the Pulumi CLI, the program, a\n"
            "provider or the policy pack would refuse, once, under the rule that found it,\n"
            "with its fix.",
            ("0: nothing would be refused", "1: something would (`make preflight` exits 2)"),
        ),
        Command(
            "ci-roles",
            "CI's AWS roles: checked IAM documents, and the aws commands",
            "Write the IAM documents of CI's roles for one AWS account, checked against the\n"
            "policy pack and IAM's size limits, and print the aws commands that make them.",
            ("0: written", "1: a role breaks a rule or an IAM limit; nothing written"),
        ),
        Command(
            "adopt",
            "a Pulumi import file from the running Terraform state",
            "Offline: match the live resources of a Terraform state to the program's,\n"
            "report what the first `pulumi up` changes on each, and with --out write the\n"
            "file `pulumi import --file` reads. A refused adoption writes nothing (exit 2).",
            ("0: reported (and written)",),
        ),
        Command(
            "schema",
            "rewrite Pulumi.yaml's config block from the settings",
            "Derive the config: block of Pulumi.yaml from the settings model and write it;\n"
            "with --check, only compare.",
            ("0: up to date, or rewritten", "1: --check, and it is out of date"),
        ),
        Command(
            "cost",
            "what a stack costs a month, line by line, offline",
            "Price a stack's offline plan (or a saved plan): one line per priced quantity\n"
            "with its source page and date, subtotals per provider and component, and the\n"
            "month's total in USD.",
            ("0: estimated",),
        ),
        Command(
            "prices",
            "re-read the machine-readable price sources; --write puts changes in the files",
            "Read AWS's Price List offer files for every price file entry that names one,\n"
            "print each price that differs from the vendored one with the date the source\n"
            "states, and with --write update the price files for a person to review and\n"
            "commit. Needs the network; offline it stops with one line and changes nothing.",
            ("0: compared (and written)",),
        ),
    )
}
