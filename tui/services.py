"""What the app needs from the layers below, injected so tests and the demo can supply their own.

The app never builds a fetcher, a context store or a wallet itself; ``vcwallet tui`` and
``vcwallet demo`` construct an :class:`AppServices` and pass it to :func:`tui.app.create_app`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from verifier.trust import TrustList
from verifier.verification import Verifier


@dataclass
class AppServices:
    """Everything outside the UI.

    ``make_verifier(trust_list)`` builds a verifier (the desk can load its own trust list);
    ``open_wallet(passphrase)`` unlocks the wallet (slow: Argon2id runs in a worker);
    ``wallet`` is set when the wallet is already open (the demo).
    """

    make_verifier: Callable[[TrustList | None], Verifier]
    open_wallet: Callable[[str], Any] | None = None
    wallet: Any = None
    wallet_path: Path | None = None
    trust_list: TrustList | None = None
    demo_passphrase: str | None = None
    start_dir: Path = field(default_factory=Path.cwd)
    cleanup: Callable[[], None] | None = None
    title: str = "vcwallet"
