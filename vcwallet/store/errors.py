"""The wallet store's errors: one class per fault a caller must tell apart.

Each class carries one stable code from :data:`vcwallet.errors.CODES`, so callers and tests match
on ``error.code``; the classes also inherit the builtin that fits (``OSError`` for storage
problems, ``ValueError`` for bad data, ``LookupError`` for a missing record), so code that knows
nothing of vcwallet still catches them sensibly.
"""

from __future__ import annotations

from typing import Any, ClassVar

from ..errors import VCWalletError


class WalletError(VCWalletError):
    """Root of the wallet's errors; ``CODE`` is the default code of each subclass."""

    CODE: ClassVar[str] = "wallet.corrupt_store"

    def __init__(self, message: str = "", *, code: str | None = None, path: str | None = None,
                 details: dict[str, Any] | None = None) -> None:
        super().__init__(code or self.CODE, message, path, details)


class WrongPassphrase(WalletError, ValueError):
    """The passphrase does not unlock this wallet (the key-check blob says so)."""

    CODE = "wallet.wrong_passphrase"


class CorruptStore(WalletError, ValueError):
    """The file is not a wallet, or SQLite says its pages are damaged."""

    CODE = "wallet.corrupt_store"


class RecordCorrupt(WalletError, ValueError):
    """One record failed authentication: its bytes were damaged."""

    CODE = "wallet.record_corrupt"


class RecordIntegrityError(WalletError, ValueError):
    """A record's ciphertext is intact but belongs to another row (rows were swapped)."""

    CODE = "wallet.record_integrity"


class StorageFull(WalletError, OSError):
    """The disk, the file-size limit or the page limit is reached; nothing partial was written."""

    CODE = "wallet.storage_full"


class StorageUnavailable(WalletError, OSError):
    """The wallet cannot be opened or written (permissions, read-only directory, I/O error)."""

    CODE = "wallet.storage_unavailable"


class WalletBusy(WalletError, OSError):
    """Another process held the write lock for longer than the busy timeout."""

    CODE = "wallet.busy"


class UnsupportedSchemaVersion(WalletError, ValueError):
    """The file was written by a newer vcwallet; it is left untouched."""

    CODE = "wallet.unsupported_schema"


class InsecureFile(WalletError, OSError):
    """The wallet file is a symlink or readable by other users."""

    CODE = "wallet.insecure_file"


class KdfParamsInvalid(WalletError, ValueError):
    """The stored key-derivation parameters are outside the accepted bounds."""

    CODE = "wallet.kdf_params_invalid"


class WalletNotFound(WalletError, LookupError):
    """No wallet at the path, or no record with the id."""

    CODE = "wallet.not_found"


class WalletExists(WalletError, OSError):
    """Something already exists at the path; a wallet is never created over it."""

    CODE = "wallet.exists"


class AmbiguousId(WalletError, LookupError):
    """A short id matches more than one record."""

    CODE = "wallet.ambiguous_id"


class UnexpectedSchema(WalletError, ValueError):
    """The file holds SQL objects that are not ours (a trigger, a view, another table or index), or
    its tables do not match its version row (a rewound or forwarded version); it is not opened."""

    CODE = "wallet.unexpected_schema"


class MalformedRow(WalletError, ValueError):
    """A row whose values have the wrong SQL type or unreadable text (a NUL in an id, a BLOB id,
    an integer where ciphertext belongs, bytes that are not UTF-8): readers skip and report it."""

    CODE = "wallet.malformed_row"
