"""The ``status`` check: is this credential revoked, suspended, or still in good standing?

For every ``credentialStatus`` entry the checker fetches the list the entry points to, has the
caller verify that list credential (proof, issuer key, validity: this module never checks a
signature itself), makes sure the list belongs to the credential's issuer and serves the entry's
purpose, and reads the entry's bit. Supported entry types:

- ``BitstringStatusListEntry`` (W3C Bitstring Status List v1.0): purposes ``revocation``,
  ``suspension``, ``message`` (multi-bit ``statusSize`` with ``statusMessage``) and ``refresh``;
- ``StatusList2021Entry`` (the CCG draft it replaced): ``revocation`` and ``suspension``;
- ``1EdTechRevocationList`` (Open Badges 3.0): an unsigned JSON list of revoked credential ids.

Fail-closed: anything that cannot be decided is ``error`` (``status.unknown`` with the underlying
code in ``details``), never ``passed``. How the outcomes map:

============================================  ========  ==========================
situation                                     status    code
============================================  ========  ==========================
no ``credentialStatus``                       skipped   —
every entry clear                             passed    —
bit set, purpose revocation / suspension      failed    status.revoked / .suspended
list from another issuer, wrong purpose/type  failed    status.list_mismatch
list unreachable, unverified, expired         error     status.unknown
list undecodable / a decompression bomb       error     status.invalid_list / .list_too_large
index malformed or out of range               error     status.invalid_index
unknown entry type                            error     status.unsupported_type
============================================  ========  ==========================

When entries disagree, revoked beats suspended beats a mismatch beats an error beats passed.

A list shorter than the specification's 131,072-bit minimum still decides. An active credential on
one gets a ``warning`` result (``status.short_list``) instead of ``passed``: the short list harms
the privacy of the issuer's other holders, not the truth of this answer, so it never stops the
credential verifying, but the reader is told. ``details["warnings"]`` lists every such note
(also a list served from another URL than its id, which stays ``passed``).

Verified lists are cached per URL for ``cache_ttl`` seconds of the injected clock (or the list's
own shorter ``ttl``), at most ``max_entries`` of them and ``max_cache_bytes`` of decoded bits
together, least recently used first out (a :class:`verifier.cache.TtlCache`). A cache hit
skips both the fetch and the re-verification; the list's validity window is still re-checked
against the clock on every use.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..cache import TtlCache
from ..clock import Clock, parse_datetime
from ..data_model import type_names
from ..errors import FetchError, ParseError, VCError
from ..fetch import Fetcher
from ..json_reader import loads
from ..report import CheckResult, Status
from .bitstring import DEFAULT_MAX_BYTES, MAX_STATUS_SIZE, MIN_BITS, Bitstring, StatusError

#: ``(list credential) -> (verified, issuer id, reason)``; the caller runs its full verifier.
ListVerifier = Callable[[dict[str, Any]], tuple[bool, str | None, str]]

BITSTRING_ENTRY = "BitstringStatusListEntry"
STATUS_LIST_2021_ENTRY = "StatusList2021Entry"
REVOCATION_LIST_1EDTECH = "1EdTechRevocationList"

#: Cached lists may hold at most this many bytes together (each list is capped separately).
DEFAULT_MAX_CACHE_BYTES = 64 * 1024 * 1024

_ACCEPT = "application/vc+ld+json, application/ld+json;q=0.9, application/json;q=0.8"
_INDEX_RE = re.compile(r"[0-9]{1,20}")


@dataclass(frozen=True)
class _Kind:
    """What one status list format calls things."""

    entry_type: str
    credential_type: str
    subject_type: str
    multibase: bool
    purposes: frozenset[str]


BITSTRING = _Kind(BITSTRING_ENTRY, "BitstringStatusListCredential", "BitstringStatusList", True,
                  frozenset({"revocation", "suspension", "message", "refresh"}))
STATUS_LIST_2021 = _Kind(STATUS_LIST_2021_ENTRY, "StatusList2021Credential", "StatusList2021", False,
                         frozenset({"revocation", "suspension"}))
_KINDS = {k.entry_type: k for k in (BITSTRING, STATUS_LIST_2021)}
SUPPORTED_TYPES = (BITSTRING_ENTRY, STATUS_LIST_2021_ENTRY, REVOCATION_LIST_1EDTECH)


@dataclass(frozen=True)
class StatusList:
    """A fetched, verified and decoded status list credential (what the cache holds)."""

    url: str
    kind: _Kind
    list_id: str | None
    issuer: str | None
    subject_type: Any
    purposes: frozenset[str]
    bits: Bitstring
    valid_from: datetime | None
    valid_until: datetime | None
    ttl_seconds: float | None


@dataclass(frozen=True)
class RevocationList:
    """A fetched 1EdTech revocation list: revoked credential id → reason (or ``None``)."""

    url: str
    revoked: dict[str, str | None]


@dataclass
class _EntryResult:
    type: str | None
    purpose: str | None
    index: int | None
    outcome: str
    status: Status
    code: str | None
    message: str
    path: str
    details: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    short: bool = False

    def summary(self) -> dict[str, Any]:
        return {"type": self.type, "purpose": self.purpose, "index": self.index,
                "outcome": self.outcome}


def _footprint(value: StatusList | RevocationList) -> int:
    """Roughly how many bytes a cached list holds, for the cache's byte bound."""
    if isinstance(value, StatusList):
        return len(value.bits) // 8
    return sum(len(k) + len(v or "") for k, v in value.revoked.items()) + 64


def issuer_id(document: Mapping[str, Any]) -> str | None:
    """``issuer`` as a string, whether given as a URL or as an object with ``id``."""
    issuer = document.get("issuer")
    if isinstance(issuer, Mapping):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) and issuer else None


def parse_index(value: Any) -> int:
    """A ``statusListIndex``: a string of ASCII decimal digits (a JSON integer is tolerated).

    Refuses ``"-1"``, ``"1e3"``, ``"+5"``, ``" 5"``, floats and booleans with
    ``status.invalid_index``; the range check against the list happens later.
    """
    if isinstance(value, bool):
        raise StatusError("status.invalid_index", "statusListIndex is a boolean")
    if isinstance(value, int):
        if value < 0:
            raise StatusError("status.invalid_index", "statusListIndex is negative",
                              details={"index": value})
        return value
    if isinstance(value, str) and _INDEX_RE.fullmatch(value):
        return int(value)
    raise StatusError("status.invalid_index",
                      "statusListIndex must be a string of decimal digits",
                      details={"index": repr(value)[:40]})


def _purposes(value: Any) -> frozenset[str]:
    items = value if isinstance(value, list) else [value]
    return frozenset(p for p in items if isinstance(p, str) and p)


def _date(document: Mapping[str, Any], *names: str) -> datetime | None:
    for name in names:
        if name in document:
            try:
                return parse_datetime(document[name])
            except (ValueError, TypeError) as exc:
                raise StatusError("status.unknown",
                                  f"the status list credential's {name} is not a date",
                                  details={"reason": f"malformed {name}"}) from exc
    return None


def _fetch_json(fetcher: Fetcher, url: str) -> Any:
    try:
        response = fetcher.fetch(url, accept=_ACCEPT)
    except FetchError as exc:
        raise StatusError("status.unknown", f"the status list could not be fetched: {exc.message}",
                          details={"underlying_code": exc.code, "url": url}) from exc
    try:
        return loads(response.body)
    except ParseError as exc:
        raise StatusError("status.unknown", "the status list is not JSON (or not a JSON-LD list)",
                          details={"underlying_code": exc.code, "url": url}) from exc


class StatusChecker:
    """Runs the ``status`` check over a credential's ``credentialStatus`` entries."""

    def __init__(self, fetcher: Fetcher, clock: Clock, verify_list_credential: ListVerifier, *,
                 cache_ttl: float = 300.0, max_entries: int = 256, allow_other_issuer: bool = False,
                 max_list_bytes: int = DEFAULT_MAX_BYTES,
                 max_cache_bytes: int = DEFAULT_MAX_CACHE_BYTES) -> None:
        self.fetcher = fetcher
        self.clock = clock
        self.verify_list_credential = verify_list_credential
        self.cache_ttl = cache_ttl
        self.max_entries = max_entries
        self.allow_other_issuer = allow_other_issuer
        self.max_list_bytes = max_list_bytes
        self.max_cache_bytes = max_cache_bytes
        self._cache: TtlCache[str, StatusList | RevocationList] = TtlCache(
            clock, max(cache_ttl, 0.0), max(max_entries, 0), max_weight=max(max_cache_bytes, 0),
            weigh=_footprint)

    # -- cache ---------------------------------------------------------------------------

    def clear_cache(self) -> None:
        self._cache.clear()

    # -- loading lists --------------------------------------------------------------------

    def _load(self, url: str, memo: dict[str, StatusList | RevocationList | StatusError],
              loader: Callable[[str], StatusList | RevocationList]) -> StatusList | RevocationList:
        """One fetch per URL per check (``memo``), one verification per URL per TTL (cache)."""
        key = url.split("#", 1)[0]
        if key in memo:
            found = memo[key]
            if isinstance(found, StatusError):
                raise found
            return found
        cached = self._cache.get(key)
        if cached is not None:
            memo[key] = cached
            return cached
        try:
            value = loader(key)
        except StatusError as exc:
            memo[key] = exc
            raise
        memo[key] = value
        self._cache.put(key, value, ttl_seconds=value.ttl_seconds if isinstance(value, StatusList) else None)
        return value

    def _load_status_list(self, url: str) -> StatusList:
        document = _fetch_json(self.fetcher, url)
        if not isinstance(document, dict):
            raise StatusError("status.invalid_list", "the status list credential is not a JSON object")
        types = type_names(document.get("type"))
        kind = next((k for k in (BITSTRING, STATUS_LIST_2021) if k.credential_type in types), None)
        if kind is None:
            raise StatusError("status.invalid_list",
                              "the document is not a BitstringStatusListCredential "
                              "or StatusList2021Credential", details={"type": types})
        subject = document.get("credentialSubject")
        if isinstance(subject, list) and len(subject) == 1:
            subject = subject[0]
        if not isinstance(subject, dict):
            raise StatusError("status.invalid_list", "the status list has no credentialSubject object")
        try:
            verified, verified_issuer, reason = self.verify_list_credential(document)
        except VCError as exc:
            verified, verified_issuer, reason = False, None, exc.code
        if not verified:
            raise StatusError("status.unknown", "the status list credential did not verify",
                              details={"reason": reason, "url": url})
        encoded = subject.get("encodedList")
        if not isinstance(encoded, str):
            raise StatusError("status.invalid_list", "the status list has no encodedList string")
        bits = Bitstring.decode(encoded, max_bytes=self.max_list_bytes, multibase=kind.multibase)
        ttl = subject.get("ttl")
        ttl_seconds = ttl / 1000 if isinstance(ttl, int | float) and not isinstance(ttl, bool) \
            and ttl > 0 else None
        list_id = document.get("id")
        return StatusList(
            url=url, kind=kind, list_id=list_id if isinstance(list_id, str) else None,
            issuer=verified_issuer or issuer_id(document), subject_type=subject.get("type"),
            purposes=_purposes(subject.get("statusPurpose")), bits=bits,
            valid_from=_date(document, "validFrom", "issuanceDate"),
            valid_until=_date(document, "validUntil", "expirationDate"), ttl_seconds=ttl_seconds)

    def _load_revocation_list(self, url: str) -> RevocationList:
        document = _fetch_json(self.fetcher, url)
        items = document.get("revokedCredentials") if isinstance(document, dict) else None
        if not isinstance(items, list):
            raise StatusError("status.invalid_list",
                              "the 1EdTech revocation list has no revokedCredentials array")
        revoked: dict[str, str | None] = {}
        for item in items:
            if isinstance(item, str):
                revoked[item] = None
            elif isinstance(item, dict) and isinstance(item.get("id"), str):
                # 1EdTech: revoked when ``revoked`` is true or omitted.
                if item.get("revoked", True) is not False:
                    reason = item.get("revocationReason")
                    revoked[item["id"]] = reason if isinstance(reason, str) else None
        return RevocationList(url=url, revoked=revoked)

    # -- one entry -----------------------------------------------------------------------

    def _entry(self, entry: Any, path: str, credential: Mapping[str, Any],
               memo: dict[str, StatusList | RevocationList | StatusError]) -> _EntryResult:
        if not isinstance(entry, dict):
            return _EntryResult(None, None, None, "unknown", Status.ERROR, "status.unknown",
                                "A credentialStatus entry is not a JSON object.", path)
        types = type_names(entry.get("type"))
        known = next((t for t in types if t in SUPPORTED_TYPES), None)
        if known is None:
            shown = types[0] if types else None
            return _EntryResult(shown, None, None, "unsupported", Status.ERROR,
                                "status.unsupported_type",
                                f"This verifier cannot read status entries of type {shown!r}.", path,
                                details={"supported": list(SUPPORTED_TYPES)})
        try:
            if known == REVOCATION_LIST_1EDTECH:
                return self._revocation_entry(entry, path, credential, memo)
            return self._list_entry(_KINDS[known], entry, path, credential, memo)
        except StatusError as exc:
            purpose = entry.get("statusPurpose")
            index = entry.get("statusListIndex")
            return _EntryResult(known, purpose if isinstance(purpose, str) else None,
                                index if isinstance(index, int) and not isinstance(index, bool)
                                and index >= 0 else None,
                                "invalid" if exc.code == "status.invalid_index" else "unknown",
                                Status.ERROR, exc.code, exc.message, exc.path or path,
                                details=dict(exc.details))

    def _revocation_entry(self, entry: dict[str, Any], path: str, credential: Mapping[str, Any],
                          memo: dict[str, StatusList | RevocationList | StatusError]) -> _EntryResult:
        url = entry.get("id")
        if not isinstance(url, str) or not url:
            raise StatusError("status.unknown", "the 1EdTechRevocationList entry has no id URL")
        loaded = self._load(url, memo, self._load_revocation_list)
        if not isinstance(loaded, RevocationList):
            raise StatusError("status.list_mismatch", "this URL serves a status list, not a revocation list")
        credential_id = credential.get("id")
        if not isinstance(credential_id, str) or not credential_id:
            raise StatusError("status.unknown",
                              "the credential has no id, so the revocation list cannot name it")
        name = REVOCATION_LIST_1EDTECH
        if credential_id in loaded.revoked:
            details: dict[str, Any] = {"url": url}
            if loaded.revoked[credential_id]:
                details["revocationReason"] = loaded.revoked[credential_id]
            return _EntryResult(name, "revocation", None, "revoked", Status.FAILED, "status.revoked",
                                "The issuer has revoked this credential.", path, details)
        return _EntryResult(name, "revocation", None, "active", Status.PASSED, None,
                            "The issuer's revocation list does not name this credential.", path,
                            {"url": url})

    def _list_entry(self, kind: _Kind, entry: dict[str, Any], path: str,
                    credential: Mapping[str, Any],
                    memo: dict[str, StatusList | RevocationList | StatusError]) -> _EntryResult:
        purpose = entry.get("statusPurpose")
        if not isinstance(purpose, str) or not purpose:
            raise StatusError("status.unknown", "the status entry has no statusPurpose")
        if purpose not in kind.purposes:
            raise StatusError("status.unknown",
                              f"status purpose {purpose!r} is not one this verifier understands",
                              details={"reason": "unknown purpose"})
        size = entry.get("statusSize", 1) if kind is BITSTRING else 1
        if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= MAX_STATUS_SIZE:
            raise StatusError("status.invalid_index", f"statusSize must be 1..{MAX_STATUS_SIZE}",
                              details={"statusSize": repr(size)[:20]})
        try:
            index = parse_index(entry.get("statusListIndex"))
        except StatusError as exc:
            exc.path = f"{path}.statusListIndex"
            raise
        url = entry.get("statusListCredential")
        if not isinstance(url, str) or not url:
            raise StatusError("status.unknown", "the status entry has no statusListCredential URL")

        def fail(outcome: str, code: str, message: str, **details: Any) -> _EntryResult:
            return _EntryResult(kind.entry_type, purpose, index, outcome, Status.FAILED, code,
                                message, path, {"url": url, **details})

        try:
            loaded = self._load(url, memo, self._load_status_list)
        except StatusError as exc:
            return _EntryResult(kind.entry_type, purpose, index, "unknown", Status.ERROR, exc.code,
                                exc.message, path, {"url": url, **exc.details})
        if not isinstance(loaded, StatusList):
            raise StatusError("status.list_mismatch", "this URL serves a revocation list, not a status list")
        if loaded.kind is not kind or kind.subject_type not in type_names(loaded.subject_type):
            return fail("mismatch", "status.list_mismatch",
                        f"The entry is a {kind.entry_type} but the list is not a {kind.subject_type}.",
                        list_type=loaded.kind.credential_type)
        credential_issuer = issuer_id(credential)
        if not self.allow_other_issuer and (loaded.issuer is None or loaded.issuer != credential_issuer):
            return fail("mismatch", "status.list_mismatch",
                        "The status list was issued by someone other than the credential's issuer.",
                        list_issuer=loaded.issuer, issuer=credential_issuer)
        if purpose not in loaded.purposes:
            return fail("mismatch", "status.list_mismatch",
                        f"The status list is for {sorted(loaded.purposes)}, not {purpose!r}.",
                        list_purposes=sorted(loaded.purposes))
        now = self.clock.now()
        if loaded.valid_until is not None and loaded.valid_until < now:
            raise StatusError("status.unknown", "the status list credential has expired",
                              details={"reason": "list expired", "url": url})
        if loaded.valid_from is not None and loaded.valid_from > now:
            raise StatusError("status.unknown", "the status list credential is not valid yet",
                              details={"reason": "list not yet valid", "url": url})
        try:
            value = loaded.bits.get_value(index, size)
        except StatusError as exc:
            return _EntryResult(kind.entry_type, purpose, index, "invalid", Status.ERROR, exc.code,
                                exc.message, f"{path}.statusListIndex", {"url": url, **exc.details})
        warnings: list[str] = []
        if len(loaded.bits) < MIN_BITS * size:
            warnings.append(f"the status list has {len(loaded.bits)} bits, fewer than the "
                            f"{MIN_BITS * size} the specification requires for holder privacy")
        if loaded.list_id is not None and loaded.list_id != url.split("#", 1)[0]:
            warnings.append("the status list's id differs from the URL it was fetched from")
        details: dict[str, Any] = {"url": url}
        if purpose in ("revocation", "suspension") and value:
            code = "status.revoked" if purpose == "revocation" else "status.suspended"
            verb = "revoked" if purpose == "revocation" else "suspended"
            result = fail(verb, code, f"The issuer has {verb} this credential.")
        elif purpose == "message":
            details.update(self._message(entry, value, size))
            result = _EntryResult(kind.entry_type, purpose, index, "message", Status.PASSED, None,
                                  f"The issuer's status message: {details.get('statusMessage', '?')}.",
                                  path, details)
        else:
            if purpose == "refresh":
                details["refreshAvailable"] = bool(value)
            result = _EntryResult(kind.entry_type, purpose, index, "active", Status.PASSED, None,
                                  f"The issuer's {purpose} list does not flag this credential.",
                                  path, details)
        result.warnings = warnings
        result.short = len(loaded.bits) < MIN_BITS * size
        return result

    @staticmethod
    def _message(entry: Mapping[str, Any], value: int, size: int) -> dict[str, Any]:
        """The ``statusMessage`` text for ``value`` (``status`` is a ``0x``-prefixed hex string)."""
        out: dict[str, Any] = {"statusValue": f"0x{value:x}", "statusSize": size}
        messages = entry.get("statusMessage")
        for item in messages if isinstance(messages, list) else []:
            if not isinstance(item, dict) or not isinstance(item.get("status"), str):
                continue
            try:
                if int(item["status"], 16) == value:
                    out["statusMessage"] = item.get("message")
                    break
            except ValueError:
                continue
        return out

    # -- the check -----------------------------------------------------------------------

    def check(self, credential: Mapping[str, Any]) -> CheckResult:
        """The ``status`` check result for ``credential``; never raises for bad input."""
        if credential.get("credentialStatus") is None:
            return CheckResult("status", Status.SKIPPED, None,
                               "The issuer publishes no status for this credential.")
        raw = credential["credentialStatus"]
        if isinstance(raw, list):
            entries: list[Any] = raw
            paths = [f"$.credentialStatus[{i}]" for i in range(len(raw))]
        else:
            entries, paths = [raw], ["$.credentialStatus"]
        if not entries:
            return CheckResult("status", Status.ERROR, "status.unknown",
                               "credentialStatus is an empty list, so no status can be checked.",
                               "$.credentialStatus", {"outcome": "unknown", "entries": []})
        memo: dict[str, StatusList | RevocationList | StatusError] = {}
        results = [self._entry(e, p, credential, memo) for e, p in zip(entries, paths, strict=True)]
        return _combine(results)


def _rank(result: _EntryResult) -> int:
    if result.code == "status.revoked":
        return 0
    if result.code == "status.suspended":
        return 1
    if result.status is Status.FAILED:
        return 2
    if result.status is Status.ERROR:
        return 3
    return 4


def _combine(results: list[_EntryResult]) -> CheckResult:
    deciding = min(results, key=_rank)  # min is stable: the first entry of the worst rank
    warnings = [w for r in results for w in r.warnings]
    details: dict[str, Any] = dict(deciding.details)
    details["entries"] = [r.summary() for r in results]
    if warnings:
        details["warnings"] = warnings
    if deciding.status is Status.PASSED:
        details["outcome"] = "active"
        message = ("The issuer's status list says this credential is in good standing."
                   if len(results) == 1 else
                   f"All {len(results)} status entries say this credential is in good standing.")
        messages = [r.details["statusMessage"] for r in results if r.details.get("statusMessage")]
        if messages:
            details["messages"] = messages
        if any(r.short for r in results):
            return CheckResult("status", Status.WARNING, "status.short_list",
                               message + " The issuer's list is shorter than the specification "
                               "requires, which makes its holders easier to track.", None, details)
        return CheckResult("status", Status.PASSED, None, message, None, details)
    details["outcome"] = deciding.outcome
    message = deciding.message.rstrip()
    if deciding.status is Status.ERROR:
        if not message.endswith((".", "!", "?")):
            message += "."  # entry messages are clauses; this one is followed by another sentence
        message += " The credential's status is unknown, so it cannot be trusted yet; try again later."
    return CheckResult("status", deciding.status, deciding.code, message, deciding.path, details)
