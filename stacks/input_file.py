"""Reading a file given as input (a migration, a Terraform state) without trusting its path.

What is checked is the file opened, not the path looked at before: a FIFO would block the
open and a device (a link to /dev/zero) reports a size of 0 and reads without end, so the
file is opened without blocking (O_NONBLOCK), `fstat` of the open file must say regular
file, and at most `limit + 1` bytes are read whatever the file claims to be. With
`follow_links=False` a symbolic link is refused as it is opened (O_NOFOLLOW).
(https://man7.org/linux/man-pages/man2/open.2.html)

Here, in the program's own package, because the migration runner needs it and the
program never imports the tooling; the tooling reads its inputs with it too.
"""

import errno
import os
import stat
from pathlib import Path


class InputFileError(Exception):
    """Why the file was not read, as the end of a sentence that names it."""


class SymbolicLinkError(InputFileError):
    """A symbolic link, refused with `follow_links=False`."""


def read_input_file(path: Path, limit: int, *, follow_links: bool = True) -> bytes:
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | (0 if follow_links else os.O_NOFOLLOW)
    try:
        descriptor = os.open(path, flags)
    except OSError as error:
        if error.errno == errno.ELOOP and not follow_links:
            raise SymbolicLinkError("is a symbolic link") from None
        raise InputFileError(f"cannot be read: {error.strerror}") from None
    with os.fdopen(descriptor, "rb") as file:
        if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
            raise InputFileError("is not a regular file")
        data = file.read(limit + 1)
    if len(data) > limit:
        raise InputFileError(f"is over {limit:,} bytes")
    return data
