"""The ops app served by uvicorn on a loopback port, in a thread: real HTTP, real app."""

import contextlib
import threading
import time
from collections.abc import Iterator

import uvicorn

from app.routes import web


@contextlib.contextmanager
def running_app(timeout: float = 10.0) -> Iterator[str]:
    """The app's base URL while it runs; its configuration is read anew from the environment."""
    web.config.cache_clear()
    web.checker.cache_clear()
    config = uvicorn.Config(web.app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not (server.started and server.servers):
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the app did not start")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout)
        web.config.cache_clear()
        web.checker.cache_clear()
