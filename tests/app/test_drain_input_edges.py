"""Issue 36, finding 4: the inputs that were still a 500, a traceback or a wrong 413, each
against the running app. This module and its helpers (tests.app.drain_checks) need nothing
the fix added, so they run unchanged on the code before the fix, and fail there."""

import logging
import socket
import time

import pytest

from app.routes import drain, drain_json
from tests.app import drain_payloads as payloads
from tests.app.drain_checks import (
    log_body,
    now_ms,
    post,
    published,
    short_refusal,
    span_body,
    total,
)


@pytest.mark.parametrize(
    ("route", "body"),
    [
        ("logs", log_body(requestId='"\\ud800"')),
        ("logs", log_body(message='"\\udfff and more"')),
        ("traces", span_body(traceId='"\\ud800\\ud800"')),
    ],
    ids=["requestId", "message", "traceId"],
)
def test_a_lone_surrogate_is_400(
    app_url: str, namespace: str, caplog: pytest.LogCaptureFixture, route: str, body: bytes
) -> None:
    short_refusal(post(f"{app_url}/api/drain/{route}", body), 400, caplog)
    assert published(namespace) == []


def test_a_paired_surrogate_escape_is_text(app_url: str) -> None:
    body = log_body(message='"\\ud83d\\ude97 rented"')
    assert post(f"{app_url}/api/drain/logs", body).status_code == 200


def test_a_client_that_leaves_mid_body_is_one_line_without_a_traceback(
    app_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    host, port = app_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        head = b"POST /api/drain/logs HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n"
        connection.sendall(head + b"[" + b"{}," * 100)
    deadline = time.monotonic() + 5
    while "went away" not in caplog.text and time.monotonic() < deadline:
        time.sleep(0.05)
    lines = [r for r in caplog.records if r.name.startswith(("app.", "uvicorn", "starlette"))]
    assert [r.getMessage() for r in lines if r.levelno >= logging.WARNING] == [
        "drain logs: the client went away before its body ended"
    ]
    assert "Traceback" not in caplog.text
    assert "ClientDisconnect" not in caplog.text


def test_braces_inside_strings_are_text_not_objects(app_url: str, namespace: str) -> None:
    at = now_ms() - 30_000
    entries = [
        {"id": f"e{i}", "requestId": f"r{i}", "timestamp": at, "statusCode": 200,
         "message": "{[" * 40}
        for i in range(8000)
    ]  # fmt: skip
    body = payloads.as_ndjson(entries)
    assert body.count(b"{") + body.count(b"[") > drain_json.MAX_CONTAINERS
    assert len(body) < drain.MAX_BODY_BYTES
    response = post(f"{app_url}/api/drain/logs", body)
    assert response.status_code == 200, response.text
    payloads.publish_closed(namespace)
    assert total(namespace, "Requests", "web") == 8000
