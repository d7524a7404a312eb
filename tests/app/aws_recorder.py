"""A pass-through HTTP proxy in front of moto that records what the app sent to AWS.

Tests point AWS_ENDPOINT_URL at it to see which credentials signed each call and what
the STS exchange carried; moto (server mode) still answers every call.
"""

import http.client
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    response: bytes

    @property
    def form(self) -> dict[str, str]:
        """A query-protocol call's parameters (STS sends them form-encoded)."""
        return dict(urllib.parse.parse_qsl(self.body.decode()))

    @property
    def access_key(self) -> str | None:
        """The access key that signed the call (SigV4 `Credential=<key>/...`), if signed."""
        authorization = self.headers.get("authorization", "")
        if "Credential=" not in authorization:
            return None
        return authorization.split("Credential=", 1)[1].split("/", 1)[0]


@contextmanager
def recording_proxy(upstream: str) -> Iterator[tuple[str, list[Call]]]:
    target = urllib.parse.urlsplit(upstream)
    calls: list[Call] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_: Any) -> None:
            """Quiet."""

        def _forward(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            connection = http.client.HTTPConnection(str(target.hostname), target.port, timeout=30)
            headers = {name: value for name, value in self.headers.items()}
            connection.request(self.command, self.path, body=body, headers=headers)
            answer = connection.getresponse()
            payload = answer.read()
            lowered = {name.lower(): value for name, value in headers.items()}
            calls.append(Call(self.command, self.path, lowered, body, payload))
            self.send_response(answer.status)
            for name, value in answer.getheaders():
                if name.lower() not in ("transfer-encoding", "connection", "content-length"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            connection.close()

        do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = _forward

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", calls
    finally:
        server.shutdown()
        server.server_close()
