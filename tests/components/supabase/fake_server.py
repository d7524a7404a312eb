"""The HTTP side of the fake: parses each request and writes the fake's answer."""

import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit


class Handles(Protocol):
    token: str

    def handle(
        self, method: str, path: str, query: dict[str, list[str]], body: Any, authorized: bool
    ) -> tuple[int, Any, dict[str, str]]: ...


def serve(api: Handles) -> ThreadingHTTPServer:
    """A server on a free loopback port, not yet serving."""
    return ThreadingHTTPServer(("127.0.0.1", 0), _handler(api))


def _handler(api: Handles) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: tests read `api.requests` instead."""

        def _serve(self) -> None:
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            body: Any = None
            if raw:
                if self.headers.get_content_type() != "application/json":
                    self._send(415, {"message": "Content-Type must be application/json"}, {})
                    return
                try:
                    body = json.loads(raw)
                except ValueError:
                    self._send(400, {"message": "the body is not JSON"}, {})
                    return
            authorized = self.headers.get("Authorization") == f"Bearer {api.token}"
            query = parse_qs(url.query, keep_blank_values=True)
            self._send(*api.handle(self.command, url.path, query, body, authorized))

        def _send(self, status: int, payload: Any, headers: dict[str, str]) -> None:
            data = b"" if payload is None else json.dumps(payload).encode()
            try:
                self.send_response(status)
                if data:
                    self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test)

        do_GET = do_POST = do_DELETE = do_PATCH = do_PUT = _serve

    return Handler
