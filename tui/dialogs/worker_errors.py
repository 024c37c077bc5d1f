"""Turn a worker that raised into an error dialog, so no traceback ever reaches the screen.

Workers are started with ``exit_on_error=False``; the widget or screen that owns them forwards
``Worker.StateChanged`` here. Expected errors are caught inside the workers and shown with their
own codes; this is the net for everything else (``app.internal_error``).
"""

from __future__ import annotations

from textual.dom import DOMNode
from textual.worker import Worker, WorkerState

from .error import ErrorDialog


def show_worker_error(node: DOMNode, event: Worker.StateChanged, title: str = "That did not work") -> bool:
    """Show a dialog if ``event`` is a worker failing; returns whether it was."""
    error = event.worker.error
    if event.state is not WorkerState.ERROR or error is None:
        return False
    node.app.push_screen(ErrorDialog.from_error(title, error))
    return True
