"""What widgets and screens ask the app to do.

Navigation goes up as messages and is handled in one place, :class:`tui.app.VCWalletApp`: no
widget pushes a screen, walks the screen stack or reaches into another widget. A widget posts
(``self.post_message(OpenBadge(ident))``), the message bubbles to the app, and the app decides
which screen that means. Messages are posted safely from worker threads too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from textual.message import Message
from textual.screen import Screen

ResultT = TypeVar("ResultT")


@dataclass
class OpenBadge(Message):
    """Show one badge's card and its last report."""

    ident: str


@dataclass
class ShareBadge(Message):
    """Share one badge (the app asks first when the badge gives pause)."""

    ident: str


@dataclass
class PresentBadges(Message):
    """Answer a district's request."""


@dataclass
class WalletChanged(Message):
    """Something in the wallet changed (re-verified, removed): the badge table shows it again,
    with ``select`` selected when it is still there."""

    select: str | None = None


@dataclass
class BadgeRemoved(Message):
    """The badge shown on the screen that posts this was removed: leave that screen."""

    ident: str


@dataclass
class ShowError(Message):
    """Show an error with its code and advice."""

    title: str
    error: BaseException


@dataclass
class Ask(Message, Generic[ResultT]):
    """Show a dialog (a question, a prompt, a file picker) and hand its answer to ``then``."""

    dialog: Screen[ResultT]
    then: Callable[[ResultT | None], None]


__all__ = ["Ask", "BadgeRemoved", "OpenBadge", "PresentBadges", "ShareBadge", "ShowError", "WalletChanged"]
