"""The verifier's side of presentation requests: a district writes a request for a teacher to
answer, and remembers the challenge it sent.

Two request languages are written (see :mod:`vcwallet.request_format` for how both sides read
them):

* a W3C **Verifiable Presentation Request** (w3c-ccg "vp-request-spec") with one
  ``QueryByExample``, for JSON-LD credentials answered with a signed VP. The ``challenge`` and
  ``domain`` it carries end up in the VP's ``authentication`` proof;
* an **OpenID4VP 1.0** authorization request carrying a **DCQL** query, for SD-JWT VCs
  (``dc+sd-jwt``). Its ``nonce`` and ``client_id`` end up in the key-binding JWT (``nonce`` and
  ``aud``, OpenID4VP 1.0 B.3.6).

A request is only as good as the verifier's memory of it: :class:`ChallengeLedger` is a small
JSON file that remembers which challenges were handed out and which were already spent by an
accepted presentation, so that a presentation replayed in a later run fails with
``presentation.challenge_reused``, and one answering a challenge this verifier never sent fails
with ``presentation.challenge_unknown``. ``vcwallet request create`` writes it and ``vcwallet
verify --challenge`` reads it, both at :func:`default_ledger_path` unless told otherwise. The
verifier itself only sees the ``ChallengeStore`` protocol.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import tempfile
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from verifier.clock import Clock, SystemClock
from verifier.errors import ParseError
from verifier.json_reader import loads

from .request_format import RequestError, format_claim_path, parse_claim_path, utc_now_iso
from .wallet.paths import default_wallet_path

try:  # POSIX advisory locks keep two processes from losing each other's updates.
    import fcntl
except ImportError:  # pragma: no cover - Windows: the in-process lock still applies
    fcntl = None  # type: ignore[assignment]

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
#: OpenID4VP 1.0: nonce characters are the URL-safe ASCII set.
_NONCE = re.compile(r"[A-Za-z0-9._~-]{16,512}")
#: DCQL: credential query ids are alphanumeric, ``_`` or ``-``.
_DCQL_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
#: A challenge ledger never grows without bound: the oldest spent challenges go first.
MAX_LEDGER_ENTRIES = 100_000
MAX_LEDGER_BYTES = 32 * 1024 * 1024


#: The ledger's file name, beside the wallet file by default.
LEDGER_FILE = "challenges.json"


def default_ledger_path(wallet: str | os.PathLike[str] | None = None) -> Path:
    """``challenges.json`` beside the wallet (``--wallet``, ``$VCWALLET_HOME`` or the user data
    folder): the one place ``request create`` writes and ``verify --challenge`` reads."""
    return default_wallet_path(wallet).parent / LEDGER_FILE


def new_challenge() -> str:
    """A fresh, unguessable challenge (192 bits, URL-safe, valid as an OpenID4VP nonce).

    Never one that starts with ``-``: pasted after ``--challenge`` on a command line, it would
    read as an option (one challenge in 64 did, and ``vcwallet verify`` refused its own).
    """
    while True:
        value = secrets.token_urlsafe(24)
        if not value.startswith("-"):
            return value


def _check_domain(domain: str) -> str:
    if not isinstance(domain, str) or not domain.strip() or any(c.isspace() for c in domain):
        raise RequestError("request.invalid", "the domain must be a non-empty name without spaces")
    return domain


def _check_challenge(challenge: str | None) -> str:
    if challenge is None:
        return new_challenge()
    if not isinstance(challenge, str) or _NONCE.fullmatch(challenge) is None:
        raise RequestError("request.invalid",
                           "a challenge must be 16-512 URL-safe characters (letters, digits, - . _ ~); "
                           "leave it out to get a fresh random one")
    return challenge


def _place(example: dict[str, Any], path: tuple[str | int | None, ...], value: Any) -> None:
    """Put ``value`` at ``path`` in a QueryByExample example (arrays become one-element lists)."""
    node: Any = example
    for i, part in enumerate(path):
        last = i == len(path) - 1
        if isinstance(part, str):
            if not isinstance(node, dict):
                raise RequestError("request.invalid", f"claim path {format_claim_path(path)} "
                                                      "goes through a value that is not an object")
            if last:
                node.setdefault(part, value)
                return
            nxt = path[i + 1]
            node = node.setdefault(part, {} if isinstance(nxt, str) else [{}])
        else:
            if not isinstance(node, list):
                raise RequestError("request.invalid", f"claim path {format_claim_path(path)} "
                                                      "indexes a value that is not an array")
            if last:
                return
            node = node[0]


def create_request(*, domain: str, types: Sequence[str] = (), issuer: str | None = None,
                   achievement: str | None = None, claims: Sequence[str | Sequence[str | int | None]] = (),
                   challenge: str | None = None, reason: str | None = None) -> dict[str, Any]:
    """A Verifiable Presentation Request with one ``QueryByExample`` and a fresh challenge.

    ``types`` are credential types beyond ``VerifiableCredential``; ``issuer`` the issuer id the
    verifier accepts; ``achievement`` the Open Badges achievement name; ``claims`` further claim
    paths that must be present (an empty-string value in the example means "present, any value",
    as QueryByExample uses it).
    """
    _check_domain(domain)
    wanted_types = [t for t in dict.fromkeys(types) if t != "VerifiableCredential"]
    if not all(isinstance(t, str) and t.strip() for t in wanted_types):
        raise RequestError("request.invalid", "credential types must be non-empty strings")
    context = [VC_V2]
    if achievement is not None or any("OpenBadge" in t for t in wanted_types):
        context.append(OB3_CONTEXT)
    example: dict[str, Any] = {"@context": context, "type": ["VerifiableCredential", *wanted_types]}
    if issuer is not None:
        if not isinstance(issuer, str) or not issuer.strip():
            raise RequestError("request.invalid", "the issuer must be a DID or URL")
        example["issuer"] = issuer
    if achievement is not None:
        if not isinstance(achievement, str) or not achievement.strip():
            raise RequestError("request.invalid", "the achievement name must not be empty")
        example["credentialSubject"] = {"achievement": {"name": achievement}}
    for claim in claims:
        _place(example, parse_claim_path(claim), "")
    asked = achievement or (wanted_types[-1] if wanted_types else "a verifiable credential")
    query = {
        "type": "QueryByExample",
        "credentialQuery": [{
            "required": True,
            "reason": reason or f"{domain} asks for proof of {asked}.",
            "example": example,
        }],
    }
    return {"query": [query], "challenge": _check_challenge(challenge), "domain": domain}


def create_dcql_request(*, domain: str, vct_values: Sequence[str] = (), issuer: str | None = None,
                        achievement: str | None = None,
                        claims: Sequence[str | Sequence[str | int | None]] = (),
                        nonce: str | None = None, client_id: str | None = None,
                        response_uri: str | None = None, credential_id: str = "badge",
                        achievement_path: Sequence[str] = ("credentialSubject", "achievement", "name"),
                        ) -> dict[str, Any]:
    """An OpenID4VP 1.0 authorization request (as a JSON object) carrying a DCQL query.

    The fields, and why (OpenID4VP 1.0 section 5):

    * ``response_type: vp_token`` - the presentation comes back as a VP Token;
    * ``response_mode: direct_post`` with ``response_uri`` - the wallet posts the answer to the
      verifier instead of redirecting (default ``https://DOMAIN/openid4vp/response``);
    * ``client_id`` - REQUIRED; the key-binding JWT's ``aud`` must equal it (B.3.6). The default is
      the bare ``domain``, which the spec treats as a pre-registered client identifier (a value
      without a ``:`` prefix), so the same ``--domain`` checks both kinds of presentation;
    * ``nonce`` - REQUIRED, fresh and random; it becomes the key-binding JWT's ``nonce``;
    * ``dcql_query`` - one Credential Query of format ``dc+sd-jwt`` with ``meta.vct_values``
      (REQUIRED for that format) and one Claims Query per requested claim. The issuer and the
      achievement name are claims queries with ``values``, which a wallet matches best-effort;
    * ``client_metadata.vp_formats_supported`` - the algorithms this verifier accepts (EdDSA only).
    """
    _check_domain(domain)
    if _DCQL_ID.fullmatch(credential_id) is None:
        raise RequestError("request.invalid", "a DCQL credential id is 1-64 letters, digits, _ or -")
    if not all(isinstance(v, str) and v.strip() for v in vct_values):
        raise RequestError("request.invalid", "vct values must be non-empty strings")
    claim_queries: list[dict[str, Any]] = []
    if issuer is not None:
        claim_queries.append({"path": ["iss"], "values": [issuer]})
    if achievement is not None:
        claim_queries.append({"path": list(parse_claim_path(list(achievement_path))),
                              "values": [achievement]})
    seen = {tuple(q["path"]) for q in claim_queries}
    for claim in claims:
        path = parse_claim_path(claim)
        if path not in seen:
            seen.add(path)
            claim_queries.append({"path": list(path)})
    credential: dict[str, Any] = {"id": credential_id, "format": "dc+sd-jwt",
                                  "meta": {"vct_values": list(dict.fromkeys(vct_values))}}
    if claim_queries:
        credential["claims"] = claim_queries
    return {
        "response_type": "vp_token",
        "response_mode": "direct_post",
        "client_id": client_id if client_id is not None else domain,
        "response_uri": response_uri if response_uri is not None else f"https://{domain}/openid4vp/response",
        "nonce": _check_challenge(nonce),
        "dcql_query": {"credentials": [credential]},
        "client_metadata": {"vp_formats_supported": {
            "dc+sd-jwt": {"sd-jwt_alg_values": ["EdDSA"], "kb-jwt_alg_values": ["EdDSA"]}}},
    }


# --- the challenge ledger ----------------------------------------------------------------------


class ChallengeLedger:
    """Challenges a verifier issued and spent, kept in a small JSON file across runs.

    The file is ``{"version": 1, "issued": {challenge: {"issuedAt", "domain"}}, "used":
    {challenge: usedAt}}``; an issued challenge stays listed after it is spent, so its domain is
    still known. Every change re-reads the file under a lock and replaces it atomically (write a
    temporary file, fsync, rename), so a crash never leaves half a ledger and two verifiers on one
    machine do not lose each other's entries; spending is a check-and-set under that lock, so two
    runs racing with one presentation cannot both accept it. Reads need no lock (the file is only
    ever replaced whole) and create nothing. A damaged ledger raises ``request.ledger_invalid``
    instead of being silently reset: resetting it would re-open every spent challenge to replay.
    A challenge trimmed away by the size cap is simply unknown, so trimming never re-opens one.
    """

    def __init__(self, path: str | Path, *, clock: Clock | None = None,
                 max_entries: int = MAX_LEDGER_ENTRIES) -> None:
        self.path = Path(path)
        self.clock = clock or SystemClock()
        self.max_entries = max_entries
        self._lock = threading.Lock()

    # -- file handling --------------------------------------------------------------------
    def _read(self) -> dict[str, Any]:
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return {"version": 1, "issued": {}, "used": {}}
        except OSError as exc:
            raise RequestError("request.ledger_invalid",
                               f"cannot read the challenge ledger {self.path}: {exc.strerror}") from exc
        try:
            value = loads(data, max_bytes=MAX_LEDGER_BYTES)
        except ParseError as exc:
            raise RequestError("request.ledger_invalid",
                               f"the challenge ledger {self.path} is damaged: {exc.message}") from exc
        if (not isinstance(value, dict) or value.get("version") != 1
                or not isinstance(value.get("issued"), dict) or not isinstance(value.get("used"), dict)):
            raise RequestError("request.ledger_invalid",
                               f"the challenge ledger {self.path} is not a version 1 ledger")
        result: dict[str, Any] = value
        return result

    def _write(self, ledger: dict[str, Any]) -> None:
        directory = self.path.parent
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=directory)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(json.dumps(ledger, indent=1).encode("utf-8"))
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        with self._lock:
            if fcntl is None:
                yield
                return
            self.path.parent.mkdir(parents=True, exist_ok=True)
            lock_path = self.path.with_name(self.path.name + ".lock")
            with open(lock_path, "a+b") as lock:
                fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
                try:
                    yield
                finally:
                    fcntl.flock(lock.fileno(), fcntl.LOCK_UN)

    def _trim(self, ledger: dict[str, Any]) -> None:
        """Drop the oldest entries beyond the cap (entries are kept in the order they were added)."""
        for key in ("used", "issued"):
            entries: dict[str, Any] = ledger[key]
            for old in list(entries)[:max(0, len(entries) - self.max_entries)]:
                del entries[old]

    # -- the ChallengeStore protocol, and issuing ------------------------------------------
    def issue(self, challenge: str | None = None, *, domain: str | None = None) -> str:
        """Record (and return) a fresh challenge handed out with a request."""
        value = _check_challenge(challenge)
        with self._locked():
            ledger = self._read()
            if value in ledger["used"]:
                raise RequestError("request.invalid", "this challenge was already spent; use a fresh one")
            entry: dict[str, Any] = {"issuedAt": utc_now_iso(self.clock)}
            if domain is not None:
                entry["domain"] = domain
            ledger["issued"].pop(value, None)
            ledger["issued"][value] = entry
            self._trim(ledger)
            self._write(ledger)
        return value

    def outstanding(self) -> list[str]:
        """Challenges handed out and not yet spent, oldest first."""
        ledger = self._read()
        return [c for c in ledger["issued"] if c not in ledger["used"]]

    def check(self) -> None:
        """Raise ``request.ledger_invalid`` now if the ledger cannot be read (a missing one is empty)."""
        self._read()

    def was_issued(self, challenge: str, domain: str | None = None) -> bool:
        """Whether ``challenge`` was handed out here, for ``domain`` when one was recorded.

        A spent challenge counts as issued (its reuse is then reported as such).
        """
        ledger = self._read()
        entry = ledger["issued"].get(challenge)
        if entry is None:
            return challenge in ledger["used"]
        recorded = entry.get("domain") if isinstance(entry, dict) else None
        return domain is None or not isinstance(recorded, str) or recorded == domain

    def was_used(self, challenge: str) -> bool:
        return challenge in self._read()["used"]

    def mark_used(self, challenge: str) -> bool:
        """Spend ``challenge``; ``False`` (and nothing written) when it was already spent."""
        with self._locked():
            ledger = self._read()
            if challenge in ledger["used"]:
                return False
            ledger["used"][challenge] = utc_now_iso(self.clock)
            self._trim(ledger)
            self._write(ledger)
        return True

    def __repr__(self) -> str:
        return f"ChallengeLedger({str(self.path)!r})"


__all__ = [
    "LEDGER_FILE", "ChallengeLedger", "create_dcql_request", "create_request", "default_ledger_path",
    "new_challenge",
]
