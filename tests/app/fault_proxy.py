"""A TCP proxy in front of a real server that misbehaves on demand.

Modes (switchable while connections are open; an open connection follows the
new mode from its next chunk on):
- pass: forwards both ways.
- refuse: the port refuses connections (the listener is closed, then reopened
  on the same port when the mode changes back); open connections are reset at
  their next chunk.
- hang_connect: accepts, then never says a word and never reaches the server.
- hang_after_first_response: the first exchange goes through (for PostgreSQL
  the startup, for Redis the handshake), then silence both ways with the
  connection left open: a query or command that never returns. A cancel
  request, which arrives on a new connection, gets no answer either.
- drop_mid_response: forwards half of the server's next chunk, then resets both
  connections.
- slow: forwards everything, each chunk `delay` seconds late.
- lose_replies: forwards everything until the client sends a chunk holding `pattern`
  (a command's name), then forwards that too but never says another word to the client:
  the server did the work, the client hears nothing (a lost reply).
"""

import socket
import struct
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

MODES = (
    "pass",
    "refuse",
    "hang_connect",
    "hang_after_first_response",
    "drop_mid_response",
    "slow",
    "lose_replies",
)


def _reset(sock: socket.socket) -> None:
    """Close abruptly: what a crashed peer or a middlebox dropping state looks like.

    shutdown() first: close() alone does not end a socket while another thread is
    blocked in recv() on it, so the peer would hear nothing."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()


class FaultProxy:
    def __init__(self, upstream_port: int, mode: str = "pass", delay: float = 0.0) -> None:
        self.upstream = ("127.0.0.1", upstream_port)
        self.delay = delay
        self.pattern = b""
        self._mode = mode
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._listener: socket.socket | None = None
        self.port = self._listen(0)
        self._accepter = threading.Thread(target=self._accept_loop, daemon=True)
        self._accepter.start()

    @property
    def mode(self) -> str:
        return self._mode

    def set_mode(self, mode: str, delay: float | None = None, pattern: bytes = b"") -> None:
        assert mode in MODES, mode
        if delay is not None:
            self.delay = delay
        self.pattern = pattern
        with self._lock:
            self._mode = mode
            if mode == "refuse" and self._listener is not None:
                self._listener.close()
                self._listener = None
            elif mode != "refuse" and self._listener is None:
                self._listen(self.port)

    def _listen(self, port: int) -> int:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", port))
        listener.listen(128)
        listener.settimeout(0.05)
        self._listener = listener
        return int(listener.getsockname()[1])

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            with self._lock:
                listener = self._listener
            if listener is None:
                time.sleep(0.05)
                continue
            try:
                client, _ = listener.accept()
            except (TimeoutError, OSError):
                continue
            self._sockets.append(client)
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        if self._mode == "hang_connect":
            return  # accepted, and never a word: the socket stays open until stop()
        try:
            server = socket.create_connection(self.upstream, timeout=5)
        except OSError:
            _reset(client)
            return
        server.settimeout(None)
        self._sockets.append(server)
        # A connection opened in hang_after_first_response gets one exchange, then silence.
        state = {
            "answered": False,
            "silent": False,
            "fresh_hang": self._mode != "pass",
            "losing": False,
        }
        threading.Thread(
            target=self._pump, args=(client, server, state, False), daemon=True
        ).start()
        self._pump(server, client, state, True)

    def _pump(
        self, source: socket.socket, target: socket.socket, state: dict[str, bool], answer: bool
    ) -> None:
        while not self._stop.is_set():
            try:
                chunk = source.recv(65536)
            except OSError:
                chunk = b""
            if not chunk:
                _reset(target)
                return
            mode = self._mode
            if mode == "hang_after_first_response":
                # Silence once the server answered and the client asked again.
                if answer:
                    state["answered"] = True
                elif state["answered"]:
                    state["silent"] = True
                if state["silent"] or not state["fresh_hang"]:
                    continue
            elif mode == "refuse":  # the server went away: open connections are reset too
                _reset(target)
                _reset(source)
                return
            elif mode == "hang_connect":
                continue  # an open connection goes silent too
            elif mode == "drop_mid_response" and answer:
                try:
                    target.sendall(chunk[: max(1, len(chunk) // 2)])
                finally:
                    _reset(target)
                    _reset(source)
                return
            elif mode == "slow":
                time.sleep(self.delay)
            elif mode == "lose_replies":
                if not answer and self.pattern and self.pattern in chunk:
                    state["losing"] = True
                elif answer and state["losing"]:
                    continue
            try:
                target.sendall(chunk)
            except OSError:
                _reset(source)
                return

    def close(self) -> None:
        self._stop.set()
        self._accepter.join()
        with self._lock:
            if self._listener is not None:
                self._listener.close()
        for sock in self._sockets:
            _reset(sock)


@contextmanager
def fault_proxy(upstream_port: int, mode: str = "pass", delay: float = 0.0) -> Iterator[FaultProxy]:
    proxy = FaultProxy(upstream_port, mode, delay)
    try:
        yield proxy
    finally:
        proxy.close()
