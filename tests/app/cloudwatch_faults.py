"""An HTTP proxy in front of moto that makes chosen PutMetricData calls fail as AWS can.

Each call is told apart by its `X-Amz-Target` header (the JSON protocol botocore speaks to
CloudWatch). A plan maps the number of a PutMetricData call (1, 2, ...) to a fault:
- refuse: a 400 InvalidParameterValue without asking moto: CloudWatch stored nothing;
- timeout: moto stores the call, and the answer comes only after the client gave up;
- reset: the connection closes before moto sees anything.
Every other call passes through unchanged.
"""

import http.client
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PUT = "GraniteServiceVersion20100801.PutMetricData"
LATE_SECONDS = 4.0
"""Past the app's read timeout (app.aws.READ_TIMEOUT_SECONDS, 3 s)."""


@contextmanager
def cloudwatch_faults(upstream: str, plan: dict[int, str]) -> Iterator[tuple[str, list[str]]]:
    """The proxy's URL, and the fault (or `pass`) each PutMetricData call met."""
    target = urllib.parse.urlsplit(upstream)
    met: list[str] = []
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_: Any) -> None:
            """Quiet."""

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            fault = "pass"
            if self.headers.get("X-Amz-Target") == PUT:
                with lock:
                    fault = plan.get(len(met) + 1, "pass")
                    met.append(fault)
            if fault == "reset":
                self.close_connection = True
                self.connection.close()
                return
            if fault == "refuse":
                answer = b'{"__type":"InvalidParameterValue","message":"refused by the test"}'
                self._send(400, [("Content-Type", "application/x-amz-json-1.0")], answer)
                return
            connection = http.client.HTTPConnection(str(target.hostname), target.port, timeout=30)
            headers = dict(self.headers.items())
            connection.request("POST", self.path, body=body, headers=headers)
            response = connection.getresponse()
            payload = response.read()
            connection.close()
            if fault == "timeout":
                time.sleep(LATE_SECONDS)
            self._send(response.status, response.getheaders(), payload)

        def _send(self, status: int, headers: list[tuple[str, str]], payload: bytes) -> None:
            try:
                self.send_response(status)
                for name, value in headers:
                    if name.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except OSError:
                pass  # the client gave up first

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", met
    finally:
        server.shutdown()
        server.server_close()
