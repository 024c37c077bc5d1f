"""The wallet's encrypted SQLite store: records sealed under a passphrase-wrapped data key.

:class:`Store` is the database layer (open, create, transactions, passphrase change, backup,
salvage); :mod:`~vcwallet.store.crypto` holds the key hierarchy; :mod:`~vcwallet.store.errors`
the coded errors. What the records mean (credentials, reports, holder keys) is
:mod:`vcwallet.wallet`'s business.
"""

from __future__ import annotations

from .backup import backup_store
from .crypto import DEFAULT_KDF, FAST_FOR_TESTS, INTERACTIVE, MODERATE, SENSITIVE, KdfParams
from .database import DEFAULT_BUSY_TIMEOUT, RawRow, Store, StoreInfo, Transaction
from .errors import (
    AmbiguousId,
    CorruptStore,
    InsecureFile,
    KdfParamsInvalid,
    RecordCorrupt,
    RecordIntegrityError,
    StorageFull,
    StorageUnavailable,
    UnsupportedSchemaVersion,
    WalletBusy,
    WalletError,
    WalletExists,
    WalletNotFound,
    WrongPassphrase,
)
from .salvage import SalvageRead, salvage_read
from .schema import CURRENT_VERSION

__all__ = [
    "CURRENT_VERSION",
    "DEFAULT_BUSY_TIMEOUT",
    "DEFAULT_KDF",
    "FAST_FOR_TESTS",
    "INTERACTIVE",
    "MODERATE",
    "SENSITIVE",
    "AmbiguousId",
    "CorruptStore",
    "InsecureFile",
    "KdfParams",
    "KdfParamsInvalid",
    "RawRow",
    "RecordCorrupt",
    "RecordIntegrityError",
    "SalvageRead",
    "StorageFull",
    "StorageUnavailable",
    "Store",
    "StoreInfo",
    "Transaction",
    "UnsupportedSchemaVersion",
    "WalletBusy",
    "WalletError",
    "WalletExists",
    "WalletNotFound",
    "WrongPassphrase",
    "backup_store",
    "salvage_read",
]
