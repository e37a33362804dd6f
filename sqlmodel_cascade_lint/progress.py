"""A progress bar on standard error for long scans: files read, then files parsed."""

from __future__ import annotations

import time
from typing import IO, Optional

TEXT_FORMATS = ("full", "concise")  # output formats read by people; others are for machines
DELAY = 1.0  # seconds before the bar appears: short runs never show it
_WIDTH = 30


class ProgressBar:
    """Called as `bar(done, total)`; draws only after `DELAY` seconds, at most ten times a second."""

    def __init__(self, stream: IO[str], delay: float = DELAY) -> None:
        self.stream = stream
        self.start = time.monotonic()
        self.delay = delay
        self.last = 0.0
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        """Files parsed out of files to parse."""
        self._draw("parsing", done, total)

    def reading(self, done: int, total: int) -> None:
        """Files read and scanned out of the project's files (before the parse: a cold run on a
        large project spends seconds here)."""
        self._draw("reading", done, total)

    def _draw(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.start < self.delay or (now - self.last < 0.1 and done < total):
            return
        self.last = now
        self.shown = True
        filled = _WIDTH * done // max(total, 1)
        self.stream.write(f"\r{stage} [{'#' * filled}{'.' * (_WIDTH - filled)}] {done}/{total} files")
        self.stream.flush()

    def close(self) -> None:
        """Erase the bar so that the report starts on a clean line."""
        if self.shown:
            self.stream.write("\r" + " " * (_WIDTH + 40) + "\r")
            self.stream.flush()


def progress_for(stream: IO[str], output_format: str) -> Optional[ProgressBar]:
    """A bar when `stream` is a terminal and the output is for people, else None."""
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    return ProgressBar(stream) if tty and output_format in TEXT_FORMATS else None
