"""Turn a worker that raised into an error dialog, so no traceback ever reaches the screen.

Workers are started with ``exit_on_error=False``; the widget or screen that owns them forwards
``Worker.StateChanged`` here. Expected errors are caught inside the workers and shown with their
own codes; this is the net for everything else (``app.internal_error``).
"""

from __future__ import annotations

from textual.message_pump import MessagePump
from textual.worker import Worker, WorkerState

from ..messages import ShowError


def show_worker_error(node: MessagePump, event: Worker.StateChanged,
                      title: str = "That did not work") -> bool:
    """Ask for an error dialog if ``event`` is a worker failing; returns whether it was."""
    error = event.worker.error
    if event.state is not WorkerState.ERROR or error is None:
        return False
    node.post_message(ShowError(title, error))
    return True
