"""Placeholder until the wallet lands: says how to open one."""

from __future__ import annotations

from textual.widgets import Static


class WalletView(Static):
    """The wallet tab."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__("No wallet is open.", **kwargs)  # type: ignore[arg-type]
