"""Pick a file or folder: a directory tree plus a path box for typing or pasting a path."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DirectoryTree, Input, Label, Static

from ..services import AppServices


class FilePicker(ModalScreen[Path | None]):
    """Returns the chosen path (a file, or a folder unless ``files_only``), or None on Escape."""

    BINDINGS = [("escape", "cancel", "Cancel")]

    def __init__(self, services: AppServices, start: Path,
                 title: str = "Import badges: choose a file or folder", *, files_only: bool = False) -> None:
        super().__init__()
        self.services = services
        self.start = start
        self.title_text = title
        self.files_only = files_only

    def compose(self) -> ComposeResult:
        what = "a file" if self.files_only else "a file, or type a folder path to take everything in it"
        with Vertical(id="dialog", classes="dialog picker"):
            yield Label(self.title_text, classes="dialog-title")
            yield Input(value=self.services.show_path(self.start), id="picker-path")
            yield Static(f"Enter picks {what}. Esc cancels.", classes="hint")
            yield DirectoryTree(self.start, id="picker-tree")

    def on_mount(self) -> None:
        self.query_one("#picker-tree", DirectoryTree).focus()

    @on(DirectoryTree.FileSelected)
    def file_chosen(self, event: DirectoryTree.FileSelected) -> None:
        self.dismiss(Path(event.path))

    @on(DirectoryTree.DirectorySelected)
    def folder_seen(self, event: DirectoryTree.DirectorySelected) -> None:
        self.query_one("#picker-path", Input).value = self.services.show_path(event.path)

    @on(Input.Submitted, "#picker-path")
    def typed(self, event: Input.Submitted) -> None:
        path = self.services.read_path(event.value)
        if path.is_file() or (path.is_dir() and not self.files_only):
            self.dismiss(path)
        elif path.is_dir():
            tree = self.query_one("#picker-tree", DirectoryTree)
            tree.path = path
            tree.focus()
        else:
            self.notify(f"{self.services.show_path(path)} does not exist", severity="error")

    def action_cancel(self) -> None:
        self.dismiss(None)
