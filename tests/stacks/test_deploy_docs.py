"""The deploy steps of docs/deploy.md (and their short form in the README): the commands
name flags and files that exist, and a stack file set up exactly as the steps say passes the
checks, plans offline and, built, passes preflight.

The page's `pulumi config set` lines are read from the page itself and applied
to a copy of Pulumi.prod.yaml the way the Pulumi CLI writes them with the passphrase
secrets provider (pulumi/pulumi, the sources cited beside each step):
- a key without a namespace goes in the project's (`crms:`);
- a new key is appended at the end of `config:`, existing ones keep their place
  (sdk/go/common/util/yamlutil/edit.go, handleMappingNode), two-space indent (encode.go);
- `--secret` writes `{secure: v1:<nonce>:<ciphertext>}`, AES-256-GCM under a key
  derived by PBKDF2-SHA256 (1,000,000 rounds) from the passphrase and an 8-byte salt
  (sdk/go/common/resource/config/crypt.go), and the stack file gains
  `encryptionsalt: v1:<salt>:<"pulumi" encrypted>` (pkg/secrets/passphrase/manager.go).
The plan then runs without the passphrase: ciphertext is never decrypted offline.
"""

import base64
import hashlib
import json
import os
import re
import secrets
import shlex
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from crms_infra.offline.project import load_stack_settings
from crms_infra.plan.variable_targets import TARGETS, variables_by_target
from tests.conftest import REPO, STACKS
from tests.helpers import CLI_FLAGS, flag_values, plan_of, python_312_bin
from tests.stacks.stack_file_checks import check_stack_file, is_encrypted

CLI = str(Path(sys.executable).parent / "crms-infra")
PASSPHRASE = "correct horse battery staple"
# What a platform engineer types for the page's placeholders (secrets: realistic shapes).
TYPED_VALUES = {
    "crms:supabaseAccessToken": "sbp_0f3c1e9a7b5d4c2e8f6a0b1c3d5e7f9a1b2c3d4e",
    "crms:stripeSecretKey": "sk_live_51NzQ2LKr8mVxYtTqW3eRbC9dHf",
    "crms:resendApiKey": "re_9Tq4Wm2Xk7Lp3Rv8Ns5Hj6Gd",
    "crms:sentryAuthToken": "sntryu_3c8e1f5a9b2d4e6f8a0b1c3d5e7f9a2b4c6d8e0f1a3b",
    "vercel:apiToken": "vc1_Zb3Kq8Rt5Wm2Xn7Lp4Hj9Gd6Fs",
    "vercel:team": "crms-swiss",
    "upstash:email": "platform@crms.ch",
    "upstash:apiKey": "a8f3c2e1-9b7d-4c5e-8f6a-0b1c3d5e7f9a",
}
CONFIG_STEP = re.compile(r"^pulumi config set (--secret )?(\S+)\s+(\S.*?)\s*(#.*)?$")
VERCEL = REPO / "node_modules" / ".bin" / "vercel"
needs_a_build = pytest.mark.skipif(
    not VERCEL.exists() or python_312_bin() is None,
    reason="a build needs Vercel's CLI (`make setup`) and Python 3.12 with pip",
)


def section(page: Path, heading: str) -> list[str]:
    """The lines of the `sh` blocks (the commands to type) of a page's section, to the next
    heading of its level or above, stripped."""
    text = page.read_text()
    body = text.split(f"\n{heading}\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"^```sh\n(.*?)^```$", body, re.MULTILINE | re.DOTALL)
    return [line.strip() for block in blocks for line in block.splitlines()]


def deploy_section() -> list[str]:
    """The lines of docs/deploy.md's deploy section, stripped."""
    return section(REPO / "docs" / "deploy.md", "## Deploying for real")


def config_steps() -> list[tuple[str, bool]]:
    """`(key, is_secret)` for each `pulumi config set` line of the deploy section."""
    steps = []
    for line in deploy_section():
        match = CONFIG_STEP.match(line)
        if match:
            steps.append((match.group(2), match.group(1) is not None))
    return steps


def commands(lines: list[str]) -> list[list[str]]:
    """The `make` and `pulumi preview` / `pulumi up` lines, as argument lists."""
    found = []
    for line in lines:
        if line.startswith(("pulumi preview ", "pulumi up ", "make ")):
            found.append(shlex.split(line, comments=True))
    return found


class PassphraseCrypter:
    """The passphrase secrets provider's encryption, as in crypt.go and manager.go."""

    def __init__(self, passphrase: str) -> None:
        self.salt = secrets.token_bytes(8)
        key = hashlib.pbkdf2_hmac("sha256", passphrase.encode(), self.salt, 1_000_000, 32)
        self.aead = AESGCM(key)

    def encrypt(self, plaintext: str) -> str:
        nonce = secrets.token_bytes(12)
        sealed = self.aead.encrypt(nonce, plaintext.encode(), None)
        return f"v1:{base64.b64encode(nonce).decode()}:{base64.b64encode(sealed).decode()}"

    def state(self) -> str:
        return f"v1:{base64.b64encode(self.salt).decode()}:{self.encrypt('pulumi')}"


def pulumi_config_set(
    stack_file: Path, key: str, value: str, crypter: PassphraseCrypter | None
) -> None:
    """Edit `stack_file` as `pulumi config set [--secret] key value` does."""
    full_key = key if ":" in key else f"crms:{key}"
    if crypter is None:
        entry = [f"  {full_key}: {value}"]
    else:
        entry = [f"  {full_key}:", f"    secure: {crypter.encrypt(value)}"]
    lines = stack_file.read_text().splitlines()
    start = lines.index("config:")
    end = next(
        (i for i in range(start + 1, len(lines)) if lines[i] and not lines[i].startswith(" ")),
        len(lines),
    )
    lines[end:end] = entry
    if crypter is not None and not any(line.startswith("encryptionsalt:") for line in lines):
        lines.append(f"encryptionsalt: {crypter.state()}")
    stack_file.write_text("\n".join(lines) + "\n")


@pytest.fixture(scope="module")
def configured_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project whose Pulumi.prod.yaml went through the page's steps (with
    staging's, whose data plane prod's previews use)."""
    project = tmp_path_factory.mktemp("configured")
    for name in ("__main__.py", "Pulumi.yaml", "Pulumi.prod.yaml", "Pulumi.staging.yaml"):
        (project / name).write_bytes((REPO / name).read_bytes())
    for directory in ("components", "policies", "app"):
        (project / directory).symlink_to(REPO / directory)
    crypter = PassphraseCrypter(PASSPHRASE)
    for key, is_secret in config_steps():
        full_key = key if ":" in key else f"crms:{key}"
        pulumi_config_set(
            project / "Pulumi.prod.yaml",
            key,
            TYPED_VALUES[full_key],
            crypter if is_secret else None,
        )
    return project


def test_the_page_sets_secrets_and_provider_keys() -> None:
    steps = dict(config_steps())
    assert steps["stripeSecretKey"] is True
    assert steps["vercel:apiToken"] is True
    assert steps["vercel:team"] is False
    assert {key.partition(":")[0] for key in steps if ":" in key} == {"vercel", "upstash"}
    assert set(TYPED_VALUES) == {key if ":" in key else f"crms:{key}" for key in steps}


def test_configured_file_is_what_pulumi_writes(configured_project: Path) -> None:
    text = (configured_project / "Pulumi.prod.yaml").read_text()
    assert "  crms:stripeSecretKey:\n    secure: v1:" in text
    assert "  vercel:team: crms-swiss\n" in text
    assert re.search(r"^encryptionsalt: v1:[A-Za-z0-9+/=]+:v1:", text, re.MULTILINE)
    for value in TYPED_VALUES.values():
        if "secret" in value or value.startswith(("sk_", "whsec_", "sbp_", "vc1_")):
            assert value not in text


def test_configured_file_passes_the_stack_file_checks(configured_project: Path) -> None:
    config = check_stack_file(configured_project / "Pulumi.prod.yaml")
    assert is_encrypted(config["crms:stripeSecretKey"])
    assert is_encrypted(config["upstash:apiKey"])
    assert config["upstash:email"] == "platform@crms.ch"


def test_configured_file_loads_its_settings(configured_project: Path) -> None:
    settings = load_stack_settings(configured_project, "prod")
    assert settings.compute.function_memory_mb == 3008


def test_configured_stack_plans_offline_without_the_passphrase(configured_project: Path) -> None:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PULUMI_CONFIG")}
    result = subprocess.run(
        [CLI, "plan", "prod", "--format", "json", "--project-dir", str(configured_project)],
        capture_output=True,
        text=True,
        timeout=300,
        env=environment,
    )
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    assert plan["stack"] == "prod"
    ciphertexts = re.findall(
        r"secure: (\S+)", (configured_project / "Pulumi.prod.yaml").read_text()
    )
    assert len(ciphertexts) == 6
    for shown in (result.stdout, result.stderr):
        assert not any(ciphertext in shown for ciphertext in ciphertexts)
        assert not any(value in shown for value in TYPED_VALUES.values() if "_" in value)
    stripe = [r for r in plan["resources"] if r["inputs"].get("key") == "STRIPE_SECRET_KEY"]
    assert sorted(r["inputs"]["targets"] for r in stripe) == [["preview"], ["production"]]
    assert {r["inputs"]["value"] for r in stripe} == {"[secret]"}


def test_preflight_runs_before_a_preview_and_an_update_that_use_the_stacks_policy_config() -> None:
    steps = [" ".join(words[:2]) for words in commands(deploy_section())]
    assert steps == ["make setup", "make build", "make preflight", "pulumi preview", "pulumi up"]
    for words in commands(deploy_section()):
        if words[0] != "pulumi":
            continue
        flags = flag_values(words)
        assert set(flags) <= CLI_FLAGS[words[1]], words
        assert flags["policy-pack"] == ["policies"], words
        assert flags["policy-pack-config"] == ["policies/config.prod.json"], words
    assert (REPO / "policies" / "PulumiPolicy.yaml").is_file()
    for stack in STACKS:  # the same commands, for each stack
        json.loads((REPO / "policies" / f"config.{stack}.json").read_text())


def test_the_readme_deploys_with_the_pages_commands() -> None:
    short_form = commands(section(REPO / "README.md", "## Deploying, in short"))
    assert short_form == commands(deploy_section())


def test_the_make_targets_the_page_names_exist() -> None:
    makefile = (REPO / "Makefile").read_text()
    for words in commands(deploy_section()):
        if words[0] == "make":
            assert re.search(rf"^{words[1]}:", makefile, re.MULTILINE), words
    assert "crms-infra preflight $(STACK)" in makefile


@needs_a_build
@pytest.mark.timeout(600)  # the build and the plan of a built stack, on a loaded machine
def test_a_stack_set_up_and_built_as_the_page_says_passes_preflight(
    configured_project: Path, ops_build: Callable[[str], Path]
) -> None:
    (configured_project / "build").mkdir()
    (configured_project / "build" / "ops-prod").symlink_to(ops_build("prod"))
    try:
        result = subprocess.run(
            [CLI, "preflight", "prod", "--project-dir", str(configured_project)],
            capture_output=True, text=True, timeout=540,
        )  # fmt: skip
    finally:
        (configured_project / "build" / "ops-prod").unlink()
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("preflight prod: passed cli-config, program-settings, ")


def test_what_a_preview_gets_is_what_prods_plan_sets() -> None:
    """The page's table, row by row, against the plan: a target the page marks "—" gets no
    variable of that key, "staging's" is read from staging's reference, "prod's" is made
    here, and a value in backticks is the plan's own."""
    held = variables_by_target(plan_of("prod"))["crms-production"]
    text = (REPO / "docs" / "deploy.md").read_text()
    rows = text.split("\n## What a preview gets\n", 1)[1].split("\n## ", 1)[0].splitlines()
    table = [row for row in rows if row.startswith("| `")]
    assert {row.split("`")[1] for row in table} == set(held)
    for row in table:
        key, *cells = [cell.strip() for cell in row.strip("|").split("|")]
        key = key.strip("`")
        for target, cell in zip(TARGETS, cells, strict=True):
            plan_cell = held[key].get(target)
            if cell == "—":
                assert plan_cell is None, (key, target)
            elif cell.startswith("staging's"):
                assert str(plan_cell).endswith("from organization/crms/staging"), (key, target)
            elif cell.startswith("prod's"):
                assert plan_cell is not None, (key, target)
                assert "staging" not in plan_cell, (key, target)
            else:
                assert cell == f"`{plan_cell}`", (key, target)
