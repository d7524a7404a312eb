"""`python -m app serve [--port N]`: the ops app on localhost, as Vercel serves it."""

import argparse
import logging
import sys
from collections.abc import Sequence

import uvicorn

from app.routes.config import ConfigError
from app.routes.limits import MAX_HEADERS_BYTES, MAX_URL_BYTES

# h11 buffers at most this much of an incomplete request head (request line and
# headers) before refusing it (h11/_connection.py, max_incomplete_event_size; 16 KiB
# by default): room for the largest URL and headers Vercel lets through, which
# app.routes.limits then checks exactly. Past it uvicorn answers 400 and closes the
# connection (uvicorn/protocols/http/h11_impl.py: every h11 RemoteProtocolError gets
# send_400_response, whatever the error's status hint). h11 rather than httptools,
# which uvicorn picks when installed and which buffers a header of any size.
REQUEST_HEAD_BYTES = MAX_URL_BYTES + MAX_HEADERS_BYTES + 2 * 1024
# After this, uvicorn cancels what is still running and exits (its --timeout-graceful-shutdown).
GRACEFUL_SHUTDOWN_SECONDS = 5


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the app's routes on localhost")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--log-level", choices=("debug", "info", "warning", "error"), default="warning"
    )
    args = parser.parse_args(argv)
    # Every library's records, at the level asked for; app.routes.web scrubs them of secrets.
    logging.basicConfig(level=args.log_level.upper(), format="%(levelname)s %(name)s %(message)s")
    try:
        from app.routes import web

        web.config()  # fail at start, with the variables named, not at the first request
    except ConfigError as error:
        print(f"error: invalid configuration: {error}", file=sys.stderr)
        return 2
    uvicorn.run(
        "app.routes.web:app",
        host="127.0.0.1",
        port=args.port,
        log_level=args.log_level,
        http="h11",
        h11_max_incomplete_event_size=REQUEST_HEAD_BYTES,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
