"""Bad deliveries to the running app: refused with 403/400/413, nothing published, and
the body never in a log line or a response."""

import hashlib
import hmac
import time
from collections.abc import Callable

import httpx
import pytest

from app.metrics import cloudwatch
from app.routes import drain
from tests.app import drain_payloads as payloads
from tests.app.running_app import running_app

SECRET = payloads.SECRET
MARKER = "BODY-MARKER-7d1f"  # in every bad body: must never be logged or echoed


def published(namespace: str) -> list[str]:
    return [m["MetricName"] for m in cloudwatch().list_metrics(Namespace=namespace)["Metrics"]]


def entries_body() -> bytes:
    entries = payloads.log_entries(
        [payloads.Served(int(time.time() * 1000), 500, path=f"/{MARKER}")]
    )
    return payloads.as_ndjson(entries)


def refused(
    response: httpx.Response, status: int, caplog: pytest.LogCaptureFixture, verify: bool = True
) -> None:
    assert response.status_code == status
    assert MARKER not in response.text
    assert MARKER not in caplog.text
    if verify:
        assert response.headers["x-vercel-verify"] == "verify-code-for-tests"


WRONG_SIGNATURES: dict[str, Callable[[bytes], str | None]] = {
    "missing": lambda _: None,
    "empty": lambda _: "",
    "another secret": lambda body: payloads.signed("another-secret", body)["x-vercel-signature"],
    "another body": lambda body: payloads.signed(SECRET, body + b" ")["x-vercel-signature"],
    "prefixed": lambda body: "sha1=" + payloads.signed(SECRET, body)["x-vercel-signature"],
    "sha256": lambda body: hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest(),
}


@pytest.mark.parametrize("wrong", WRONG_SIGNATURES)
@pytest.mark.parametrize("route", ["logs", "traces"])
def test_a_wrong_or_missing_signature_is_403_and_publishes_nothing(
    app_url: str, namespace: str, caplog: pytest.LogCaptureFixture, wrong: str, route: str
) -> None:
    body = entries_body()
    signature = WRONG_SIGNATURES[wrong](body)
    headers = {"x-vercel-signature": signature} if signature is not None else {}
    refused(httpx.post(f"{app_url}/api/drain/{route}", content=body, headers=headers), 403, caplog)
    assert published(namespace) == []


def test_a_body_signed_then_altered_is_403(
    app_url: str, namespace: str, caplog: pytest.LogCaptureFixture
) -> None:
    body = entries_body()
    headers = payloads.signed(SECRET, body)
    tampered = body.replace(b'"statusCode": 500', b'"statusCode": 200')
    assert tampered != body
    response = httpx.post(f"{app_url}/api/drain/logs", content=tampered, headers=headers)
    refused(response, 403, caplog)
    assert published(namespace) == []


@pytest.mark.parametrize(
    ("route", "body"),
    [
        ("logs", b'[{"id": "' + MARKER.encode() + b'", '),  # truncated JSON array
        ("logs", b'{"id": "a"}\n{"id": "' + MARKER.encode() + b'"\n'),  # an NDJSON line cut
        ("logs", b'["' + MARKER.encode() + b'"]'),  # entries that are not objects
        ("logs", b"\xff\xfe" + MARKER.encode()),  # not UTF-8
        ("traces", b'{"resourceSpans": "' + MARKER.encode() + b'"}'),
        ("traces", b'{"resourceSpans": [{"scopeSpans": [{"spans": ["' + MARKER.encode()
                   + b'"]}]}]}'),
        ("traces", b"[1, 2]"),
    ],
)  # fmt: skip
def test_a_malformed_signed_body_is_400_and_publishes_nothing(
    app_url: str, namespace: str, caplog: pytest.LogCaptureFixture, route: str, body: bytes
) -> None:
    response = httpx.post(
        f"{app_url}/api/drain/{route}", content=body, headers=payloads.signed(SECRET, body)
    )
    refused(response, 400, caplog)
    assert published(namespace) == []


@pytest.mark.parametrize("chunked", [False, True])
def test_a_body_over_the_limit_is_413_and_publishes_nothing(
    app_url: str, namespace: str, caplog: pytest.LogCaptureFixture, chunked: bool
) -> None:
    body = (MARKER * (drain.MAX_BODY_BYTES // len(MARKER) + 2)).encode()
    assert len(body) > drain.MAX_BODY_BYTES
    headers = payloads.signed(SECRET, body)
    content = (body[i : i + 65536] for i in range(0, len(body), 65536)) if chunked else body
    response = httpx.post(f"{app_url}/api/drain/logs", content=content, headers=headers)
    # The app-wide request limit (app.routes.limits) answers before the drain route, without the
    # verification header, which Vercel needs only on its verification request.
    refused(response, 413, caplog, verify=False)
    assert published(namespace) == []


def test_vercels_endpoint_verification_is_answered(app_url: str, namespace: str) -> None:
    for route in ("logs", "traces"):
        response = httpx.get(f"{app_url}/api/drain/{route}")
        assert response.status_code == 200
        assert response.headers["x-vercel-verify"] == "verify-code-for-tests"
        for probe in (b"", b"{}"):  # Vercel's verification POST is `{}`, unsigned
            answer = httpx.post(f"{app_url}/api/drain/{route}", content=probe)
            assert answer.status_code == 200
            assert answer.headers["x-vercel-verify"] == "verify-code-for-tests"
    assert published(namespace) == []


def test_without_a_secret_the_drain_is_closed(
    namespace: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DRAIN_SECRET")
    body = entries_body()
    with running_app() as url:
        response = httpx.post(
            f"{url}/api/drain/logs", content=body, headers=payloads.signed("", body)
        )
    assert response.status_code == 503
    assert published(namespace) == []


def test_a_delivery_is_taken_without_cloudwatch_and_its_publishing_fails_shortly(
    namespace: str,
    unused_port: int,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from app.cloudwatch_once import PublishFailed

    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{unused_port}")  # nobody there
    body = entries_body()
    with running_app() as url:
        response = httpx.post(
            f"{url}/api/drain/logs", content=body, headers=payloads.signed(SECRET, body), timeout=30
        )
    assert response.status_code == 200  # recorded in Redis; CloudWatch is the cron's
    with pytest.raises(PublishFailed) as failed:
        payloads.publish_closed(namespace)
    assert failed.value.status == 503
    assert len(str(failed.value)) < 200
    assert "Traceback" not in caplog.text
    assert MARKER not in response.text + str(failed.value) + caplog.text
