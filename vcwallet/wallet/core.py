"""An open wallet's common ground: the store, the injected verifier and clock, and the record
operations every job of the wallet builds on (finding a credential, reading and rewriting its
summary, verifying bytes, writing a credential's records in one transaction).

The jobs themselves live beside this module, one each (``adding``, ``search``, ``tags``, ``keys``,
``integrity``, ``restore``, ``salvage``); :class:`vcwallet.wallet.Wallet` puts them under one
name. Every outside effect is injected: the ``verifier`` (which brings its fetcher and clock)
and a ``clock`` for the wallet's own timestamps. Timestamps are only ever displayed and sorted,
never compared with "now", so a system clock set earlier than a stored ``imported_at`` cannot
make anything look expired; expiry comes from the verifier's report alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC
from pathlib import Path
from typing import Any, Self

from verifier.clock import Clock, SystemClock
from verifier.errors import VCError
from verifier.fetch import Fetcher
from verifier.json_reader import loads
from verifier.report import VerificationReport

from ..importing import CredentialView, content_hash, summarize
from ..store import AmbiguousId, CorruptStore, Store, Transaction, WalletNotFound
from .lookup import Find, LookupTag, Read, carries, find_duplicate, id_tag, lookup_tags
from .records import (
    KIND_CREDENTIAL,
    KIND_REPORT,
    KIND_SUMMARY,
    CredentialSummary,
    CredentialVerifier,
    StoredCredential,
    json_bytes,
    json_record,
    problems,
    status_of,
)

_MIN_PREFIX = 4


class WalletCore:
    """An open store with its verifier and clock; see :class:`vcwallet.wallet.Wallet`."""

    def __init__(self, store: Store, *, verifier: CredentialVerifier | None = None,
                 clock: Clock | None = None) -> None:
        self._store = store
        self.verifier = verifier
        self.clock: Clock = clock or SystemClock()

    @property
    def path(self) -> Path:
        return self._store.path

    @property
    def store(self) -> Store:
        return self._store

    def close(self) -> None:
        self._store.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def now(self) -> str:
        """The wallet clock's now, as stored in timestamps (UTC, seconds)."""
        return self.clock.now().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def need_verifier(self) -> CredentialVerifier:
        if self.verifier is None:
            raise TypeError("this wallet was opened without a verifier; pass verifier= to add or recheck")
        return self.verifier

    # -- finding and reading -----------------------------------------------------------------------
    def resolve(self, ident: str) -> str:
        """The record id for a full id, a unique prefix (4+ characters) or a credential id."""
        ident = ident.strip()
        if not ident:
            raise WalletNotFound("no credential id given")
        if self._store.has(ident, KIND_SUMMARY):
            return ident
        if len(ident) >= _MIN_PREFIX and all(c in "0123456789abcdef" for c in ident.lower()):
            matches = self._store.ids_with_prefix(ident.lower(), KIND_SUMMARY)
            if len(matches) == 1:
                return matches[0]
            if len(matches) > 1:
                raise AmbiguousId(f"{ident} matches {len(matches)} credentials; give more characters",
                                  details={"matches": matches[:10]})
        found = self._store.find(id_tag(self._store, ident))
        if found is not None and self._store.has(found, KIND_SUMMARY):
            if not carries(self._store.get(found, KIND_CREDENTIAL), "id", ident):
                raise CorruptStore(f"the lookup index sends {ident} to record {found}, whose credential does "
                                   "not carry that id: the index was edited ('vcwallet salvage' rebuilds it)",
                                   details={"record": found, "id": ident, "reason": "lookup_mismatch"})
            return found
        raise WalletNotFound(f"no credential {ident} in this wallet", details={"id": ident})

    def summary_of(self, record_id: str) -> CredentialSummary:
        return CredentialSummary.from_record(record_id, json_record(self._store.get(record_id, KIND_SUMMARY)))

    def get(self, ident: str) -> StoredCredential:
        """One credential: summary, exact bytes and report. Damage raises ``wallet.record_corrupt``
        (or ``wallet.record_integrity`` when a row holds another row's ciphertext)."""
        record_id = self.resolve(ident)
        summary = self.summary_of(record_id)
        data = self._store.get(record_id, KIND_CREDENTIAL)
        report = json_record(self._store.get(record_id, KIND_REPORT))
        return StoredCredential(summary, data, report)

    def remove(self, ident: str) -> str:
        """Delete a credential (all its records and lookup tags) in one transaction; its id."""
        record_id = self.resolve(ident)
        with self._store.transaction() as txn:
            txn.delete(record_id)
        return record_id

    def update_summary(self, ident: str,
                       change: Callable[[CredentialSummary], CredentialSummary]) -> CredentialSummary:
        """Rewrite one summary in a transaction (tags, notes, a merged backup's fields)."""
        record_id = self.resolve(ident)
        with self._store.transaction() as txn:
            current = CredentialSummary.from_record(record_id, json_record(txn.get(record_id, KIND_SUMMARY)))
            updated = change(current)
            txn.put(record_id, KIND_SUMMARY, json_bytes(updated.to_record()))
        return updated

    # -- lookup tags ---------------------------------------------------------------------------------
    def tags_for(self, data: bytes, credential_id: str | None) -> list[LookupTag]:
        return lookup_tags(self._store, data, credential_id)

    def duplicate(self, tags: list[LookupTag], find: Find | None = None,
                  read: Read | None = None) -> tuple[str, str] | None:
        """The stored credential these tags really point to (see :mod:`vcwallet.wallet.lookup`)."""
        return find_duplicate(self._store, tags, find or self._store.find, read)

    # -- verifying and summarizing ----------------------------------------------------------------
    @staticmethod
    def verify_bytes(verifier: CredentialVerifier, data: bytes, view: CredentialView, *, label: str,
                     recipient: str | None = None) -> VerificationReport:
        """The verifier's report. An SD-JWT VC is checked as the holder's own stored copy: it was
        issued without a key binding (the holder adds one when presenting), so none is required."""
        verify_sd_jwt = getattr(verifier, "verify_sd_jwt", None)
        if view.kind == "sd-jwt" and callable(verify_sd_jwt):
            report = verify_sd_jwt(data.decode("ascii").strip(), require_key_binding=False, label=label)
            if isinstance(report, VerificationReport):
                return report
        return verifier.verify_credential(data, label=label, recipient=recipient)

    def ob2_extra(self, view: CredentialView) -> dict[str, Any]:
        """The hosted BadgeClass and issuer of an OB 2.0 assertion, for its name (best effort)."""
        fetcher: Fetcher | None = getattr(self.verifier, "fetcher", None)
        if fetcher is None or view.kind != "ob2":
            return {}
        extra: dict[str, Any] = {}
        assertion = view.document or (_fetch_json(fetcher, view.hosted_url) if view.hosted_url else None)
        badge = assertion.get("badge") if isinstance(assertion, dict) else None
        badge_class = _fetch_json(fetcher, badge) if isinstance(badge, str) else badge
        if isinstance(badge_class, dict):
            extra["badge_class"] = badge_class
            issuer = badge_class.get("issuer")
            profile = _fetch_json(fetcher, issuer) if isinstance(issuer, str) else issuer
            if isinstance(profile, dict):
                extra["issuer_profile"] = profile
        if view.hosted_url and isinstance(assertion, dict):
            extra["assertion"] = assertion
        return extra

    def build_summary(self, record_id: str, data: bytes, view: CredentialView,
                      report_json: Mapping[str, Any], *, source: str, presentation: str | None,
                      flagged: bool, extra: Mapping[str, Any],
                      imported_at: str | None = None) -> CredentialSummary:
        """A summary from the bytes and a fresh report (never from anything stored before)."""
        fields = summarize(view, extra)
        now = self.now()
        record = dict(fields, format=str(report_json.get("format") or view.kind),
                      status=status_of(report_json), verified=report_json.get("verified") is True,
                      flagged=flagged, problems=problems(report_json), content_sha256=content_hash(data),
                      size=len(data), source=source, presentation=presentation,
                      imported_at=imported_at or now, checked_at=now, tags=[], note="", extra=dict(extra))
        return CredentialSummary.from_record(record_id, record)

    @staticmethod
    def write_credential(txn: Transaction, record_id: str, data: bytes, report_json: Mapping[str, Any],
                         summary: CredentialSummary, tags: Iterable[LookupTag]) -> None:
        """All records of one credential and its lookup tags, inside the caller's transaction."""
        txn.put(record_id, KIND_CREDENTIAL, data)
        txn.put(record_id, KIND_REPORT, json_bytes(report_json))
        txn.put(record_id, KIND_SUMMARY, json_bytes(summary.to_record()))
        for item in tags:
            txn.link(item.tag, record_id)


def _fetch_json(fetcher: Fetcher, url: str | None) -> dict[str, Any] | None:
    if not url or not url.startswith("https://"):
        return None
    try:
        response = fetcher.fetch(url, accept="application/ld+json, application/json", max_bytes=1 << 20)
        value = loads(response.body) if 200 <= response.status < 300 else None
    except (VCError, OSError):
        return None
    return value if isinstance(value, dict) else None


__all__ = ["WalletCore"]
