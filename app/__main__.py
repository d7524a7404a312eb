"""`python -m app serve [--port N]`: the ops app on localhost, as Vercel serves it."""

import argparse
import sys
from collections.abc import Sequence

import uvicorn

from app.config import ConfigError, load_config


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the app's routes on localhost")
    serve.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    try:
        load_config()  # fail at start, with the variables named, not at the first request
    except ConfigError as error:
        print(f"error: invalid configuration: {error}", file=sys.stderr)
        return 2
    uvicorn.run("app.web:app", host="127.0.0.1", port=args.port, log_level="warning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
