"""Pick a file or folder: a directory tree plus a path box for typing or pasting a path."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DirectoryTree, Input, Label, Static


class FilePicker(ModalScreen[Path | None]):
    """Returns the chosen path (file or folder), or None on Escape."""

    BINDINGS = [("escape", "cancel", "Cancel")]

    def __init__(self, start: Path, title: str = "Import badges: choose a file or folder") -> None:
        super().__init__()
        self.start = start
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog picker"):
            yield Label(self.title_text, classes="dialog-title")
            yield Input(value=str(self.start), id="picker-path")
            yield Static("Enter on a file picks it; type a folder path and press Enter to import "
                         "everything in it.", classes="hint")
            yield DirectoryTree(self.start, id="picker-tree")

    def on_mount(self) -> None:
        self.query_one("#picker-tree", DirectoryTree).focus()

    @on(DirectoryTree.FileSelected)
    def file_chosen(self, event: DirectoryTree.FileSelected) -> None:
        self.dismiss(Path(event.path))

    @on(DirectoryTree.DirectorySelected)
    def folder_seen(self, event: DirectoryTree.DirectorySelected) -> None:
        self.query_one("#picker-path", Input).value = str(event.path)

    @on(Input.Submitted, "#picker-path")
    def typed(self, event: Input.Submitted) -> None:
        path = Path(event.value.strip()).expanduser()
        if path.exists():
            self.dismiss(path)
        else:
            self.notify(f"{path} does not exist", severity="error")

    def action_cancel(self) -> None:
        self.dismiss(None)
