"""Opening the wallet: unlock one, create one, change its passphrase, with the passphrase rules
of :mod:`vcwallet.passphrases` (the front ends only ask: once to open, twice for a new one).

A wallet is never created over anything that exists at its path, and its folder is made
private (0700) when this creates it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from verifier.clock import Clock

from ..passphrases import check_passphrase
from ..store import DEFAULT_KDF, KdfParams, WalletExists
from ..wallet.facade import Wallet
from ..wallet.records import CredentialVerifier


@dataclass(frozen=True)
class NewWallet:
    """A wallet just created (open; the caller closes it), its holder DID, and how it is protected."""

    wallet: Wallet
    path: Path
    holder_did: str
    protection: str


def unlock_wallet(path: str | os.PathLike[str], passphrase: str, *,
                  verifier: CredentialVerifier | None = None, clock: Clock | None = None,
                  readonly: bool = False) -> Wallet:
    """The wallet at ``path``, unlocked (``wallet.not_found``, ``wallet.wrong_passphrase``, …)."""
    check_passphrase(passphrase, what="wallet passphrase")
    return Wallet.open(path, passphrase, verifier=verifier, clock=clock, readonly=readonly)


def refuse_existing(path: str | os.PathLike[str], what: str = "a wallet") -> Path:
    """``path`` if nothing is there, else ``wallet.exists`` (nothing is ever overwritten)."""
    target = Path(path)
    if os.path.lexists(target):
        raise WalletExists(f"{target} already exists; nothing was changed (choose another path for {what})",
                           path=str(target), details={"path": str(target)})
    return target


def create_wallet(path: str | os.PathLike[str], passphrase: str, *, kdf: KdfParams = DEFAULT_KDF,
                  verifier: CredentialVerifier | None = None, clock: Clock | None = None) -> NewWallet:
    """A new wallet with a did:key holder key at ``path`` (a passphrase already confirmed)."""
    target = refuse_existing(path)
    check_passphrase(passphrase, what="wallet passphrase")
    if not target.parent.exists():
        target.parent.mkdir(parents=True, mode=0o700)
    wallet = Wallet.create(target, passphrase, kdf=kdf, verifier=verifier, clock=clock)
    keys = wallet.holder_keys()
    return NewWallet(wallet, target, keys[0].did if keys else "",
                     f"{wallet.store.kdf.describe()}, XChaCha20-Poly1305 per record")


def change_passphrase(wallet: Wallet, old: str, new: str, *, kdf: KdfParams | None = None) -> None:
    """Re-wrap the wallet's data key for ``new`` (a passphrase already confirmed); crash-safe."""
    check_passphrase(new, what="new wallet passphrase")
    wallet.passwd(old, new, kdf=kdf)


__all__ = ["NewWallet", "change_passphrase", "create_wallet", "refuse_existing", "unlock_wallet"]
