"""The app's AWS session: Vercel's OIDC token exchanged for role credentials (moto's STS)."""

import ast

import pytest

from app import aws
from tests.conftest import REPO


@pytest.mark.usefixtures("aws_env")
def test_oidc_token_is_exchanged_for_role_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/identity-app")
    monkeypatch.setenv("VERCEL_OIDC_TOKEN", "header.payload.signature")
    monkeypatch.setattr(aws, "_cache", {})
    session = aws.session()
    credentials = session.get_credentials()
    assert credentials is not None
    assert credentials.token  # a session token: temporary credentials, not an access key
    assert credentials.access_key != "testing"
    assert aws.session() is session  # reused until shortly before it expires


@pytest.mark.usefixtures("aws_env")
def test_without_a_token_the_default_chain_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VERCEL_OIDC_TOKEN", raising=False)
    credentials = aws.session().get_credentials()
    assert credentials is not None
    assert credentials.access_key == "testing"


def test_the_deployed_botocore_models_cover_every_client_the_app_makes() -> None:
    """The build ships botocore's models of aws.SERVICES only: a client of any other
    service would fail on Vercel, so every `.client("name")` in the app names one of them."""
    made = set()
    for module in (REPO / "app").rglob("*.py"):
        for node in ast.walk(ast.parse(module.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "client"
            ):
                (service, *_) = node.args
                assert isinstance(service, ast.Constant), f"{module.name}: a computed service"
                made.add(service.value)
    assert made == aws.SERVICES
