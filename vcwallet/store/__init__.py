"""The wallet's encrypted SQLite store: records sealed under a passphrase-wrapped data key.

:class:`Store` is the database layer (open, create, transactions, passphrase change, backup,
salvage); :mod:`~vcwallet.store.crypto` holds the key hierarchy; :mod:`~vcwallet.store.errors`
the coded errors. What the records mean (credentials, reports, holder keys) is
:mod:`vcwallet.wallet`'s business.
"""

from __future__ import annotations

from .backup import backup_store, partial_copies, remove_stale_partials
from .crypto import DEFAULT_KDF, FAST_FOR_TESTS, INTERACTIVE, MODERATE, SENSITIVE, KdfParams
from .database import DEFAULT_BUSY_TIMEOUT, Store, StoreInfo, Transaction
from .errors import (
    AmbiguousId,
    CorruptStore,
    InsecureFile,
    KdfParamsInvalid,
    MalformedRow,
    RecordCorrupt,
    RecordIntegrityError,
    StorageFull,
    StorageUnavailable,
    UnexpectedSchema,
    UnsupportedSchemaVersion,
    WalletBusy,
    WalletError,
    WalletExists,
    WalletNotFound,
    WrongPassphrase,
)
from .reading import BadRow, RawRow
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
    "BadRow",
    "CorruptStore",
    "InsecureFile",
    "KdfParams",
    "KdfParamsInvalid",
    "MalformedRow",
    "RawRow",
    "RecordCorrupt",
    "RecordIntegrityError",
    "SalvageRead",
    "StorageFull",
    "StorageUnavailable",
    "Store",
    "StoreInfo",
    "Transaction",
    "UnexpectedSchema",
    "UnsupportedSchemaVersion",
    "WalletBusy",
    "WalletError",
    "WalletExists",
    "WalletNotFound",
    "WrongPassphrase",
    "backup_store",
    "partial_copies",
    "remove_stale_partials",
    "salvage_read",
]
