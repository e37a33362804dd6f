"""Reading source files without ever blocking or following a path into something that is not a file."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import Union

# ---------------------------------------------------------------------- reading files safely

NOT_A_FILE = (errno.ELOOP, errno.ENOENT, errno.ENOTDIR, errno.ENXIO, errno.EISDIR)


class Skip(str):
    """Why a path is not a file to check (a FIFO, a device, a broken link, gone)."""


def read_source(path: Path) -> Union[bytes, Skip, OSError]:
    """The bytes of a regular file; a `Skip` for things that are not files; the `OSError` otherwise.

    Opens without blocking (a FIFO would otherwise wait for a writer forever) and checks what
    was opened, so that a path swapped for something else after discovery cannot hang the scan.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno in NOT_A_FILE:
            return Skip(describe_missing(path, exc))
        return exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return Skip(describe_mode(info.st_mode))
        chunks = []
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as exc:
        if exc.errno == errno.EISDIR:
            return Skip("is a directory")
        return exc
    finally:
        os.close(fd)


def describe_mode(mode: int) -> str:
    for test, what in ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
                       (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device")):
        if test(mode):
            return f"not a regular file: {what}"
    return "not a regular file"


def describe_missing(path: Path, exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "symbolic link loop"
    if exc.errno == errno.EISDIR:
        return "not a regular file: a directory"
    if os.path.islink(path):
        return "broken symbolic link"
    return "no longer exists (deleted during the scan)"
