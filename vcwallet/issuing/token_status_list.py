"""An issuer's IETF Token Status List for its SD-JWT VCs: create it, hand out indexes, revoke,
suspend and reinstate.

Two files, side by side, kept like the W3C lists of :mod:`vcwallet.issuing.status_list`:
``LIST.jwt`` is the signed Status List Token to publish at its URI; ``LIST.state.json`` is
private bookkeeping (which indexes are handed out) and must never be published. Indexes are
allocated at random. Revocation (``invalid``) is permanent unless ``allow_unrevoke``; a 1-bit
list has no ``suspended`` value. One writer at a time per list.
"""

from __future__ import annotations

import random
import secrets
from datetime import UTC
from pathlib import Path

from verifier.clock import Clock, SystemClock
from verifier.errors import ParseError, VCError
from verifier.jose import parse_compact
from verifier.json_reader import loads
from verifier.keys import Ed25519KeyPair
from verifier.sdjwt.status_list import (
    INVALID,
    SUSPENDED,
    VALID,
    StatusReference,
    TokenStatusList,
    parse_status_claim,
    status_list_token,
)
from verifier.sdjwt.token import split_sd_jwt
from verifier.status import StatusError

from ..keyfile import write_atomic
from ..sdjwt_issuer import SdJwtIssueError, check_issuer_key
from .list_state import pick_free_index, read_capped, state_path_for, write_state

STATE_VERSION = 1
STATE_KIND = "TokenStatusList"
MAX_FILE_BYTES = 16 * 1024 * 1024


#: ``status-1.jwt`` → ``status-1.state.json`` (the private allocation record).
token_list_state_path = state_path_for


class TokenStatusListManager:
    """One Token Status List on disk and the issuer operations on it (one writer at a time)."""

    def __init__(self, list_path: str | Path, *, state_path: str | Path | None = None,
                 clock: Clock | None = None, rng: random.Random | None = None) -> None:
        """Open an existing list; ``OSError`` if unreadable, ``status.invalid_list`` if malformed."""
        self.list_path = Path(list_path)
        self.state_path = Path(state_path) if state_path else state_path_for(self.list_path)
        self.clock: Clock = clock or SystemClock()
        self._rng: random.Random = rng or secrets.SystemRandom()
        try:
            state = loads(read_capped(self.state_path, MAX_FILE_BYTES))
            jws = parse_compact(read_capped(self.list_path, MAX_FILE_BYTES).decode("ascii").strip())
        except (ParseError, UnicodeDecodeError, VCError) as exc:
            raise StatusError("status.invalid_list", f"{self.list_path} or its state file is malformed"
                              ) from exc
        if (not isinstance(state, dict) or state.get("version") != STATE_VERSION
                or state.get("kind") != STATE_KIND or not isinstance(state.get("allocated"), dict)):
            raise StatusError("status.invalid_list", f"{self.state_path} is not a token status list state")
        payload = jws.payload
        if not isinstance(payload, dict) or payload.get("sub") != state.get("uri"):
            raise StatusError("status.invalid_list",
                              f"{self.state_path} describes another list than {self.list_path}")
        self.uri: str = str(state["uri"])
        self.issuer: str = str(state.get("issuer"))
        ttl = state.get("ttl")
        self.ttl: int | None = ttl if isinstance(ttl, int) and not isinstance(ttl, bool) else None
        self._list = TokenStatusList.decode(payload.get("status_list"))
        try:
            self._allocated: dict[int, str | None] = {
                int(k): (v if isinstance(v, str) else None) for k, v in state["allocated"].items()}
        except ValueError as exc:
            raise StatusError("status.invalid_list", f"{self.state_path} has a bad index") from exc

    @property
    def size(self) -> int:
        return len(self._list)

    @property
    def bits(self) -> int:
        return self._list.bits

    @property
    def allocated(self) -> dict[int, str | None]:
        return dict(self._allocated)

    def value(self, index: int) -> int:
        """The current status value of ``index`` (0 valid, 1 invalid, 2 suspended)."""
        return self._list.get(index)

    @classmethod
    def create(cls, list_path: str | Path, *, uri: str, issuer: str, key: Ed25519KeyPair, kid: str,
               size: int = 131_072, bits: int = 2, ttl: int | None = 3600,
               state_path: str | Path | None = None, overwrite: bool = False,
               clock: Clock | None = None, rng: random.Random | None = None) -> TokenStatusListManager:
        """Write a new all-valid list (signed) and its state file; returns the manager over them."""
        if not isinstance(uri, str) or not uri.startswith("https://"):
            raise ValueError("the list URI must be an https URL")
        check_issuer_key(key, kid, issuer)
        status_list = TokenStatusList.new(size, bits)
        list_path = Path(list_path)
        state = Path(state_path) if state_path else state_path_for(list_path)
        if not overwrite:
            for path in (list_path, state):
                if path.exists() or path.is_symlink():
                    raise SdJwtIssueError("keyfile.exists", f"{path} already exists",
                                          details={"path": str(path)})
        clock = clock or SystemClock()
        _write_token(list_path, status_list, uri=uri, issuer=issuer, key=key, kid=kid, ttl=ttl,
                     clock=clock, overwrite=overwrite)
        write_state(state, {"version": STATE_VERSION, "kind": STATE_KIND, "uri": uri,
                                   "issuer": issuer, "bits": bits, "size": len(status_list),
                                   "ttl": ttl, "allocated": {}}, overwrite=overwrite)
        return cls(list_path, state_path=state, clock=clock, rng=rng)

    def allocate(self, credential_id: str | None = None) -> StatusReference:
        """Reserve a random unused index (recorded in the state file); its status reference."""
        size = self.size
        if len(self._allocated) >= size:
            raise SdJwtIssueError("issue.status_list_full", f"all {size} indexes of {self.uri} are allocated")
        index = pick_free_index(size, self._allocated, self._rng)
        self._allocated[index] = credential_id
        self._save_state()
        return StatusReference(self.uri, index)

    def index_of(self, sd_jwt: str) -> int:
        """The index an SD-JWT VC issued against this list holds (``status.list_mismatch`` if none)."""
        try:
            payload = split_sd_jwt(sd_jwt).jws.payload
            ref = parse_status_claim(payload.get("status"))
        except VCError as exc:
            raise StatusError("status.list_mismatch", "the credential has no Token Status List "
                              "reference") from exc
        if ref.uri != self.uri or payload.get("iss") != self.issuer:
            raise StatusError("status.list_mismatch", f"the credential's status is not on {self.uri}")
        self._list.get(ref.idx)
        return ref.idx

    def revoke(self, index: int, *, key: Ed25519KeyPair, kid: str) -> bool:
        """Mark ``index`` invalid (permanent); re-sign and write. False if it already was."""
        return self._change(index, INVALID, key, kid)

    def suspend(self, index: int, *, key: Ed25519KeyPair, kid: str) -> bool:
        """Mark ``index`` suspended; re-sign and write. Refused on a revoked entry."""
        if self.bits < 2:
            raise StatusError("status.list_mismatch", "a 1-bit list has no 'suspended' value; create "
                              "the list with --bits 2")
        if self._list.get(index) == INVALID:
            raise SdJwtIssueError("issue.status_irreversible",
                                  f"index {index} is revoked; revocation is permanent",
                                  details={"index": index})
        return self._change(index, SUSPENDED, key, kid)

    def reinstate(self, index: int, *, key: Ed25519KeyPair, kid: str, allow_unrevoke: bool = False) -> bool:
        """Mark ``index`` valid again. A revoked entry stays revoked unless ``allow_unrevoke``."""
        if self._list.get(index) == INVALID and not allow_unrevoke:
            raise SdJwtIssueError("issue.status_irreversible",
                                  f"index {index} is revoked; revocation is permanent",
                                  details={"index": index})
        return self._change(index, VALID, key, kid)

    def _change(self, index: int, value: int, key: Ed25519KeyPair, kid: str) -> bool:
        if self._list.get(index) == value:
            return False
        check_issuer_key(key, kid, self.issuer)
        updated = TokenStatusList(self._list.to_bytes(), self._list.bits)
        updated.set(index, value)
        _write_token(self.list_path, updated, uri=self.uri, issuer=self.issuer, key=key, kid=kid,
                     ttl=self.ttl, clock=self.clock, overwrite=True)
        self._list = updated
        return True

    def _save_state(self) -> None:
        write_state(self.state_path, {
            "version": STATE_VERSION, "kind": STATE_KIND, "uri": self.uri, "issuer": self.issuer,
            "bits": self.bits, "size": self.size, "ttl": self.ttl,
            "allocated": {str(k): v for k, v in sorted(self._allocated.items())}}, overwrite=True)


def _write_token(path: Path, status_list: TokenStatusList, *, uri: str, issuer: str, key: Ed25519KeyPair,
                 kid: str, ttl: int | None, clock: Clock, overwrite: bool) -> None:
    now = int(clock.now().astimezone(UTC).timestamp())
    token = status_list_token(status_list, uri=uri, issuer=issuer, key=key, kid=kid, iat=now, ttl=ttl)
    write_atomic(path, (token + "\n").encode("ascii"), overwrite=overwrite, mode=0o644)


__all__ = ["TokenStatusListManager", "token_list_state_path"]
