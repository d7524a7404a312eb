"""`crms-infra` as a user runs it, each command a process of its own, for the tests.

Before it reads its arguments the command imports its modules, pulumi, pydantic and the
settings: about half a second of CPU that each of the tests' 70-odd runs of the command
paid again. Here each pytest worker starts one clean interpreter that makes those imports
once, exactly the entry point's (crms_infra/__main__.py, then crms_infra/cli.py), and then
forks a child for each command, as Python's `forkserver` start method forks children from
a server holding its preloaded modules (multiprocessing/forkserver.py). The child is a
process of its own: the test's working directory, environment and arguments, /dev/null as
its input, its output and errors in files of its own, the command's exit code, and
whatever it changes (caches, modules a project copy brings, the working directory) goes
with it. It differs from a fresh interpreter in two ways: the entry point's modules were
imported before its environment was set (the command reads its environment when it runs,
not at import), and the children of one server share its string-hash seed.

The standard library has no such runner: multiprocessing's forkserver runs Python
functions, not a command with its own standard streams and exit code, so the server is
written here (about fifty lines).
"""

import atexit
import json
import locale
import os
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO

CLI = str(Path(sys.executable).parent / "crms-infra")
"""The console script a user runs; the server runs what it runs."""

_SERVER = r"""
import json, os, socket, struct, sys, traceback
sys.path[0] = os.path.dirname(sys.argv[2])  # as for the console script: its own folder
import crms_infra.__main__ as entry
import crms_infra.cli  # noqa: F401 (what the command imports before reading its arguments)

channel = socket.socket(fileno=int(sys.argv[1]))
while True:
    try:
        message, fds, _, _ = socket.recv_fds(channel, 1 << 20, 3)
    except OSError:
        break
    if not message:
        break
    request = json.loads(message)
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            channel.close()
            for target, fd in enumerate(fds):
                os.dup2(fd, target)
                os.close(fd)
            os.chdir(request["cwd"])
            os.environ.clear()
            os.environ.update(request["env"])
            sys.argv = [sys.argv[2], *request["args"]]
            entry.run()  # ends the process itself once the command returned
            code = 0
        except SystemExit as stop:  # as the interpreter ends on one
            if stop.code is None or isinstance(stop.code, int):
                code = stop.code or 0
            else:
                print(stop.code, file=sys.stderr)
        except BaseException:
            traceback.print_exc()
        finally:
            try:
                sys.stdout.flush()
                sys.stderr.flush()
            finally:
                os._exit(code)
    for fd in fds:
        os.close(fd)
    channel.sendall(struct.pack("!i", pid))
    _, status = os.waitpid(pid, 0)
    channel.sendall(struct.pack("!i", os.waitstatus_to_exitcode(status)))
"""


class _Server:
    def __init__(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.process = subprocess.Popen(
            [sys.executable, "-c", _SERVER, str(theirs.fileno()), CLI],
            pass_fds=[theirs.fileno()],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
        )
        theirs.close()
        self.channel = ours

    def run(
        self, args: Sequence[str], cwd: Path, env: Mapping[str, str], timeout: float
    ) -> subprocess.CompletedProcess[str]:
        request = json.dumps({"args": list(args), "cwd": str(cwd), "env": dict(env)})
        with (
            open(os.devnull, "rb") as nothing,
            tempfile.TemporaryFile() as out,
            tempfile.TemporaryFile() as err,
        ):
            fds = [nothing.fileno(), out.fileno(), err.fileno()]
            socket.send_fds(self.channel, [request.encode()], fds)
            self.channel.settimeout(timeout)
            (pid,) = struct.unpack("!i", self.channel.recv(4))
            try:
                (code,) = struct.unpack("!i", self.channel.recv(4))
            except TimeoutError:
                os.kill(pid, signal.SIGKILL)
                self.channel.settimeout(None)
                self.channel.recv(4)
                raise subprocess.TimeoutExpired([CLI, *args], timeout) from None
            return subprocess.CompletedProcess([CLI, *args], code, _text(out), _text(err))

    def close(self) -> None:
        self.channel.close()
        self.process.wait(timeout=30)


def _text(file: IO[bytes]) -> str:
    """As `subprocess.run(text=True)` reads a stream: the locale's encoding, universal newlines."""
    file.seek(0)
    text = file.read().decode(locale.getpreferredencoding(False))
    return text.replace("\r\n", "\n").replace("\r", "\n")


_server: _Server | None = None
_lock = threading.Lock()


def run_command(
    args: Sequence[str],
    cwd: Path,
    env: Mapping[str, str] | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """`crms-infra ARGS` in `cwd`, with `env` (default: this process's environment)."""
    global _server
    with _lock:
        if _server is None or _server.process.poll() is not None:
            _server = _Server()
            atexit.register(_server.close)
        return _server.run(args, cwd, os.environ if env is None else env, timeout)
