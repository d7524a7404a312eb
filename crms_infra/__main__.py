"""The `crms-infra` command's entry point (and `python -m crms_infra`): the CLI
(crms_infra/cli.py), run as a short-lived process.

A command runs for seconds and then exits, so two things the interpreter does for a
long-running program are skipped:
- most garbage collection: the CLI and the program allocate some million objects,
  nearly all kept to the end (modules, the SDK's resources and outputs), and the
  default thresholds (700 allocations) would walk them again and again; cycles
  left are freed with the process;
- the interpreter's teardown once the output is flushed (freeing every module and
  object one by one): `os._exit` with the command's own exit code. Only when the
  command returned: the policy pack's process has been waited for by then
  (crms_infra/offline/policy.py, PackRun.close) and no file is left half-written. An
  exception, or `SystemExit` from argparse, takes the interpreter's normal exit, and so
  does a run traced by Pulumi (`TRACEPARENT` set): the SDK then registers an exit handler
  that sends its spans (pulumi/pulumi, sdk/python/lib/pulumi/runtime/_instrumentation.py,
  `_initialize_tracing`); logging's own exit handler only flushes what is flushed here.
"""

import gc
import os
import sys

# Generation 0 after 50,000 allocations, not 700; a full collection practically never.
gc.set_threshold(50_000, 50, 1_000)


def run() -> None:
    from crms_infra.cli import main  # after the collector is tuned

    gc.freeze()  # the modules' objects: never garbage, never walked again
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # the reader left: let the interpreter say so as usual
        sys.exit(code)
    if os.environ.get("TRACEPARENT"):
        sys.exit(code)
    os._exit(code)


if __name__ == "__main__":
    run()
