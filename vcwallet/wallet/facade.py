"""The educator's wallet, as one object: verified credentials, holder keys, backup and restore.

:class:`Wallet` is what the command line, the terminal app and library users hold. Each method
hands over to the module of its job, where the rules are written down: ``adding`` (import and
recheck), ``search``, ``tags``, ``keys`` (holder keys), ``restore``, ``salvage`` and
``integrity`` (``check``); what a credential's records are is in ``records``, and the lookup
tags that find duplicates without a plaintext index in ``lookup``.
"""

from __future__ import annotations

import builtins
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from verifier.clock import Clock
from verifier.fetch import Fetcher
from verifier.keys import Ed25519KeyPair

from ..importing import ImportItem
from ..store import DEFAULT_KDF, KdfParams, Store, backup_store
from . import adding, integrity, keys, restore, salvage
from . import search as searching
from . import tags as tagging
from .core import WalletCore
from .keys import HolderKey
from .records import CredentialSummary, CredentialVerifier
from .results import CheckReport, ImportResult, RecheckResult, RestoreResult, SalvageReport

if TYPE_CHECKING:
    from ..presenting import Answer


class Wallet(WalletCore):
    """An open wallet. Create with :meth:`create`, open with :meth:`open`; close when done.

    ``verifier`` is needed to add and recheck credentials; a wallet opened without one can list,
    show, remove, back up and restore (restored credentials are then "not rechecked").
    """

    # -- lifecycle -----------------------------------------------------------------------------
    @classmethod
    def create(cls, path: str | os.PathLike[str], passphrase: str, *,
               verifier: CredentialVerifier | None = None, kdf: KdfParams = DEFAULT_KDF,
               clock: Clock | None = None, holder_key: bool = True) -> Wallet:
        """A new wallet at ``path`` (never over an existing file), with a did:key holder key."""
        wallet = cls(Store.create(path, passphrase, kdf=kdf), verifier=verifier, clock=clock)
        try:
            if holder_key:
                wallet.create_holder_key(label="holder key 1")
        except BaseException:
            wallet.close()
            raise
        return wallet

    @classmethod
    def open(cls, path: str | os.PathLike[str], passphrase: str, *,
             verifier: CredentialVerifier | None = None, clock: Clock | None = None,
             readonly: bool = False) -> Wallet:
        """Unlock the wallet at ``path``. Errors: ``wallet.not_found``, ``wallet.wrong_passphrase``,
        ``wallet.corrupt_store``, ``wallet.unsupported_schema``, ``wallet.insecure_file``,
        ``wallet.kdf_params_invalid``, ``wallet.storage_unavailable``."""
        return cls(Store.open(path, passphrase, readonly=readonly), verifier=verifier, clock=clock)

    # -- adding ----------------------------------------------------------------------------------
    def add(self, data: bytes, *, source: str, force: bool = False, presentation: str | None = None,
            recipient: str | None = None) -> ImportResult:
        """Verify ``data`` and store it (exact bytes, report beside it) unless it is a duplicate.

        A credential that fails verification is refused unless ``force``; then it is stored with
        ``flagged`` set. Duplicates (same bytes, or same credential id) are not stored again.
        A presentation is refused here: unpack it with :func:`vcwallet.importing.expand` (or use
        :meth:`import_source`).
        """
        return adding.add(self, data, source=source, force=force, presentation=presentation,
                          recipient=recipient)

    def add_item(self, item: ImportItem, *, force: bool = False) -> ImportResult:
        """:meth:`add` for one :class:`~vcwallet.importing.ImportItem` (reports unreadable ones)."""
        return adding.add_item(self, item, force=force)

    def import_source(self, source: str, *, fetcher: Fetcher | None = None, force: bool = False,
                      stdin: BinaryIO | None = None,
                      progress: Callable[[int, int, ImportResult], None] | None = None,
                      ) -> builtins.list[ImportResult]:
        """Import a file, folder, ``-`` or https URL (see :func:`vcwallet.importing.read_source`)."""
        return adding.import_source(self, source, fetcher=fetcher, force=force, stdin=stdin,
                                    progress=progress)

    def recheck(self, ident: str | None = None) -> builtins.list[RecheckResult]:
        """Verify stored credentials again (one, or all) and store the new report and status."""
        return adding.recheck(self, ident)

    # -- reading ---------------------------------------------------------------------------------
    def list(self, search: str | None = None, status: str | None = None) -> builtins.list[CredentialSummary]:
        """Every credential, oldest first; ``search`` matches all its words anywhere in the summary
        (name, achievement, issuer, tags, note…), ``status`` one of :data:`STATUSES`.

        Damaged records are listed (with ``damaged`` set) when no filter is given, never hidden.
        """
        return searching.list_credentials(self, search, status)

    # -- tags and notes --------------------------------------------------------------------------
    def add_tags(self, ident: str, tags: Iterable[str]) -> CredentialSummary:
        return tagging.add_tags(self, ident, tags)

    def remove_tags(self, ident: str, tags: Iterable[str]) -> CredentialSummary:
        return tagging.remove_tags(self, ident, tags)

    def set_note(self, ident: str, note: str) -> CredentialSummary:
        return tagging.set_note(self, ident, note)

    # -- holder keys -------------------------------------------------------------------------------
    def holder_keys(self) -> builtins.list[HolderKey]:
        """Every readable holder key, oldest first; exactly one is ``active`` once any exists."""
        return keys.holder_keys(self.store)

    def create_holder_key(self, *, label: str | None = None, activate: bool = True,
                          key: Ed25519KeyPair | None = None) -> HolderKey:
        """A new Ed25519 did:key holder key, sealed in the wallet (and made active by default).

        ``key`` brings an existing key pair instead (moving to a new laptop, or a demo's fixed
        key); importing a key the wallet already holds returns that key unchanged.
        """
        return keys.create_holder_key(self.store, self.now(), label=label, activate=activate, key=key)

    def rotate_holder_key(self, *, label: str | None = None) -> HolderKey:
        """Make a new active holder key; older keys stay for presenting credentials bound to them."""
        return self.create_holder_key(label=label, activate=True)

    def holder_key_pair(self, key: str | None = None) -> tuple[HolderKey, Ed25519KeyPair]:
        """The signing key for ``key`` (a key id, DID or verification method; default: the active one)."""
        return keys.holder_key_pair(self.store, key)

    # -- safety ------------------------------------------------------------------------------------
    def passwd(self, old: str, new: str, *, kdf: KdfParams | None = None) -> None:
        """Change the passphrase: one atomic re-wrap of the data key (see ``Store.change_passphrase``)."""
        self.store.change_passphrase(old, new, kdf=kdf)

    def backup(self, path: str | os.PathLike[str], passphrase: str, *, kdf: KdfParams | None = None) -> Path:
        """Write a passphrase-protected single-file backup (itself a wallet file) to ``path``."""
        return backup_store(self.store, path, passphrase, kdf=kdf)

    def restore(self, path: str | os.PathLike[str], passphrase: str, dry_run: bool = False, *,
                force: bool = False) -> RestoreResult:
        """Merge a backup (or any wallet file) into this wallet, without duplicates.

        A backup is data from outside: every credential in it is verified again from its exact
        bytes with this wallet's ``verifier`` and its summary rebuilt from those bytes; the
        backup's stored status, name and report are not used. One that fails again is refused
        (``force`` keeps it, flagged); one that cannot be checked here (no verifier, or offline)
        is added as ``unchecked`` ("not rechecked"), never ``verified``. Credentials already
        here (same bytes or same credential id) are not copied; the backup's tags are merged and
        a missing note is taken over. Holder keys are merged by public key, rebuilt from their
        secret key. Rows that cannot be read are listed in ``unreadable``. Each credential is
        written in its own transaction, so an interrupted restore can simply be run again.
        ``dry_run`` reports what would change and writes nothing.
        """
        return restore.restore_into(self, path, passphrase, dry_run=dry_run, force=force)

    @classmethod
    def restore_new(cls, path: str | os.PathLike[str], backup: str | os.PathLike[str], backup_passphrase: str,
                    passphrase: str, *, kdf: KdfParams = DEFAULT_KDF,
                    verifier: CredentialVerifier | None = None, clock: Clock | None = None,
                    force: bool = False) -> RestoreResult:
        """Create a wallet at ``path`` from a backup (a new laptop). Nothing appears at ``path``
        (and no folder is left) unless the backup is accepted: a wrong passphrase, a damaged
        backup or one holding objects that are not ours leaves the disk as it was."""
        return restore.restore_new(path, backup, backup_passphrase, passphrase, kdf=kdf, verifier=verifier,
                                   clock=clock, force=force)

    def check(self) -> CheckReport:
        """SQLite's ``integrity_check`` plus the wallet's own: every row is well-formed, every
        credential has all its records, every record decrypts, every summary matches its bytes,
        every lookup tag points home (and only to a record that carries it), and the schema is
        exactly ours."""
        return integrity.check(self)

    @classmethod
    def salvage(cls, source: str | os.PathLike[str], passphrase: str, dest: str | os.PathLike[str], *,
                kdf: KdfParams | None = None, clock: Clock | None = None,
                verifier: CredentialVerifier | None = None) -> SalvageReport:
        """Copy whatever still decrypts from a damaged wallet into a new wallet at ``dest``.

        The damaged file is only read, and the passphrase is tried against the data itself: a
        damaged check value or key-check blob does not stop the recovery (``damaged`` names
        them). Every recovered credential is verified again from its bytes with ``verifier``
        and gets a summary rebuilt from them (``salvaged`` set; ``unchecked`` when it could not
        be verified here). The new wallet uses the same passphrase.
        """
        return salvage.salvage_new(source, passphrase, dest, kdf=kdf, clock=clock, verifier=verifier)

    # -- presenting --------------------------------------------------------------------------------
    def present(self, request: Mapping[str, Any], selections: Sequence[str] = (), **options: Any) -> Answer:
        """Answer a verifier's request with the selected credentials (an ``Answer``).

        The same as :func:`vcwallet.presenting.answer_request` (``document_loader`` is
        required; ``disclose`` chooses SD-JWT claims; ``confirmed`` allows flagged badges).
        """
        from ..presenting import answer_request  # lazy: only presenting loads the proof suites

        return answer_request(self, request, selections, **options)


__all__ = ["Wallet"]
