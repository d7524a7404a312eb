"""Shared fixtures: where the project lives, and databases of their own on the local PostgreSQL."""

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests import shared_work
from tests.local_services import fresh_database

REPO = Path(__file__).resolve().parent.parent
STACKS = ("dev", "staging", "prod")


def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):  # the controller, or a run without workers
        shared_work.start_run()


def pytest_unconfigure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):
        shared_work.end_run()


@pytest.fixture(autouse=True)
def _an_event_loop_as_in_a_fresh_process() -> None:
    """The Pulumi SDK (`set_mocks`, Outputs) makes futures on the main thread's current event
    loop. A test that ran `asyncio.run` earlier in the same process leaves none (it ends with
    `set_event_loop(None)`), and which tests share a pytest-xdist worker varies from run to
    run; so each test starts with a current loop, as in a fresh process."""
    policy = asyncio.get_event_loop_policy()
    try:
        policy.get_event_loop()
    except RuntimeError:
        policy.set_event_loop(policy.new_event_loop())


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def contract_project() -> Path:
    return REPO / "tests" / "fixtures" / "contract_project"


@pytest.fixture(scope="session")
def ops_build(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """`make build STACK=<stack>` (`crms-infra build`, Vercel's own CLI: about half a minute
    each), run at most once per stack and test run, whichever worker asks first; tests read
    what it wrote, never change it (a test that rebuilds copies it first)."""
    from crms_infra import cli
    from tests.helpers import python_312_first

    built: dict[str, Path] = {}

    def build_into(stack: str, out: Path) -> str:
        with python_312_first():
            assert cli.main(["build", stack, "--out", str(out)]) == 0
        return str(out)

    def build(stack: str) -> Path:
        if stack not in built:
            root = shared_work.run_directory() or tmp_path_factory.mktemp("ops-build")
            out = root / f"ops-{stack}"
            built[stack] = Path(
                shared_work.once_per_run(f"ops-build-{stack}", lambda: build_into(stack, out))
            )
        return built[stack]

    return build


@pytest.fixture
def empty_database() -> Iterator[str]:
    with fresh_database() as url:
        yield url


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """moto in server mode on a loopback port: the AWS APIs over real HTTP."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def aws_env(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Credentials and endpoint for boto3, pointing at moto; never at AWS."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-central-2")
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ROLE_ARN"):
        monkeypatch.delenv(name, raising=False)
    return moto_endpoint


@pytest.fixture
def fast_moto_listing(monkeypatch: pytest.MonkeyPatch) -> None:
    """moto's ListObjectVersions deep-copies every stored version (object bytes
    included) on every page, which makes listing 10,000 objects take minutes.
    A shallow copy yields the same listing; only the fake gets faster."""
    import copy
    import types

    from moto.s3 import models

    monkeypatch.setattr(models, "copy", types.SimpleNamespace(deepcopy=copy.copy, copy=copy.copy))


@pytest.fixture
def unused_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port
