"""Where proj's log records go inside IPython and Jupyter: the output of the running cell.

The handler looks up ``sys.stdout`` / ``sys.stderr`` when a record is emitted, so in a
kernel each line lands under the cell that caused it (ipykernel swaps those streams per
execution). Informational lines go to stdout; warnings and errors to stderr, which
notebooks show on a red background.

A plain handler rather than Rich's: it costs no import time at kernel start (start-up
speed is a target of the extension), and Rich's Jupyter rendering sends records through
``display()``, which front ends attach to the wrong cell for records logged while a
kernel starts.
"""

from __future__ import annotations

import logging
import sys

from proj.redaction import RedactingFilter

_MARK = "_proj_ipython"


class CellHandler(logging.Handler):
    """Write log records to the current cell's stdout (INFO) or stderr (WARNING and up)."""

    def emit(self, record: logging.LogRecord) -> None:
        """Format ``record`` and write it to the stream of its level.

        Args:
            record: The log record.
        """
        try:
            text = self.format(record)
            stream = sys.stderr if record.levelno >= logging.WARNING else sys.stdout
            stream.write(text + "\n")
            stream.flush()
        except Exception:  # logging must never break the user's cell
            self.handleError(record)


class _Formatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        message = super().format(record)
        if record.levelno >= logging.WARNING:
            return f"{record.levelname.capitalize()}: {message}"
        return message


def install_log_handler(level: int = logging.INFO) -> None:
    """Send the ``proj`` logger's records to the running cell (installed once), with
    secrets removed (:class:`proj.redaction.RedactingFilter`).

    Nothing is installed when the ``proj`` logger already has a handler (the CLI's, or
    one the user configured).

    Args:
        level: The lowest level shown.
    """
    root = logging.getLogger("proj")
    if root.handlers:
        return
    handler = CellHandler()
    setattr(handler, _MARK, True)
    handler.setFormatter(_Formatter("%(message)s"))
    handler.addFilter(RedactingFilter())
    handler.setLevel(level)
    root.addHandler(handler)
    root.setLevel(min(root.level or level, level))
    root.propagate = False
