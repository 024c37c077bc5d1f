"""A small issuer's Bitstring Status List: create it, hand out indexes, revoke and suspend.

Two files, side by side:

- ``LIST.json``: the signed ``BitstringStatusListCredential`` (VC 2.0, eddsa-rdfc-2022). This is
  the file to publish at the list's URL. The bits live here and only here.
- ``LIST.state.json``: the issuer's private, unsigned bookkeeping: which indexes are allocated
  and to which credential id. It is never published, because it maps list positions to
  credentials, the very link the bitstring exists to hide. It is written 0600.

Indexes are allocated at random rather than in sequence, as the specification's privacy
section advises: sequential indexes would let a verifier estimate when a credential was issued
and how many others were. Every change re-signs the list with a fresh ``validFrom`` and is
checked against the signing key before it replaces the file; files are replaced atomically
(temporary file, then rename), so a published list is never half-written.

Revocation is permanent in the specification; :meth:`StatusListManager.reinstate` on a
revocation list therefore refuses with ``issue.status_irreversible`` unless the caller says
``allow_unrevoke=True`` (meant for undoing a revocation made by mistake). Suspension lists can
be reinstated freely.

This module is a library: no argument parsing, no environment, paths are passed in. It assumes
one writer at a time per list.
"""

from __future__ import annotations

import copy
import random
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from verifier.clock import Clock, SystemClock
from verifier.errors import ParseError, VCError
from verifier.json_reader import loads
from verifier.keys import Ed25519KeyPair
from verifier.proofs import add_proof
from verifier.status import MIN_BITS, Bitstring, StatusError, issuer_id, parse_index
from verifier.suites import SuiteRegistry, default_suites
from verifier.suites.base import DocumentLoader, check_signature, strip_proof

from ..keyfile import write_atomic
from .issuer import IssueError, timestamp
from .list_state import dump_json, pick_free_index, read_capped, state_path_for, write_state

VC_V2 = "https://www.w3.org/ns/credentials/v2"
SUITE = "eddsa-rdfc-2022"
PURPOSES = ("revocation", "suspension")
STATE_VERSION = 1
#: Our own files; a list of a few million entries is well under this.
MAX_FILE_BYTES = 64 * 1024 * 1024


def _read_json(path: Path) -> Any:
    data = read_capped(path, MAX_FILE_BYTES)
    try:
        return loads(data, max_bytes=MAX_FILE_BYTES)
    except ParseError as exc:
        raise StatusError("status.invalid_list", f"{path} is not strict JSON ({exc.code})") from exc


class StatusListManager:
    """One status list on disk, and the operations a small issuer needs on it."""

    def __init__(self, list_path: str | Path, *, document_loader: DocumentLoader,
                 clock: Clock | None = None, suites: SuiteRegistry | None = None,
                 rng: random.Random | None = None, state_path: str | Path | None = None) -> None:
        """Open an existing list (``list_path`` plus its ``.state.json``, or ``state_path``).

        ``state_path`` keeps the private allocation record away from a published list, e.g.
        when the list file sits in a web server's document root.

        Raises ``OSError`` for unreadable files and ``status.invalid_list`` when they are
        malformed or do not belong together.
        """
        self.list_path = Path(list_path)
        self.state_path = Path(state_path) if state_path else state_path_for(self.list_path)
        self.document_loader = document_loader
        self.clock: Clock = clock or SystemClock()
        self.suites = suites or default_suites()
        self._rng: random.Random = rng or secrets.SystemRandom()
        self._document: dict[str, Any] = {}
        self._bits = Bitstring.new(8)
        self._allocated: dict[int, str | None] = {}
        self._load()

    # -- files ----------------------------------------------------------------------------

    def _load(self) -> None:
        document = _read_json(self.list_path)
        state = _read_json(self.state_path)
        if not isinstance(document, dict) or not isinstance(document.get("credentialSubject"), dict):
            raise StatusError("status.invalid_list", f"{self.list_path} is not a status list credential")
        subject = document["credentialSubject"]
        if not isinstance(state, dict) or state.get("version") != STATE_VERSION:
            raise StatusError("status.invalid_list", f"{self.state_path} is not a version-1 state file")
        if state.get("url") != document.get("id") or state.get("purpose") != subject.get("statusPurpose"):
            raise StatusError("status.invalid_list",
                              f"{self.state_path} describes another list than {self.list_path}")
        if state.get("purpose") not in PURPOSES or not isinstance(subject.get("encodedList"), str):
            raise StatusError("status.invalid_list", f"{self.list_path} has no usable encodedList/purpose")
        bits = Bitstring.decode(subject["encodedList"])
        allocated = state.get("allocated")
        if not isinstance(allocated, dict):
            raise StatusError("status.invalid_list", f"{self.state_path} has no allocation record")
        table: dict[int, str | None] = {}
        for key, value in allocated.items():
            index = parse_index(key)
            if index >= len(bits) or not (value is None or isinstance(value, str)):
                raise StatusError("status.invalid_list", f"{self.state_path}: bad allocation {key!r}")
            table[index] = value
        self._document, self._bits, self._allocated = document, bits, table

    def _write_state(self) -> None:
        state = {
            "version": STATE_VERSION,
            "url": self.url,
            "purpose": self.purpose,
            "size": len(self._bits),
            "allocated": {str(i): self._allocated[i] for i in sorted(self._allocated)},
        }
        write_state(self.state_path, state, overwrite=True)

    def _write_list(self) -> None:
        write_atomic(self.list_path, dump_json(self._document), overwrite=True, mode=0o644)

    # -- what the list is -----------------------------------------------------------------

    @property
    def url(self) -> str:
        return str(self._document["id"])

    @property
    def purpose(self) -> str:
        return str(self._document["credentialSubject"]["statusPurpose"])

    @property
    def issuer(self) -> str | None:
        return issuer_id(self._document)

    @property
    def size(self) -> int:
        """How many entries (bits) the list holds."""
        return len(self._bits)

    def credential(self) -> dict[str, Any]:
        """A copy of the signed list credential, as published."""
        return copy.deepcopy(self._document)

    def allocated(self) -> dict[int, str | None]:
        """Allocated index → the credential id recorded for it (``None`` if none was given)."""
        return dict(self._allocated)

    def is_set(self, index: int) -> bool:
        return self._bits.get(index)

    # -- creating -------------------------------------------------------------------------

    @classmethod
    def create(cls, list_path: str | Path, *, url: str, issuer: str, key: Ed25519KeyPair,
               verification_method: str, document_loader: DocumentLoader,
               purpose: str = "revocation", size: int = MIN_BITS, clock: Clock | None = None,
               suites: SuiteRegistry | None = None, rng: random.Random | None = None,
               overwrite: bool = False) -> StatusListManager:
        """Write a new, all-clear, signed list and an empty allocation record; open them.

        Raises ``FileExistsError`` if either file exists (unless ``overwrite``), ``ValueError``
        for a bad purpose, size or URL, and ``issue.key_mismatch`` for a key that is not the
        issuer's.
        """
        if purpose not in PURPOSES:
            raise ValueError(f"purpose must be one of {PURPOSES}, not {purpose!r}")
        if isinstance(size, bool) or not isinstance(size, int) or size < 8 or size % 8:
            raise ValueError("size must be a positive multiple of 8 bits")
        if not isinstance(url, str) or "#" in url or not url.startswith(("https://", "http://", "did:")):
            raise ValueError("the list URL must be an absolute URL without a fragment")
        path = Path(list_path)
        state_path = state_path_for(path)
        for target in (path, state_path):
            if target.exists() and not overwrite:
                raise FileExistsError(f"{target} already exists")
        clock = clock or SystemClock()
        registry = suites or default_suites()
        document: dict[str, Any] = {
            "@context": [VC_V2],
            "id": url,
            "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "issuer": issuer,
            "validFrom": timestamp(clock),
            "credentialSubject": {
                "id": f"{url}#list",
                "type": "BitstringStatusList",
                "statusPurpose": purpose,
                "encodedList": Bitstring.new(size).encode(),
            },
        }
        signed = _sign(document, key, verification_method, issuer, registry, document_loader, clock)
        state = {"version": STATE_VERSION, "url": url, "purpose": purpose, "size": size, "allocated": {}}
        write_state(state_path, state, overwrite=True)
        write_atomic(path, dump_json(signed), overwrite=True, mode=0o644)
        return cls(path, document_loader=document_loader, clock=clock, suites=registry, rng=rng)

    # -- handing out indexes --------------------------------------------------------------

    def allocate(self, credential_id: str | None = None) -> int:
        """Reserve a random unused index (recorded in the state file) and return it."""
        size = len(self._bits)
        if len(self._allocated) >= size:
            raise IssueError("issue.status_list_full", f"all {size} indexes of {self.url} are allocated")
        index = pick_free_index(size, self._allocated, self._rng)
        self._allocated[index] = credential_id
        self._write_state()
        return index

    def entry_for(self, index: int, purpose: str | None = None) -> dict[str, Any]:
        """The ``credentialStatus`` object to put in a credential that uses ``index``."""
        wanted = purpose or self.purpose
        if wanted != self.purpose:
            raise StatusError("status.list_mismatch", f"this list is for {self.purpose!r}, not {wanted!r}")
        self._bits.get(index)  # range check: status.invalid_index
        return {
            "id": f"{self.url}#{index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": self.purpose,
            "statusListIndex": str(index),
            "statusListCredential": self.url,
        }

    def index_of(self, credential: Mapping[str, Any]) -> int:
        """The index ``credential`` holds on this list (its matching ``credentialStatus`` entry).

        Raises ``status.list_mismatch`` when no entry points at this list with this purpose, and
        ``status.invalid_index`` for a malformed index.
        """
        raw = credential.get("credentialStatus")
        entries = raw if isinstance(raw, list) else [raw]
        for entry in entries:
            if (isinstance(entry, dict) and entry.get("statusPurpose") == self.purpose
                    and isinstance(entry.get("statusListCredential"), str)
                    and entry["statusListCredential"].split("#", 1)[0] == self.url):
                index = parse_index(entry.get("statusListIndex"))
                self._bits.get(index)
                return index
        raise StatusError("status.list_mismatch",
                          f"the credential has no {self.purpose} entry on {self.url}")

    # -- changing status ------------------------------------------------------------------

    def revoke(self, index: int, *, key: Ed25519KeyPair, verification_method: str) -> bool:
        """Set ``index`` on a revocation list; re-sign and write. False if it was already set."""
        self._require("revocation")
        return self._change(index, True, key, verification_method)

    def suspend(self, index: int, *, key: Ed25519KeyPair, verification_method: str) -> bool:
        """Set ``index`` on a suspension list; re-sign and write. False if it was already set."""
        self._require("suspension")
        return self._change(index, True, key, verification_method)

    def reinstate(self, index: int, *, key: Ed25519KeyPair, verification_method: str,
                  allow_unrevoke: bool = False) -> bool:
        """Clear ``index``; re-sign and write. False if it was already clear.

        On a revocation list a set bit stays set (``issue.status_irreversible``) unless
        ``allow_unrevoke``: revocation is meant to be final.
        """
        if self.purpose == "revocation" and self._bits.get(index) and not allow_unrevoke:
            raise IssueError("issue.status_irreversible",
                             f"index {index} is revoked; revocation is permanent",
                             details={"index": index})
        return self._change(index, False, key, verification_method)

    def _require(self, purpose: str) -> None:
        if self.purpose != purpose:
            raise StatusError("status.list_mismatch",
                              f"{self.list_path} is a {self.purpose} list, not a {purpose} list")

    def _change(self, index: int, value: bool, key: Ed25519KeyPair, verification_method: str) -> bool:
        if self._bits.get(index) == value:
            return False
        bits = Bitstring(self._bits.to_bytes())
        bits.set(index, value)
        document = strip_proof(self._document)
        document["validFrom"] = timestamp(self.clock)
        document["credentialSubject"] = {**document["credentialSubject"], "encodedList": bits.encode()}
        issuer = self.issuer
        if issuer is None:
            raise StatusError("status.invalid_list", f"{self.list_path} names no issuer")
        signed = _sign(document, key, verification_method, issuer, self.suites,
                       self.document_loader, self.clock)
        self._document, self._bits = signed, bits
        self._write_list()
        return True


def _sign(document: dict[str, Any], key: Ed25519KeyPair, verification_method: str, issuer: str,
          suites: SuiteRegistry, document_loader: DocumentLoader, clock: Clock) -> dict[str, Any]:
    """Sign the list as ``issuer`` and check the signature before anyone sees it."""
    if verification_method.split("#", 1)[0] != issuer:
        raise IssueError("issue.key_mismatch",
                         f"{verification_method} is not a key of the list's issuer {issuer}")
    if issuer.startswith("did:key:") and key.public.did_key != issuer:
        raise IssueError("issue.key_mismatch", "the signing key is not the one the did:key names")
    signed = add_proof(document, key, suites=suites, suite=SUITE,
                       verification_method=verification_method, created=timestamp(clock),
                       document_loader=document_loader)
    proof = signed["proof"]
    try:
        check_signature(suites.for_proof(proof), strip_proof(signed), proof, key.public,
                        document_loader=document_loader)
    except VCError as exc:
        raise IssueError("issue.self_check_failed",
                         f"the re-signed status list did not verify ({exc.code}); nothing was written",
                         details={"cause": exc.code}) from exc
    return signed
