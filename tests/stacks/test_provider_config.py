"""The provider keys a stack file may hold are the pinned SDKs' own, and so are the secret ones."""

import importlib.util
import re
from pathlib import Path

import pytest

from stacks.provider_config import PROVIDER_KEYS, PROVIDER_SECRET_KEYS

SDK_PACKAGES = {"vercel": "pulumiverse_vercel", "upstash": "upstash_pulumi", "aws": "pulumi_aws"}


def sdk_file(package: str, name: str) -> str:
    spec = importlib.util.find_spec(package)
    assert spec is not None
    assert spec.origin is not None
    return (Path(spec.origin).parent / name).read_text()


@pytest.mark.parametrize("namespace", sorted(SDK_PACKAGES))
def test_keys_are_those_the_sdk_declares(namespace: str) -> None:
    # Each generated `config/vars.py` reads its keys with `__config__.get*('<key>')`.
    source = sdk_file(SDK_PACKAGES[namespace], "config/vars.py")
    declared = set(re.findall(r"__config__\.get\w*\('(\w+)'\)", source))
    assert declared
    assert PROVIDER_KEYS[namespace] == declared


@pytest.mark.parametrize("namespace", sorted(SDK_PACKAGES))
def test_secret_keys_are_those_the_sdk_keeps_secret(namespace: str) -> None:
    # The provider schema's `secret: true` inputs become `additional_secret_outputs`.
    source = sdk_file(SDK_PACKAGES[namespace], "provider.py")
    (listed,) = re.findall(r"additional_secret_outputs=\[([^\]]*)\]", source)
    secret = {f"{namespace}:{key}" for key in re.findall(r'"(\w+)"', listed)}
    assert secret
    assert {key for key in PROVIDER_SECRET_KEYS if key.startswith(f"{namespace}:")} == secret


def test_the_namespaces_are_those_the_program_uses() -> None:
    assert set(PROVIDER_KEYS) == set(SDK_PACKAGES)
