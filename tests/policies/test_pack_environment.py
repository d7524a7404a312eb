"""The pack runs from an environment of its own, made from policies/requirements.txt alone,
as the Pulumi CLI makes `policies/venv` for a `runtime: python` pack (PulumiPolicy.yaml,
`toolchain: pip`): `python -m venv <dir>`, then `pip install -r requirements.txt` in it, run
in the pack's directory (pulumi/pulumi sdk/python/toolchain/pip.go, EnsureVenv and
InstallDependencies: `pipCmd.Dir = cwd`), so the file's `./pricing` is the pack's own. uv
installs here instead of pip: the same pinned packages in a fraction of the time, and
`--offline` keeps it to the local package cache that `make setup` filled. The pack is then
served from that interpreter and asked through the analyzer protocol the offline engine
speaks (crms_infra/offline/policy.py)."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import crms_pricing
import pytest

from crms_infra.offline.engine import Recording, record_stack
from crms_infra.offline.policy import PackRun
from tests.conftest import REPO
from tests.helpers import plan_of

REQUIREMENTS = REPO / "policies" / "requirements.txt"
UV = Path(sys.executable).parent / "uv"


@pytest.fixture(scope="module")
def pack_python(tmp_path_factory: pytest.TempPathFactory) -> str:
    venv = tmp_path_factory.mktemp("pack") / "venv"
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=60
    )
    python = str(venv / "bin" / "python")
    install = [str(UV), "pip", "install", "--offline", "--quiet", "--python", python]
    result = subprocess.run(
        [*install, "-r", REQUIREMENTS.name],
        cwd=REQUIREMENTS.parent,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return python


@pytest.fixture(scope="module")
def prod_recording() -> Recording:
    return record_stack(REPO, "prod")


def importable(python: str, module: str) -> str:
    """Where `python`, started in the pack's directory as Pulumi starts it, imports `module`
    from, or "" if it cannot."""
    code = (
        "import importlib.util, sys; spec = importlib.util.find_spec(sys.argv[1]); "
        "print(spec.origin if spec else '')"
    )
    result = subprocess.run(
        [python, "-c", code, module],
        cwd=REPO / "policies",
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def test_the_environment_holds_the_packs_requirements_and_nothing_of_the_project(
    pack_python: str,
) -> None:
    venv = str(Path(pack_python).parent.parent)
    assert importable(pack_python, "pulumi_policy").startswith(venv)
    assert importable(pack_python, "pulumi").startswith(venv)
    for module in ("pulumi_aws", "pydantic", "crms_infra", "stacks", "components"):
        assert importable(pack_python, module) == "", module
    # The one package of the project it holds: the pricing, read from this checkout.
    assert importable(pack_python, "crms_pricing") == str(Path(crms_pricing.__file__))


def test_the_requirements_pin_what_the_project_pins() -> None:
    text = REQUIREMENTS.read_text()
    pins = dict(re.findall(r"^([a-z0-9-]+)==(\S+)", text, re.MULTILINE))
    project = (REPO / "requirements-dev.txt").read_text()
    assert set(pins) == {"pulumi", "pulumi-policy"}
    local = [line for line in text.splitlines() if line.startswith("-e ")]
    assert local == ["-e ./pricing"]
    assert (REQUIREMENTS.parent / "pricing" / "src" / "crms_pricing").resolve() == Path(
        crms_pricing.__file__
    ).parent
    for name, version in pins.items():
        assert re.search(rf"^{name}=={re.escape(version)}$", project, re.MULTILINE), name


def test_the_pack_from_its_own_environment_gives_the_plans_verdicts(
    pack_python: str, prod_recording: Recording
) -> None:
    pack = PackRun(REPO / "policies", python=pack_python)
    try:
        verdicts = pack.evaluate(prod_recording.monitor, "prod")
    finally:
        pack.close()
    assert verdicts == plan_of("prod")["policy"]
    assert verdicts["pack"] == "crms-compliance"


def test_the_pack_from_its_own_environment_refuses_what_it_must(
    pack_python: str, prod_recording: Recording, tmp_path: Path
) -> None:
    # Without prod's policy config, the replicas outside Zurich are not allowed.
    pack_dir = tmp_path / "policies"
    shutil.copytree(REPO / "policies", pack_dir, ignore=shutil.ignore_patterns("config.*", "venv"))
    pack = PackRun(pack_dir, python=pack_python)
    try:
        violations = pack.evaluate(prod_recording.monitor, "prod")["violations"]
    finally:
        pack.close()
    assert [v["level"] for v in violations] == ["mandatory"] * 3
    assert {v["policy"] for v in violations} == {"residency-buckets-zurich"}
