"""The educator's wallet: verified credentials and holder keys in one encrypted file.

:class:`Wallet` (``facade``) is the object to hold; the modules beside it each do one job:

``paths``      where the wallet lives by default
``records``    what is stored (a credential's three records, its summary, the status words)
``lookup``     blind lookup tags: duplicates found without a plaintext index, bound to their record
``core``       an open store with its verifier and clock, and the record operations jobs share
``adding``     import and recheck: nothing enters unverified
``search``     list and search (in memory: there is no plaintext index)
``tags``       the holder's tags and notes
``keys``       holder keys (did:key), rotation
``recovery``   what restore and salvage share: verify again, rebuild summaries, keep the holder's
``restore``    merge a backup, or make a new wallet from one
``salvage``    copy what still decrypts from a damaged wallet
``integrity``  ``check``
``results``    the dataclasses these answer with

Names are loaded on first use, so finding the wallet's path loads nothing of the store.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from verifier.lazy import lazy_exports

if TYPE_CHECKING:
    from .facade import Wallet as Wallet
    from .keys import HolderKey as HolderKey
    from .paths import ENV_HOME as ENV_HOME
    from .paths import default_wallet_path as default_wallet_path
    from .records import STATUSES as STATUSES
    from .records import CredentialSummary as CredentialSummary
    from .records import CredentialVerifier as CredentialVerifier
    from .records import StoredCredential as StoredCredential
    from .records import status_of as status_of
    from .results import CheckReport as CheckReport
    from .results import ImportResult as ImportResult
    from .results import RecheckResult as RecheckResult
    from .results import RestoreResult as RestoreResult
    from .results import SalvageReport as SalvageReport

#: Each module and the public names it defines.
_HOMES: dict[str, tuple[str, ...]] = {
    "facade": ("Wallet",), "keys": ("HolderKey",), "paths": ("ENV_HOME", "default_wallet_path"),
    "records": ("STATUSES", "CredentialSummary", "CredentialVerifier", "StoredCredential", "status_of"),
    "results": ("CheckReport", "ImportResult", "RecheckResult", "RestoreResult", "SalvageReport"),
}

__all__ = sorted(name for names in _HOMES.values() for name in names)

__getattr__, __dir__ = lazy_exports(__name__, _HOMES, __all__)
