"""Where the wallet lives by default (the challenge ledger of ``vcwallet request`` lives beside it).

Kept apart from the wallet itself so that finding the path loads nothing of the store.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

ENV_HOME = "VCWALLET_HOME"
WALLET_FILE = "wallet.db"


def default_wallet_path(explicit: str | os.PathLike[str] | None = None, *,
                        environ: Mapping[str, str] | None = None, platform: str | None = None,
                        home: Path | None = None) -> Path:
    """Where the wallet lives: ``--wallet PATH``, else ``$VCWALLET_HOME/wallet.db``, else the
    platform's user data folder (``~/.local/share/vcwallet/wallet.db`` on Linux, honouring
    ``$XDG_DATA_HOME``; ``~/Library/Application Support/vcwallet`` on macOS; ``%APPDATA%`` on
    Windows). The environment is read only when this is called.
    """
    if explicit is not None and str(explicit):
        return Path(explicit).expanduser()
    env = os.environ if environ is None else environ
    if env.get(ENV_HOME):
        return Path(env[ENV_HOME]).expanduser() / WALLET_FILE
    system = platform or sys.platform
    base = home or Path.home()
    if system == "darwin":
        return base / "Library" / "Application Support" / "vcwallet" / WALLET_FILE
    if system.startswith("win"):
        root = env.get("APPDATA")
        return (Path(root) if root else base / "AppData" / "Roaming") / "vcwallet" / WALLET_FILE
    data_home = env.get("XDG_DATA_HOME")
    share = Path(data_home) if data_home and Path(data_home).is_absolute() else base / ".local" / "share"
    return share / "vcwallet" / WALLET_FILE


__all__ = ["ENV_HOME", "WALLET_FILE", "default_wallet_path"]
