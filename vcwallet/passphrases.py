"""The passphrase rules, in one place: the wallet, its backups and issuer key files follow them,
and so do the command line and the terminal app, which only ask.

* **Length.** A passphrase must not be empty (``passphrase.empty``). Nothing longer is demanded:
  the key is stretched with Argon2id, and length rules mostly teach people to write the
  passphrase down. Raise :data:`MIN_LENGTH` here and every front end follows.
* **Confirmation.** A *new* passphrase (a new wallet, a changed passphrase, a backup, a new key
  file) is typed twice and both must be the same passphrase (``passphrase.mismatch``); opening
  something asks once.
* **Normalization.** A passphrase is normalized to Unicode NFC before it is encoded as UTF-8, so
  "é" typed as one code point or as "e" + combining accent is the same passphrase (and the two
  entries of a new one are compared that way). No other folding (case, width, NFKC compatibility
  mappings) is applied: those would merge passphrases that people consider different. A lone
  surrogate cannot be encoded and is refused.
"""

from __future__ import annotations

import unicodedata

from .errors import VCWalletError

#: The fewest characters a passphrase may have.
MIN_LENGTH = 1


class PassphraseError(VCWalletError, ValueError):
    """A passphrase breaks a rule (``passphrase.empty``, ``passphrase.mismatch``)."""


def check_passphrase(passphrase: str, *, what: str = "passphrase") -> str:
    """``passphrase`` if it may be used, else ``passphrase.empty``."""
    if not isinstance(passphrase, str) or len(passphrase) < MIN_LENGTH:
        raise PassphraseError("passphrase.empty", f"the {what} is empty")
    return passphrase


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def check_new_passphrase(first: str, repeat: str, *, what: str = "passphrase") -> str:
    """A new passphrase typed twice: ``first`` if both entries are the same passphrase."""
    check_passphrase(first, what=what)
    if not isinstance(repeat, str) or _nfc(first) != _nfc(repeat):
        raise PassphraseError("passphrase.mismatch", f"the two entries of the {what} do not match")
    return first


def passphrase_bytes(passphrase: str) -> bytes:
    """The bytes a key is derived from: NFC-normalized UTF-8 (``ValueError`` when empty or not
    encodable)."""
    check_passphrase(passphrase)
    try:
        return _nfc(passphrase).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("the passphrase contains unpaired surrogates") from exc


__all__ = ["MIN_LENGTH", "PassphraseError", "check_new_passphrase", "check_passphrase", "passphrase_bytes"]
