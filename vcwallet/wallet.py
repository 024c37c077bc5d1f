"""The educator's wallet: verified credentials, holder keys, backup and restore, in one encrypted file.

A credential is stored as three sealed records under one random id:

``credential``
    the exact bytes it arrived in (JSON, a JWT, a baked PNG/SVG), never re-serialised;
``report``
    the verifier's report (JSON) from import or the last ``recheck``;
``summary``
    what a person recognises it by (name, achievement, issuer, dates), its status, where it came
    from, tags and a note. ``list`` and ``search`` decrypt the summaries in memory; there is no
    plaintext index, so nothing identifying is readable without the passphrase.

Duplicates are found through blind lookup tags (keyed hashes) of the content's SHA-256 and of the
credential id. All records of one credential are written in one transaction: after a crash a
credential is fully present or absent. The lookup table itself is not authenticated (anyone with
the file can point a tag at another record), so every lookup is bound to what it finds: the
record's own decrypted bytes must carry the id or digest asked for. For ``show ID``, ``present
--select ID`` or ``remove ID`` a mismatch is ``wallet.corrupt_store`` naming the record; for
duplicate detection the false pointer is ignored (and replaced when the credential is stored).

Nothing enters the wallet unverified: credentials from a backup (``restore``) or a damaged file
(``salvage``) are verified again from their exact bytes, and their summaries are rebuilt from
those bytes (see :mod:`vcwallet.wallet_restore`).

Holder keys (Ed25519, did:key) are sealed records too; ``settings`` names the active one.
Rotating adds a new key and makes it active, keeping the old ones to present older credentials.

Every outside effect is injected: the ``verifier`` (which brings its fetcher and clock) and a
``clock`` for the wallet's own timestamps. Timestamps are only ever displayed and sorted, never
compared with "now", so a system clock set earlier than a stored ``imported_at`` cannot make
anything look expired; expiry comes from the verifier's report alone.
"""

from __future__ import annotations

import builtins
import json
import logging
import os
import secrets
import sys
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple, Protocol

from verifier.clock import Clock, SystemClock
from verifier.errors import ParseError, VCError
from verifier.fetch import Fetcher
from verifier.json_reader import loads
from verifier.keys import Ed25519KeyPair
from verifier.report import CheckResult, Status, VerificationReport

from . import importing
from .importing import CredentialView, ImportItem, content_hash, summarize, view_credential
from .store import (
    DEFAULT_KDF,
    AmbiguousId,
    CorruptStore,
    KdfParams,
    MalformedRow,
    RecordCorrupt,
    RecordIntegrityError,
    Store,
    Transaction,
    WalletError,
    WalletNotFound,
    backup_store,
)

log = logging.getLogger("vcwallet.wallet")

ENV_HOME = "VCWALLET_HOME"
WALLET_FILE = "wallet.db"

KIND_CREDENTIAL = "credential"
KIND_REPORT = "report"
KIND_SUMMARY = "summary"
KIND_HOLDER_KEY = "holder_key"
KIND_SETTINGS = "settings"
SETTINGS_ID = "settings"
CREDENTIAL_KINDS = frozenset({KIND_CREDENTIAL, KIND_REPORT, KIND_SUMMARY})

#: ``list --status`` values, in the order a listing explains them. ``unchecked`` ("not rechecked")
#: is a credential restored or salvaged from outside that could not be verified again here.
STATUSES = ("verified", "untrusted", "revoked", "suspended", "expired", "invalid", "unknown", "unchecked")
_TAG_HASH = "sha256"
_TAG_ID = "credential-id"
_MIN_PREFIX = 4
_SUMMARY_VERSION = 1


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


class CredentialVerifier(Protocol):
    """What the wallet needs from :class:`verifier.verification.Verifier`."""

    def verify_credential(self, data: Any, *, label: str = ...,
                          recipient: str | None = ...) -> VerificationReport: ...


def status_of(report: Mapping[str, Any]) -> str:
    """One word for a report (JSON form): what ``list --status`` filters on.

    Revoked, suspended and expired win over everything; a verified credential whose issuer is
    not on the trust list is ``untrusted``; any other failure is ``invalid``; a report that
    could not decide (unreachable status list, unsupported format) is ``unknown``.
    """
    checks = [c for c in report.get("checks", []) if isinstance(c, dict)]
    codes = {c.get("code") for c in checks if c.get("status") in ("failed", "error")}
    if "status.revoked" in codes:
        return "revoked"
    if "status.suspended" in codes:
        return "suspended"
    if "validity.expired" in codes:
        return "expired"
    untrusted = any(c.get("id") == "trust" and c.get("code") == "trust.untrusted_issuer"
                    and c.get("status") in ("warning", "failed") for c in checks)
    if report.get("verified") is True:
        return "untrusted" if untrusted else "verified"
    failed = {c.get("code") for c in checks if c.get("status") == "failed"} - {None}
    if failed <= {"trust.untrusted_issuer", "trust.achievement_not_accepted"} and untrusted and failed:
        return "untrusted"
    return "invalid" if failed else "unknown"


def _problems(report: Mapping[str, Any]) -> list[str]:
    return sorted({str(c["code"]) for c in report.get("checks", [])
                   if isinstance(c, dict) and c.get("code") and c.get("status") in ("failed", "error",
                                                                                      "warning")})


class LookupTag(NamedTuple):
    """A blind lookup tag with what it stands for: ``reason`` ``content`` (``value`` is the
    SHA-256 of the bytes) or ``id`` (``value`` is the credential's own id)."""

    tag: bytes
    reason: str
    value: str


def carries(data: bytes, reason: str, value: str) -> bool:
    """Whether a credential's bytes really are what a lookup tag says they are."""
    if reason == "content":
        return content_hash(data) == value
    return view_credential(data).credential_id == value


def not_rechecked_report(label: str, kind: str) -> dict[str, Any]:
    """The report stored for a credential from outside that no verifier could check here."""
    check = CheckResult("proof", Status.SKIPPED, "wallet.not_rechecked",
                        "restored or salvaged from outside the wallet and not verified again here")
    return VerificationReport(label, kind, (check,)).to_json()


@dataclass(frozen=True)
class CredentialSummary:
    """What the wallet shows in a list. ``damaged`` holds an error code when the record is unreadable."""

    id: str
    name: str | None = None
    achievement: str | None = None
    achievement_type: str | None = None
    description: str | None = None
    issuer_id: str | None = None
    issuer_name: str | None = None
    subject: str | None = None
    issued: str | None = None
    expires: str | None = None
    credential_id: str | None = None
    format: str = "unknown"
    kind: str = "unknown"
    container: str | None = None
    types: tuple[str, ...] = ()
    status: str = "unknown"
    verified: bool = False
    flagged: bool = False
    problems: tuple[str, ...] = ()
    content_sha256: str = ""
    size: int = 0
    source: str = ""
    presentation: str | None = None
    imported_at: str = ""
    checked_at: str = ""
    tags: tuple[str, ...] = ()
    note: str = ""
    salvaged: bool = False
    extra: dict[str, Any] = field(default_factory=dict, compare=False)
    damaged: str | None = None

    @classmethod
    def from_record(cls, record_id: str, data: Mapping[str, Any]) -> CredentialSummary:
        def text(key: str) -> str | None:
            value = data.get(key)
            return value if isinstance(value, str) else None

        def strings(key: str) -> tuple[str, ...]:
            value = data.get(key)
            return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()

        return cls(
            id=record_id, name=text("name"), achievement=text("achievement"),
            achievement_type=text("achievement_type"), description=text("description"),
            issuer_id=text("issuer_id"), issuer_name=text("issuer_name"), subject=text("subject"),
            issued=text("issued"), expires=text("expires"), credential_id=text("credential_id"),
            format=text("format") or "unknown", kind=text("kind") or "unknown", container=text("container"),
            types=strings("types"), status=text("status") or "unknown", verified=data.get("verified") is True,
            flagged=data.get("flagged") is True, problems=strings("problems"),
            content_sha256=text("content_sha256") or "", size=int(data.get("size") or 0),
            source=text("source") or "", presentation=text("presentation"),
            imported_at=text("imported_at") or "", checked_at=text("checked_at") or "",
            tags=strings("tags"), note=text("note") or "", salvaged=data.get("salvaged") is True,
            extra=dict(data["extra"]) if isinstance(data.get("extra"), dict) else {})

    def to_record(self) -> dict[str, Any]:
        out = {k: v for k, v in self.to_json().items() if k not in ("id", "damaged")}
        out["v"] = _SUMMARY_VERSION
        out["extra"] = self.extra
        return out

    def to_json(self) -> dict[str, Any]:
        """The summary as JSON (``list --json``); ``extra`` is left out."""
        return {
            "id": self.id, "name": self.name, "achievement": self.achievement,
            "achievement_type": self.achievement_type, "description": self.description,
            "issuer_id": self.issuer_id, "issuer_name": self.issuer_name, "subject": self.subject,
            "issued": self.issued, "expires": self.expires, "credential_id": self.credential_id,
            "format": self.format, "kind": self.kind, "container": self.container, "types": list(self.types),
            "status": self.status, "verified": self.verified, "flagged": self.flagged,
            "problems": list(self.problems), "content_sha256": self.content_sha256, "size": self.size,
            "source": self.source, "presentation": self.presentation, "imported_at": self.imported_at,
            "checked_at": self.checked_at, "tags": list(self.tags), "note": self.note,
            "salvaged": self.salvaged, "damaged": self.damaged,
        }

    def search_text(self) -> str:
        parts = [self.name, self.achievement, self.achievement_type, self.description, self.issuer_id,
                 self.issuer_name, self.credential_id, self.format, self.source, self.note, self.status,
                 *self.tags, *self.types]
        return _fold(" ".join(p for p in parts if p))


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


@dataclass(frozen=True)
class StoredCredential:
    """One credential as stored: its summary, its exact bytes, and its last report (JSON)."""

    summary: CredentialSummary
    data: bytes
    report: dict[str, Any]

    @property
    def id(self) -> str:
        return self.summary.id

    def view(self) -> CredentialView:
        """The credential read as JSON (unverified; for display)."""
        return view_credential(self.data)


@dataclass(frozen=True)
class ImportResult:
    """What happened to one import item.

    ``outcome``: ``added``; ``added_flagged`` (failed verification, kept because ``force``);
    ``replaced`` (a stored copy with the same credential id had failed verification and this one
    verifies: it takes that record's place, keeping its tags and note; ``duplicate_of`` names it);
    ``duplicate`` (``duplicate_of`` names the record, ``reason`` says ``content`` or ``id``);
    ``refused`` (failed verification without ``force``, or not a credential); ``unreadable``.
    """

    outcome: str
    source: str
    id: str | None = None
    summary: CredentialSummary | None = None
    report: VerificationReport | None = None
    duplicate_of: str | None = None
    reason: str | None = None
    presentation: str | None = None
    error: VCError | None = None

    @property
    def stored(self) -> bool:
        return self.outcome in ("added", "added_flagged", "replaced")


@dataclass(frozen=True)
class RecheckResult:
    """A credential's status before and after re-verification (``error`` if it could not be read)."""

    id: str
    before: str
    after: str
    report: VerificationReport | None = None
    error: WalletError | None = None

    @property
    def changed(self) -> bool:
        return self.before != self.after


@dataclass(frozen=True)
class HolderKey:
    """A holder key's public part; the secret stays sealed until :meth:`Wallet.holder_key_pair`."""

    id: str
    did: str
    verification_method: str
    public_key_multibase: str
    created_at: str
    label: str
    active: bool


@dataclass(frozen=True)
class RestoreResult:
    """What a restore added (or, in a dry run, would add).

    ``added``: backup record ids that are new here; ``duplicates``: (backup id, existing id);
    ``merged``: existing ids whose tags or note were merged in; ``keys_added``: holder DIDs;
    ``unreadable``: backup records that did not decrypt or could not be read (malformed rows
    appear as ``row#SEQ``); ``refused``: (backup id, status) of credentials that failed
    verification again and were not added (``force`` keeps them, flagged); ``unchecked``: added
    backup ids that could not be verified here (status ``unchecked``, "not rechecked").
    """

    dry_run: bool
    added: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)
    keys_added: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    unchecked: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SalvageReport:
    """What :meth:`Wallet.salvage` recovered into the new wallet, and what was lost.

    ``damaged``: what was found damaged and worked around (``kek_check``, ``key_check``,
    ``wallet_id``, ``wrapped_key``); ``ignored``: SQL objects in the damaged file that are not ours
    (never run); ``unchecked``: recovered credentials that could not be verified again here.
    """

    path: Path
    credentials: list[str]
    keys: list[str]
    lost: list[dict[str, Any]]
    scan_errors: list[str]
    damaged: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    unchecked: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CheckReport:
    """The result of :meth:`Wallet.check`: SQLite's integrity check and the wallet's own."""

    integrity: list[str]
    problems: list[str]
    credentials: int
    keys: int

    @property
    def ok(self) -> bool:
        return not self.integrity and not self.problems


def _json_bytes(value: Any) -> bytes:
    # backslashreplace: a lone surrogate (from a file name or the credential's JSON) becomes its
    # \uXXXX escape, which is valid JSON and reads back as the same string
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "backslashreplace")


def _json_record(data: bytes) -> dict[str, Any]:
    """A record's JSON. Records are authenticated (only this wallet's key could have sealed them),
    so the fast standard parser is enough; untrusted input goes through ``json_reader.loads``."""
    try:
        value = json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise ParseError("parse.malformed_json", "a wallet record is not valid JSON") from exc
    if not isinstance(value, dict):
        raise ParseError("parse.not_an_object", "a wallet record is not a JSON object")
    return value


class Wallet:
    """An open wallet. Create with :meth:`create`, open with :meth:`open`; close when done.

    ``verifier`` is needed to add and recheck credentials; a wallet opened without one can list,
    show, remove, back up and restore.
    """

    def __init__(self, store: Store, *, verifier: CredentialVerifier | None = None,
                 clock: Clock | None = None) -> None:
        self._store = store
        self.verifier = verifier
        self.clock: Clock = clock or SystemClock()

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

    @property
    def path(self) -> Path:
        return self._store.path

    @property
    def store(self) -> Store:
        return self._store

    def close(self) -> None:
        self._store.close()

    def __enter__(self) -> Wallet:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _now(self) -> str:
        return self.clock.now().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def _need_verifier(self) -> CredentialVerifier:
        if self.verifier is None:
            raise TypeError("this wallet was opened without a verifier; pass verifier= to add or recheck")
        return self.verifier

    # -- adding ----------------------------------------------------------------------------------
    def _tags(self, data: bytes, credential_id: str | None) -> list[LookupTag]:
        digest = content_hash(data)
        tags = [LookupTag(self._store.lookup_tag(_TAG_HASH, digest), "content", digest)]
        if credential_id:
            tags.append(LookupTag(self._store.lookup_tag(_TAG_ID, credential_id), "id", credential_id))
        return tags

    def _duplicate(self, tags: list[LookupTag], find: Callable[[bytes], str | None],
                   read: Callable[[str, str], bytes] | None = None) -> tuple[str, str] | None:
        """The stored credential the tags point to, if its own bytes carry what they stand for.

        A pointer to a record that does not (the lookup table was edited) is not believed: the
        summaries are searched instead (each checked against its bytes), so an edited index can
        neither invent a duplicate nor hide one. Storing the credential replaces the pointer.
        """
        read = read or self._store.get
        edited = False
        for item in tags:
            found = find(item.tag)
            if found is None:
                continue
            if self._bound(read, found, item):
                return found, item.reason
            log.warning("lookup tag (%s) points to record %s, which does not carry it", item.reason, found)
            edited = True
        return self._search_duplicate(tags, read) if edited else None

    @staticmethod
    def _bound(read: Callable[[str, str], bytes], record_id: str, item: LookupTag) -> bool:
        try:
            return carries(read(record_id, KIND_CREDENTIAL), item.reason, item.value)
        except (WalletError, ParseError):
            return False

    def _search_duplicate(self, tags: list[LookupTag],
                          read: Callable[[str, str], bytes]) -> tuple[str, str] | None:
        """The duplicate found by reading every summary (only when the index was found edited)."""
        for record_id, plaintext in self._store.read_all(KIND_SUMMARY):
            if isinstance(plaintext, WalletError):
                continue
            try:
                summary = CredentialSummary.from_record(record_id, _json_record(plaintext))
            except (ParseError, ValueError, TypeError):
                continue
            for item in tags:
                claimed = summary.content_sha256 if item.reason == "content" else summary.credential_id
                if claimed == item.value and self._bound(read, record_id, item):
                    return record_id, item.reason
        return None

    def _ob2_extra(self, view: CredentialView) -> dict[str, Any]:
        """The hosted BadgeClass and issuer of an OB 2.0 assertion, for its name (best effort)."""
        fetcher: Fetcher | None = getattr(self.verifier, "fetcher", None)
        if fetcher is None or view.kind != "ob2":
            return {}
        extra: dict[str, Any] = {}
        assertion = view.document or (self._fetch_json(fetcher, view.hosted_url) if view.hosted_url else None)
        badge = assertion.get("badge") if isinstance(assertion, dict) else None
        badge_class = self._fetch_json(fetcher, badge) if isinstance(badge, str) else badge
        if isinstance(badge_class, dict):
            extra["badge_class"] = badge_class
            issuer = badge_class.get("issuer")
            profile = self._fetch_json(fetcher, issuer) if isinstance(issuer, str) else issuer
            if isinstance(profile, dict):
                extra["issuer_profile"] = profile
        if view.hosted_url and isinstance(assertion, dict):
            extra["assertion"] = assertion
        return extra

    @staticmethod
    def _fetch_json(fetcher: Fetcher, url: str | None) -> dict[str, Any] | None:
        if not url or not url.startswith("https://"):
            return None
        try:
            response = fetcher.fetch(url, accept="application/ld+json, application/json", max_bytes=1 << 20)
            value = loads(response.body) if 200 <= response.status < 300 else None
        except (VCError, OSError):
            return None
        return value if isinstance(value, dict) else None

    def _summary(self, record_id: str, data: bytes, view: CredentialView, report_json: Mapping[str, Any], *,
                 source: str, presentation: str | None, flagged: bool, extra: Mapping[str, Any],
                 imported_at: str | None = None) -> CredentialSummary:
        fields = summarize(view, extra)
        now = self._now()
        record = dict(fields, format=str(report_json.get("format") or view.kind),
                      status=status_of(report_json), verified=report_json.get("verified") is True,
                      flagged=flagged,
                      problems=_problems(report_json), content_sha256=content_hash(data), size=len(data),
                      source=source, presentation=presentation, imported_at=imported_at or now,
                      checked_at=now, tags=[], note="", extra=dict(extra))
        return CredentialSummary.from_record(record_id, record)

    def add(self, data: bytes, *, source: str, force: bool = False, presentation: str | None = None,
            recipient: str | None = None) -> ImportResult:
        """Verify ``data`` and store it (exact bytes, report beside it) unless it is a duplicate.

        A credential that fails verification is refused unless ``force``; then it is stored with
        ``flagged`` set. Duplicates (same bytes, or same credential id) are not stored again.
        A presentation is refused here: unpack it with :func:`vcwallet.importing.expand` (or use
        :meth:`import_source`).
        """
        verifier = self._need_verifier()
        data = bytes(data)
        view = view_credential(data)
        if view.kind == "presentation":
            error = ParseError("parse.unknown_format",
                               "this is a presentation: import the credentials in it")
            return ImportResult("refused", source, reason="presentation", presentation=presentation,
                                error=error)
        tags = self._tags(data, view.credential_id)
        found = self._duplicate(tags, self._store.find)
        replacing: str | None = None
        if found is not None:
            if found[1] != "id" or not self._replaceable(found[0]):
                return ImportResult("duplicate", source, duplicate_of=found[0], reason=found[1],
                                    presentation=presentation)
            replacing = found[0]
        report = self._verify(verifier, data, view, label=source, recipient=recipient)
        report_json = report.to_json()
        if replacing is not None and not report.verified:
            return ImportResult("duplicate", source, duplicate_of=replacing, reason="id", report=report,
                                presentation=presentation)
        if not report.verified and not force:
            return ImportResult("refused", source, report=report, reason="not_verified",
                                presentation=presentation)
        record_id = replacing or secrets.token_hex(8)
        summary = self._summary(record_id, data, view, report_json, source=source, presentation=presentation,
                                flagged=not report.verified, extra=self._ob2_extra(view))
        with self._store.transaction() as txn:
            found = self._duplicate(tags, txn.find, txn.get)  # another process may have added it meanwhile
            if found is not None and found != (replacing, "id"):
                return ImportResult("duplicate", source, duplicate_of=found[0], reason=found[1],
                                    presentation=presentation, report=report)
            if replacing is not None:
                summary = self._carry_over(txn, replacing, summary)
                txn.delete(replacing)
            self._write_credential(txn, record_id, data, report_json, summary, tags)
        outcome = "replaced" if replacing else "added" if report.verified else "added_flagged"
        return ImportResult(outcome, source, id=record_id, summary=summary, report=report,
                            duplicate_of=replacing, presentation=presentation)

    @staticmethod
    def _verify(verifier: CredentialVerifier, data: bytes, view: CredentialView, *, label: str,
                recipient: str | None = None) -> VerificationReport:
        """The verifier's report. An SD-JWT VC is checked as the holder's own stored copy: it was
        issued without a key binding (the holder adds one when presenting), so none is required."""
        verify_sd_jwt = getattr(verifier, "verify_sd_jwt", None)
        if view.kind == "sd-jwt" and callable(verify_sd_jwt):
            report = verify_sd_jwt(data.decode("ascii").strip(), require_key_binding=False, label=label)
            if isinstance(report, VerificationReport):
                return report
        return verifier.verify_credential(data, label=label, recipient=recipient)

    def _replaceable(self, record_id: str) -> bool:
        """A stored copy with the same id that did not verify may give way to one that does."""
        try:
            return not self._summary_of(record_id).verified
        except (WalletError, ParseError):
            return True

    @staticmethod
    def _carry_over(txn: Transaction, record_id: str, summary: CredentialSummary) -> CredentialSummary:
        """Keep the holder's tags and note (and first import time) when a copy is replaced."""
        try:
            old = CredentialSummary.from_record(record_id, _json_record(txn.get(record_id, KIND_SUMMARY)))
        except (WalletError, ParseError):
            return summary
        return replace(summary, tags=old.tags, note=old.note,
                       imported_at=old.imported_at or summary.imported_at)

    @staticmethod
    def _write_credential(txn: Transaction, record_id: str, data: bytes, report_json: Mapping[str, Any],
                          summary: CredentialSummary, tags: Iterable[LookupTag]) -> None:
        txn.put(record_id, KIND_CREDENTIAL, data)
        txn.put(record_id, KIND_REPORT, _json_bytes(report_json))
        txn.put(record_id, KIND_SUMMARY, _json_bytes(summary.to_record()))
        for item in tags:
            txn.link(item.tag, record_id)

    def add_item(self, item: ImportItem, *, force: bool = False) -> ImportResult:
        """:meth:`add` for one :class:`~vcwallet.importing.ImportItem` (reports unreadable ones)."""
        if item.error is not None:
            return ImportResult("unreadable", item.source, presentation=item.presentation, error=item.error,
                                reason=item.error.code)
        return self.add(item.data, source=item.source, force=force, presentation=item.presentation)

    def import_source(self, source: str, *, fetcher: Fetcher | None = None, force: bool = False,
                      stdin: BinaryIO | None = None,
                      progress: Callable[[int, int, ImportResult], None] | None = None,
                      ) -> builtins.list[ImportResult]:
        """Import a file, folder, ``-`` or https URL (see :func:`vcwallet.importing.read_source`)."""
        fetcher = fetcher or getattr(self.verifier, "fetcher", None)
        items = importing.read_source(source, fetcher=fetcher, stdin=stdin)
        results = []

        def failed(item: ImportItem, error: VCError, report: VerificationReport) -> ImportResult:
            return ImportResult("refused", item.source, reason="internal_error", error=error,
                                report=report, presentation=item.presentation)

        added = importing.import_each(items, lambda item: self.add_item(item, force=force), failed,
                                      keep=(WalletError,))
        for n, result in enumerate(added, 1):
            results.append(result)
            if progress is not None:
                progress(n, len(items), result)
        return results

    # -- reading ---------------------------------------------------------------------------------
    def list(self, search: str | None = None, status: str | None = None) -> builtins.list[CredentialSummary]:
        """Every credential, oldest first; ``search`` matches all its words anywhere in the summary
        (name, achievement, issuer, tags, note…), ``status`` one of :data:`STATUSES`.

        Damaged records are listed (with ``damaged`` set) when no filter is given, never hidden.
        """
        if status is not None and status not in STATUSES:
            raise ValueError(f"status must be one of {', '.join(STATUSES)}")
        words = _fold(search).split() if search else []
        out: list[CredentialSummary] = []
        for record_id, plaintext in self._store.read_all(KIND_SUMMARY):
            if isinstance(plaintext, WalletError):
                if not words and status is None:
                    out.append(CredentialSummary(record_id, damaged=plaintext.code))
                continue
            try:
                summary = CredentialSummary.from_record(record_id, _json_record(plaintext))
            except VCError:
                if not words and status is None:
                    out.append(CredentialSummary(record_id, damaged="wallet.record_corrupt"))
                continue
            if status is not None and summary.status != status:
                continue
            if words:
                haystack = summary.search_text()
                if not all(word in haystack for word in words):
                    continue
            out.append(summary)
        return out

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
        found = self._store.find(self._store.lookup_tag(_TAG_ID, ident))
        if found is not None and self._store.has(found, KIND_SUMMARY):
            if not carries(self._store.get(found, KIND_CREDENTIAL), "id", ident):
                raise CorruptStore(f"the lookup index sends {ident} to record {found}, whose credential does "
                                   "not carry that id: the index was edited ('vcwallet salvage' rebuilds it)",
                                   details={"record": found, "id": ident, "reason": "lookup_mismatch"})
            return found
        raise WalletNotFound(f"no credential {ident} in this wallet", details={"id": ident})

    def _summary_of(self, record_id: str) -> CredentialSummary:
        plaintext = self._store.get(record_id, KIND_SUMMARY)
        return CredentialSummary.from_record(record_id, _json_record(plaintext))

    def get(self, ident: str) -> StoredCredential:
        """One credential: summary, exact bytes and report. Damage raises ``wallet.record_corrupt``
        (or ``wallet.record_integrity`` when a row holds another row's ciphertext)."""
        record_id = self.resolve(ident)
        summary = self._summary_of(record_id)
        data = self._store.get(record_id, KIND_CREDENTIAL)
        report = _json_record(self._store.get(record_id, KIND_REPORT))
        return StoredCredential(summary, data, report)

    def remove(self, ident: str) -> str:
        """Delete a credential (all its records and lookup tags) in one transaction; its id."""
        record_id = self.resolve(ident)
        with self._store.transaction() as txn:
            txn.delete(record_id)
        return record_id

    # -- status ------------------------------------------------------------------------------------
    def recheck(self, ident: str | None = None) -> builtins.list[RecheckResult]:
        """Verify stored credentials again (one, or all) and store the new report and status."""
        verifier = self._need_verifier()
        ids = [self.resolve(ident)] if ident is not None else self._store.ids(KIND_SUMMARY)
        results = []
        for record_id in ids:
            try:
                summary = self._summary_of(record_id)
                data = self._store.get(record_id, KIND_CREDENTIAL)
            except (RecordCorrupt, RecordIntegrityError, MalformedRow) as exc:
                results.append(RecheckResult(record_id, "unknown", "unknown", error=exc))
                continue
            view = view_credential(data)
            report = self._verify(verifier, data, view, label=summary.source or record_id)
            report_json = report.to_json()
            fresh = self._summary(record_id, data, view, report_json, source=summary.source,
                                  presentation=summary.presentation, flagged=summary.flagged,
                                  extra=self._ob2_extra(view) or summary.extra,
                                  imported_at=summary.imported_at)
            updated = replace(fresh, tags=summary.tags, note=summary.note, salvaged=summary.salvaged)
            with self._store.transaction() as txn:
                if not txn.has(record_id, KIND_SUMMARY):
                    continue  # removed meanwhile
                txn.put(record_id, KIND_REPORT, _json_bytes(report_json))
                txn.put(record_id, KIND_SUMMARY, _json_bytes(updated.to_record()))
            results.append(RecheckResult(record_id, summary.status, updated.status, report))
        return results

    # -- tags and notes --------------------------------------------------------------------------
    def _update_summary(self, ident: str,
                        change: Callable[[CredentialSummary], CredentialSummary]) -> CredentialSummary:
        record_id = self.resolve(ident)
        with self._store.transaction() as txn:
            current = CredentialSummary.from_record(record_id, _json_record(txn.get(record_id, KIND_SUMMARY)))
            updated = change(current)
            txn.put(record_id, KIND_SUMMARY, _json_bytes(updated.to_record()))
        return updated

    def add_tags(self, ident: str, tags: Iterable[str]) -> CredentialSummary:
        new = [t.strip() for t in tags if t.strip()]
        return self._update_summary(ident, lambda s: replace(
            s, tags=tuple(dict.fromkeys([*s.tags, *new]))))

    def remove_tags(self, ident: str, tags: Iterable[str]) -> CredentialSummary:
        gone = {t.strip() for t in tags}
        return self._update_summary(ident, lambda s: replace(
            s, tags=tuple(t for t in s.tags if t not in gone)))

    def set_note(self, ident: str, note: str) -> CredentialSummary:
        return self._update_summary(ident, lambda s: replace(s, note=note.strip()))

    # -- holder keys -------------------------------------------------------------------------------
    def _settings(self) -> dict[str, Any]:
        if not self._store.has(SETTINGS_ID, KIND_SETTINGS):
            return {}
        return _json_record(self._store.get(SETTINGS_ID, KIND_SETTINGS))

    def holder_keys(self) -> builtins.list[HolderKey]:
        """Every readable holder key, oldest first; exactly one is ``active`` once any exists.

        A damaged or malformed key row is skipped (``check`` reports it), so one bad row does not
        make every other key unusable.
        """
        active = self._settings().get("active_holder_key")
        keys = []
        for record_id, plaintext in self._store.read_all(KIND_HOLDER_KEY):
            if isinstance(plaintext, WalletError):
                log.warning("holder key %s cannot be read (%s); skipped", record_id, plaintext.code)
                continue
            try:
                data = _json_record(plaintext)
                keys.append(HolderKey(record_id, str(data["did"]), str(data["verification_method"]),
                                      str(data["public_key_multibase"]), str(data.get("created_at", "")),
                                      str(data.get("label", "")), record_id == active))
            except (ParseError, KeyError):
                log.warning("holder key %s is not a holder key record; skipped", record_id)
        return keys

    def create_holder_key(self, *, label: str | None = None, activate: bool = True,
                          key: Ed25519KeyPair | None = None) -> HolderKey:
        """A new Ed25519 did:key holder key, sealed in the wallet (and made active by default).

        ``key`` brings an existing key pair instead (moving to a new laptop, or a demo's fixed
        key); importing a key the wallet already holds returns that key unchanged.
        """
        pair = key or Ed25519KeyPair.generate()
        did = pair.public.did_key
        existing = next((k for k in self.holder_keys() if k.did == did), None)
        if existing is not None:
            return existing
        record_id = secrets.token_hex(8)
        created = self._now()
        name = label or f"holder key {len(self._store.ids(KIND_HOLDER_KEY)) + 1}"
        record = {"v": 1, "did": did, "verification_method": f"{did}#{pair.public.multibase}",
                  "public_key_multibase": pair.public.multibase,
                  "secret_key_multibase": pair.secret_multibase, "created_at": created, "label": name}
        with self._store.transaction() as txn:
            txn.put(record_id, KIND_HOLDER_KEY, _json_bytes(record))
            settings = (_json_record(txn.get(SETTINGS_ID, KIND_SETTINGS))
                        if txn.has(SETTINGS_ID, KIND_SETTINGS) else {})
            if activate or not settings.get("active_holder_key"):
                settings["active_holder_key"] = record_id
                txn.put(SETTINGS_ID, KIND_SETTINGS, _json_bytes(settings))
        return HolderKey(record_id, did, str(record["verification_method"]), pair.public.multibase, created,
                         name, settings.get("active_holder_key") == record_id)

    def rotate_holder_key(self, *, label: str | None = None) -> HolderKey:
        """Make a new active holder key; older keys stay for presenting credentials bound to them."""
        return self.create_holder_key(label=label, activate=True)

    def holder_key_pair(self, key: str | None = None) -> tuple[HolderKey, Ed25519KeyPair]:
        """The signing key for ``key`` (a key id, DID or verification method; default: the active one)."""
        keys = self.holder_keys()
        if not keys:
            raise WalletNotFound("this wallet has no holder key; create one with create_holder_key()")
        chosen = next((k for k in keys if k.active), keys[-1]) if key is None else next(
            (k for k in keys if key in (k.id, k.did, k.verification_method)), None)
        if chosen is None:
            raise WalletNotFound(f"no holder key {key} in this wallet", details={"key": key})
        data = _json_record(self._store.get(chosen.id, KIND_HOLDER_KEY))
        return chosen, Ed25519KeyPair.from_secret_multibase(str(data["secret_key_multibase"]))

    # -- safety ------------------------------------------------------------------------------------
    def passwd(self, old: str, new: str, *, kdf: KdfParams | None = None) -> None:
        """Change the passphrase: one atomic re-wrap of the data key (see ``Store.change_passphrase``)."""
        self._store.change_passphrase(old, new, kdf=kdf)

    def backup(self, path: str | os.PathLike[str], passphrase: str, *, kdf: KdfParams | None = None) -> Path:
        """Write a passphrase-protected single-file backup (itself a wallet file) to ``path``."""
        return backup_store(self._store, path, passphrase, kdf=kdf)

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
        from .wallet_restore import restore_into

        return restore_into(self, path, passphrase, dry_run=dry_run, force=force)

    @classmethod
    def restore_new(cls, path: str | os.PathLike[str], backup: str | os.PathLike[str], backup_passphrase: str,
                    passphrase: str, *, kdf: KdfParams = DEFAULT_KDF,
                    verifier: CredentialVerifier | None = None, clock: Clock | None = None,
                    force: bool = False) -> RestoreResult:
        """Create a wallet at ``path`` from a backup (a new laptop). Nothing appears at ``path``
        (and no folder is left) unless the backup is accepted: a wrong passphrase, a damaged
        backup or one holding objects that are not ours leaves the disk as it was."""
        from .wallet_restore import restore_new

        return restore_new(cls, path, backup, backup_passphrase, passphrase, kdf=kdf, verifier=verifier,
                           clock=clock, force=force)

    def present(self, request: Mapping[str, Any], selections: Sequence[str] = (),
                **options: Any) -> Any:
        """Answer a verifier's request with the selected credentials (an ``Answer``).

        The same as :func:`vcwallet.presenting.answer_request` (``document_loader`` is
        required; ``disclose`` chooses SD-JWT claims; ``confirmed`` allows flagged badges).
        """
        from .presenting import answer_request

        return answer_request(self, request, selections, **options)

    def check(self) -> CheckReport:
        """SQLite's ``integrity_check`` plus the wallet's own: every row is well-formed, every
        credential has all its records, every record decrypts, every summary matches its bytes,
        every lookup tag points home (and only to a record that carries it), and the schema is
        exactly ours."""
        problems: list[str] = []
        kinds: dict[str, set[str]] = {}
        rows, bad = self._store.scan()
        problems.extend(f"{b.label}: {b.reason} [wallet.malformed_row]" for b in bad)
        expected: set[tuple[bytes, str]] = set()
        readable: set[str] = set()
        for row in rows:
            kinds.setdefault(row.id, set()).add(row.kind)
            try:
                self._store.decrypt_row(row)
            except WalletError as exc:
                problems.append(f"{row.id} {row.kind}: {exc.code}")
        credentials = [rid for rid, ks in kinds.items() if ks & CREDENTIAL_KINDS]
        for rid in credentials:
            missing = CREDENTIAL_KINDS - kinds[rid]
            if missing:
                problems.append(f"{rid}: incomplete, missing {', '.join(sorted(missing))}")
                continue
            try:
                summary = self._summary_of(rid)
                data = self._store.get(rid, KIND_CREDENTIAL)
            except (WalletError, ParseError):
                continue  # already reported above
            if summary.content_sha256 != content_hash(data):
                problems.append(f"{rid}: summary does not match the stored bytes")
            readable.add(rid)
            for item in self._tags(data, view_credential(data).credential_id):
                expected.add((item.tag, rid))
                if self._store.find(item.tag) != rid:
                    problems.append(f"{rid}: {item.reason} lookup tag missing")
        for tag, rid in self._store.lookup_rows():
            if KIND_SUMMARY not in kinds.get(rid, set()):
                problems.append(f"lookup tag points to missing record {rid}")
            elif rid in readable and (tag, rid) not in expected:
                problems.append(f"lookup tag points to record {rid}, which does not carry it")
        unreadable = self._store.unreadable_lookup_rows()
        if unreadable:
            problems.append(f"{unreadable} lookup row(s) cannot be read [wallet.malformed_row]")
        if not self._store.schema_matches_version():
            problems.append(f"schema objects do not match schema version {self._store.schema_version}")
        keys = sum(1 for ks in kinds.values() if KIND_HOLDER_KEY in ks)
        return CheckReport(self._store.integrity_check(), problems, len(credentials), keys)

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
        from .wallet_restore import salvage_new

        return salvage_new(cls, source, passphrase, dest, kdf=kdf, clock=clock, verifier=verifier)


__all__ = [
    "ENV_HOME",
    "STATUSES",
    "CheckReport",
    "CredentialSummary",
    "CredentialVerifier",
    "HolderKey",
    "ImportResult",
    "RecheckResult",
    "RestoreResult",
    "SalvageReport",
    "StoredCredential",
    "Wallet",
    "default_wallet_path",
    "status_of",
]
