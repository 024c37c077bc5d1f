"""Building a signed presentation, and showing the holder exactly what it reveals first.

A JSON-LD credential's issuer signature covers every statement in it, so it can only be shown
whole: dropping the evidence list would break the signature. The presentation wraps the chosen
credentials unchanged and adds the holder's own ``authentication`` proof over the request's
challenge and domain, which binds it to this verifier and this request (a replay elsewhere, or
later, fails).

Because a whole credential may say more than the holder realises (links to classroom videos,
email addresses, words about students), :func:`disclosure_preview` renders the exact JSON the
verifier will receive and lists what deserves a second look, before anything is written.
"""

from __future__ import annotations

import builtins
import copy
import hashlib
import json
import re
import uuid
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from verifier.baked import is_png, is_svg, read_baked
from verifier.clock import Clock, SystemClock
from verifier.data_model import is_compact_jwt
from verifier.errors import KeyFormatError, ParseError, VCError
from verifier.json_reader import loads
from verifier.keys import Ed25519KeyPair
from verifier.multibase import b64url_decode, b64url_encode
from verifier.proofs import add_proof
from verifier.sdjwt.key_binding import holder_key as cnf_holder_key
from verifier.sdjwt.paths import ANY, format_path
from verifier.sdjwt.token import split_sd_jwt
from verifier.suites import SuiteRegistry, default_suites
from verifier.suites.base import DocumentLoader
from verifier.trust import TrustList

from .matching import Match, match
from .request_format import RequestError, request_binding, request_kind, utc_now_iso
from .sdjwt_holder import present_sd_jwt
from .wallet.keys import HolderKey
from .wallet.records import CredentialSummary, StoredCredential


class HolderWallet(Protocol):
    """What presenting needs from a wallet (:class:`vcwallet.wallet.Wallet` is one). The wallet
    is passed in, never imported: ``Wallet.present`` calls into this module."""

    def list(self, search: str | None = None,
             status: str | None = None) -> builtins.list[CredentialSummary]: ...

    def get(self, ident: str) -> StoredCredential: ...

    def resolve(self, ident: str) -> str: ...

    def holder_keys(self) -> builtins.list[HolderKey]: ...

    def holder_key_pair(self, key: str | None = None) -> tuple[HolderKey, Ed25519KeyPair]: ...


VC_V2 = "https://www.w3.org/ns/credentials/v2"
ED25519_2020_CONTEXT = "https://w3id.org/security/suites/ed25519-2020/v1"
SUITES = ("eddsa-rdfc-2022", "Ed25519Signature2020")

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_STUDENT = re.compile(
    r"\b(students?|pupils?|learners?|child(?:ren)?|kids?|grades?|graded|scores?|scored|marks|"
    r"rosters?|attendance|transcripts?|IEPs?|test results?|exit tickets?|class lists?)\b",
    re.IGNORECASE)
_RESULT_KEYS = {"result", "results", "score", "scores", "grade", "grades", "resultDescription"}
_SKIP_KEYS = {"@context", "proof"}
MAX_NOTES_PER_KIND = 8


# --- building ----------------------------------------------------------------------------------


def _enveloped(token: str, media_type: str) -> dict[str, Any]:
    return {"@context": [VC_V2], "id": f"data:{media_type},{token}", "type": "EnvelopedVerifiableCredential"}


def _embeddable(item: Mapping[str, Any] | str | bytes, index: int) -> dict[str, Any]:
    """A credential as a VCDM 2.0 presentation carries it: the object as-is, or a JWT enveloped."""
    if isinstance(item, bytes):
        try:
            item = item.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise RequestError("request.invalid", f"credential {index} is not UTF-8 text") from exc
    if isinstance(item, str):
        text = item.strip()
        if "~" in text and is_compact_jwt(text.split("~", 1)[0]):
            raise RequestError("request.invalid",
                               f"credential {index} is an SD-JWT VC: it is presented on its own with a "
                               "key-binding JWT (present_sd_jwt), not inside a JSON-LD presentation")
        if is_compact_jwt(text):
            return _enveloped(text, "application/vc+jwt")
        try:
            item = loads(text)
        except ParseError as exc:
            raise RequestError("request.invalid",
                               f"credential {index} is neither JSON nor a compact JWT") from exc
    if not isinstance(item, Mapping):
        raise RequestError("request.invalid", f"credential {index} is not a JSON object")
    types = item.get("type")
    names = types if isinstance(types, list) else [types]
    if "VerifiableCredential" not in names and "EnvelopedVerifiableCredential" not in names:
        raise RequestError("request.invalid",
                           f"credential {index} is not a verifiable credential (an Open Badges 2.0 "
                           "assertion cannot go into a VCDM 2.0 presentation)")
    return copy.deepcopy(dict(item))


def _check_holder(holder_key: Ed25519KeyPair, holder_did: str, vm: str) -> None:
    """Refuse to sign as someone else: the verifier would reject it as ``holder_mismatch``."""
    if not isinstance(holder_did, str) or not holder_did.startswith("did:"):
        raise RequestError("request.invalid", "the holder must be a DID")
    if not isinstance(vm, str) or vm.split("#", 1)[0] != holder_did or "#" not in vm:
        raise RequestError("presentation.holder_mismatch",
                           f"the verification method {vm!r} does not belong to the holder {holder_did}")
    if holder_did.startswith("did:key:") and holder_key.public.did_key != holder_did:
        raise RequestError("presentation.holder_mismatch",
                           f"this key is not the key of {holder_did}")


def build_presentation(credentials: Sequence[Mapping[str, Any] | str | bytes], *,
                       holder_key: Ed25519KeyPair, holder_did: str, vm: str, challenge: str, domain: str,
                       suite: str = "eddsa-rdfc-2022", document_loader: DocumentLoader,
                       created: str | None = None, suites: SuiteRegistry | None = None,
                       presentation_id: str | None = None) -> dict[str, Any]:
    """A VCDM 2.0 presentation of ``credentials`` signed by the holder for this request.

    The proof has ``proofPurpose: authentication`` with ``challenge`` and ``domain``;
    ``suite`` is ``eddsa-rdfc-2022`` (default) or ``Ed25519Signature2020``. Credentials are
    embedded unchanged (a VC-JWT string is wrapped as an ``EnvelopedVerifiableCredential``).
    """
    if suite not in SUITES:
        raise RequestError("request.invalid", f"unknown suite {suite!r}; use one of {', '.join(SUITES)}")
    if not credentials:
        raise RequestError("request.invalid", "choose at least one credential to present")
    if not isinstance(challenge, str) or not challenge or not isinstance(domain, str) or not domain:
        raise RequestError("request.invalid", "a presentation needs the request's challenge and domain")
    _check_holder(holder_key, holder_did, vm)
    context: list[str] = [VC_V2]
    if suite == "Ed25519Signature2020":
        context.append(ED25519_2020_CONTEXT)
    presentation: dict[str, Any] = {
        "@context": context,
        "id": presentation_id or f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiablePresentation"],
        "holder": holder_did,
        "verifiableCredential": [_embeddable(c, i) for i, c in enumerate(credentials)],
    }
    return add_proof(presentation, holder_key, suites=suites or default_suites(), suite=suite,
                     verification_method=vm, purpose="authentication", created=created,
                     document_loader=document_loader,
                     extra={"challenge": challenge, "domain": domain})


# --- previewing --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Preview:
    """The exact JSON the verifier will receive, and what in it deserves a second look.

    ``kinds`` runs parallel to ``warnings`` with a stable name for each: ``whole-credential``,
    ``evidence``, ``email``, ``student-data``, ``results``, ``hidden-claims``.
    """

    json_text: str
    warnings: list[str]
    kinds: list[str] = field(default_factory=list)

    def has(self, kind: str) -> bool:
        return kind in self.kinds


class _Notes:
    def __init__(self) -> None:
        self.warnings: list[str] = []
        self.kinds: list[str] = []
        self._seen: set[tuple[str, str]] = set()
        self._count: dict[str, int] = {}

    def add(self, kind: str, text: str) -> None:
        if (kind, text) in self._seen:
            return
        self._seen.add((kind, text))
        self._count[kind] = self._count.get(kind, 0) + 1
        if self._count[kind] > MAX_NOTES_PER_KIND:
            return
        self.warnings.append(text)
        self.kinds.append(kind)

    def finish(self) -> None:
        for kind, count in self._count.items():
            if count > MAX_NOTES_PER_KIND:
                self.warnings.append(f"... and {count - MAX_NOTES_PER_KIND} more like the above ({kind})")
                self.kinds.append(kind)


def _path(base: str, key: str | int) -> str:
    return f"{base}[{key}]" if isinstance(key, int) else f"{base}.{key}"


def _walk(value: Any, path: str, keys: tuple[str, ...] = ()) -> Iterable[tuple[str, tuple[str, ...], Any]]:
    """Every (path, object keys on the way, value) below ``value``, skipping contexts and proofs."""
    if isinstance(value, Mapping):
        for key, child in value.items():
            if key in _SKIP_KEYS:
                continue
            child_path, child_keys = _path(path, key), (*keys, str(key))
            yield child_path, child_keys, child
            yield from _walk(child, child_path, child_keys)
    elif isinstance(value, list):
        for i, child in enumerate(value):
            child_path = _path(path, i)
            yield child_path, keys, child
            yield from _walk(child, child_path, keys)


def _short(text: str, limit: int = 70) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit - 1] + "…"


def _urls(value: Any) -> list[str]:
    found = [value] if isinstance(value, str) else [item for _p, _k, item in _walk(value, "$")]
    return [u for u in found if isinstance(u, str) and u.startswith(("http://", "https://"))]


def _scan(document: Any, root: str, notes: _Notes) -> None:
    """Flag evidence, results, email addresses and student-like text in what will be shown.

    The achievement description and the issuer's profile are the issuer's catalogue text, the
    same for everyone who earns the badge, so words like "students" there are not about the
    holder's classroom and are not flagged; the credential's own name and description neither.
    """
    for path, keys, value in _walk(document, root):
        key = keys[-1] if keys and path.endswith("." + keys[-1]) else None
        catalogue = "achievement" in keys or (len(keys) == 1 and key in ("name", "description"))
        organisation = any(k in ("issuer", "creator", "endorsement") for k in keys)
        if key == "evidence":
            urls = _urls(value)
            count = len(value) if isinstance(value, list) else 1
            shown = f": {', '.join(urls[:3])}" + (" …" if len(urls) > 3 else "") if urls else ""
            notes.add("evidence", f"{path} shares {count} evidence item(s){shown}")
        elif key in _RESULT_KEYS and not catalogue:
            notes.add("results", f"{path} shares results or scores")
        if not isinstance(value, str):
            continue
        if not organisation:
            for email in _EMAIL.findall(value):
                notes.add("email", f"{path} contains the email address {email}")
        found = _STUDENT.search(value)
        if found is not None and not catalogue and not value.startswith(("http://", "https://")):
            notes.add("student-data", f"{path} may describe students ({found.group(0)!r}): "
                                      f"\"{_short(value)}\"")


def _name(credential: Mapping[str, Any]) -> str:
    subject = credential.get("credentialSubject")
    subjects = subject if isinstance(subject, list) else [subject]
    for item in subjects:
        if isinstance(item, Mapping) and isinstance(item.get("achievement"), Mapping):
            name = item["achievement"].get("name")
            if isinstance(name, str):
                return name
    name = credential.get("name")
    return name if isinstance(name, str) else str(credential.get("id", "(unnamed credential)"))


def _preview_presentation(presentation: Mapping[str, Any]) -> Preview:
    notes = _Notes()
    items = presentation.get("verifiableCredential", [])
    for i, credential in enumerate(items if isinstance(items, list) else [items]):
        enveloped = isinstance(credential, Mapping) and "EnvelopedVerifiableCredential" in str(
            credential.get("type"))
        if isinstance(credential, Mapping) and not enveloped:
            notes.add("whole-credential",
                      f"The whole credential \"{_name(credential)}\" is disclosed as it is, because its "
                      "issuer's signature covers all of it: nothing in it can be left out.")
            _scan(credential, f"$.verifiableCredential[{i}]", notes)
        elif isinstance(credential, Mapping):
            notes.add("whole-credential",
                      f"The enveloped credential at $.verifiableCredential[{i}] is disclosed whole, "
                      "because its issuer's signature covers all of it.")
    _scan({k: v for k, v in presentation.items() if k != "verifiableCredential"}, "$", notes)
    notes.finish()
    text = json.dumps(presentation, indent=2, ensure_ascii=False)
    return Preview(text, notes.warnings, notes.kinds)


# -- SD-JWT (holder's view of a presentation it is about to send) --------------------------


def _b64json(part: str) -> Any:
    try:
        return json.loads(b64url_decode(part))
    except (KeyFormatError, ValueError) as exc:
        raise RequestError("request.invalid", "the SD-JWT is malformed") from exc


def _digest(disclosure: str) -> str:
    return b64url_encode(hashlib.sha256(disclosure.encode("ascii")).digest())


def _rebuild(value: Any, disclosures: dict[str, Any], path: str, revealed: list[str]) -> Any:
    """The claims a verifier can read: digests replaced by the disclosed values, others dropped."""
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, child in value.items():
            if key in ("_sd", "_sd_alg"):
                continue
            out[key] = _rebuild(child, disclosures, _path(path, key), revealed)
        for digest in value.get("_sd", []) if isinstance(value.get("_sd"), list) else []:
            found = disclosures.get(digest) if isinstance(digest, str) else None
            if isinstance(found, list) and len(found) == 3 and isinstance(found[1], str):
                child_path = _path(path, found[1])
                revealed.append(child_path)
                out[found[1]] = _rebuild(found[2], disclosures, child_path, revealed)
        return out
    if isinstance(value, list):
        items: list[Any] = []
        for element in value:
            if isinstance(element, Mapping) and set(element) == {"..."}:
                found = disclosures.get(element["..."]) if isinstance(element["..."], str) else None
                if isinstance(found, list) and len(found) == 2:
                    child_path = _path(path, len(items))
                    revealed.append(child_path)
                    items.append(_rebuild(found[1], disclosures, child_path, revealed))
                continue
            items.append(_rebuild(element, disclosures, _path(path, len(items)), revealed))
        return items
    return value


def _preview_sd_jwt(token: str) -> Preview:
    parts = token.strip().split("~")
    issuer_jwt, rest = parts[0], parts[1:]
    key_binding = rest[-1] if rest and rest[-1] else None
    encoded = [d for d in (rest[:-1] if rest else []) if d]
    pieces = issuer_jwt.split(".")
    if len(pieces) != 3:
        raise RequestError("request.invalid", "the SD-JWT's issuer-signed part is not a JWS")
    payload = _b64json(pieces[1])
    if not isinstance(payload, Mapping):
        raise RequestError("request.invalid", "the SD-JWT's payload is not a JSON object")
    disclosures = {_digest(d): _b64json(d) for d in encoded}
    revealed: list[str] = []
    claims = _rebuild(payload, disclosures, "$", revealed)
    shown: dict[str, Any] = {"claims": claims}
    if key_binding is not None and key_binding.count(".") == 2:
        shown["keyBinding"] = _b64json(key_binding.split(".")[1])
    notes = _Notes()
    hidden = sum(len(v["_sd"]) for _p, _k, v in _walk({"p": payload}, "$")
                 if isinstance(v, Mapping) and isinstance(v.get("_sd"), list))
    hidden = max(0, hidden - len(revealed))
    notes.add("hidden-claims",
              f"Only the claims shown are revealed ({len(revealed)} chosen); {hidden} other digest(s) stay "
              "unreadable to the verifier (some may be decoys).")
    _scan(claims, "$", notes)
    notes.finish()
    return Preview(json.dumps(shown, indent=2, ensure_ascii=False), notes.warnings, notes.kinds)


def disclosure_preview(presentation_or_token: Mapping[str, Any] | str) -> Preview:
    """What the verifier will receive (pretty JSON) and warnings about what it reveals.

    Takes a JSON-LD presentation (dict or JSON text) or an SD-JWT presentation
    (``issuer-jwt~disclosure~…~kb-jwt``).
    """
    if isinstance(presentation_or_token, str):
        text = presentation_or_token.strip()
        if "~" in text and is_compact_jwt(text.split("~", 1)[0]):
            return _preview_sd_jwt(text)
        try:
            value = loads(text)
        except ParseError as exc:
            raise RequestError("request.invalid", "not a presentation (JSON) or an SD-JWT") from exc
        if not isinstance(value, Mapping):
            raise RequestError("request.invalid", "a presentation is a JSON object")
        return _preview_presentation(value)
    return _preview_presentation(presentation_or_token)


# --- answering a request from the wallet --------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """A presentation made for one request, and what the holder should see before sending it.

    ``presentation`` is a signed JSON-LD VP (a dict) for a QueryByExample request, or an SD-JWT
    presentation (``jwt~disclosures~kb-jwt``) for a DCQL request. ``notes`` are plain remarks
    (for example that the VP is signed by a key the credential does not name).
    """

    presentation: dict[str, Any] | str
    chosen: list[Match]
    preview: Preview
    notes: list[str] = field(default_factory=list)

    def serialize(self) -> str:
        """The text to write or send: pretty JSON for a VP, the token for an SD-JWT."""
        if isinstance(self.presentation, str):
            return self.presentation + "\n"
        return json.dumps(self.presentation, indent=2, ensure_ascii=False) + "\n"


def stored_payload(stored: StoredCredential) -> tuple[str, str]:
    """``(kind, text)`` of a stored credential: its JSON or token, unbaked if it is an image."""
    data = stored.data
    text = read_baked(data).payload if is_png(data) or is_svg(data) else data.decode("utf-8")
    return stored.view().kind, text


def wallet_candidates(wallet: HolderWallet) -> list[tuple[str, Any, Mapping[str, Any] | None]]:
    """``(id, credential as JSON, last report)`` for every readable credential in the wallet."""
    out: list[tuple[str, Any, Mapping[str, Any] | None]] = []
    for summary in wallet.list():
        if summary.damaged:
            continue
        try:
            stored = wallet.get(summary.id)
        except VCError:
            continue  # a damaged record is listed by ``list``; it cannot be presented
        document = stored.view().document
        if isinstance(document, dict):
            out.append((summary.id, document, stored.report))
    return out


def match_wallet(wallet: HolderWallet, request: Mapping[str, Any], *, clock: Clock | None = None,
                 trust_list: TrustList | None = None, confirmed: Collection[str] = ()) -> list[Match]:
    """:func:`vcwallet.matching.match` over every credential in the wallet."""
    return match(request, wallet_candidates(wallet), clock=clock, trust_list=trust_list, confirmed=confirmed)


def choose(wallet: HolderWallet, matches: Sequence[Match], selections: Sequence[str]) -> list[Match]:
    """The matches the holder selected (ids or unique prefixes); the only one when none is given."""
    if selections:
        chosen: list[Match] = []
        for ident in selections:
            record_id = wallet.resolve(ident)
            found = next((m for m in matches if m.id == record_id), None)
            if found is None:
                raise RequestError("request.invalid", f"{ident} does not answer this request")
            chosen.append(found)
        return chosen
    ids = list(dict.fromkeys(m.id for m in matches))
    if not ids:
        raise RequestError("request.invalid", "no credential in the wallet answers this request")
    if len(ids) > 1:
        raise RequestError("request.invalid",
                           f"{len(ids)} credentials answer this request: choose which to present")
    return [matches[0]]


def _subjects(credentials: Sequence[Mapping[str, Any]]) -> set[Any]:
    subjects: set[Any] = set()
    for credential in credentials:
        subject = credential.get("credentialSubject")
        for item in subject if isinstance(subject, list) else [subject]:
            if isinstance(item, Mapping):
                subjects.add(item.get("id"))
    return subjects


def _sd_path(path: Sequence[str | int | None]) -> str:
    """A DCQL claims path in the SD-JWT holder's path syntax (``null`` becomes ``*``)."""
    return format_path(ANY if part is None else part for part in path)


def _sd_holder_key(wallet: HolderWallet, token: str) -> Ed25519KeyPair:
    bound = cnf_holder_key(split_sd_jwt(token).jws.payload)
    for info in wallet.holder_keys():
        if info.public_key_multibase == bound.multibase:
            return wallet.holder_key_pair(info.id)[1]
    raise RequestError("presentation.holder_mismatch",
                       "this SD-JWT VC is bound (cnf.jwk) to a key that is not in the wallet")


def answer_request(wallet: HolderWallet, request: Mapping[str, Any], selections: Sequence[str] = (), *,
                   document_loader: DocumentLoader, disclose: Sequence[str] = (),
                   confirmed: bool = False, suite: str = "eddsa-rdfc-2022", clock: Clock | None = None,
                   trust_list: TrustList | None = None, matches: Sequence[Match] | None = None) -> Answer:
    """Present the selected credentials for ``request`` (``Wallet.present`` is this).

    Flagged credentials (revoked, expired, untrusted, unverified) raise ``request.unconfirmed``
    unless ``confirmed``. A QueryByExample request gets a JSON-LD VP signed with the holder key
    the credentials name as their subject (else the active key, with a note); a DCQL request gets
    an SD-JWT presentation revealing the requested claims plus ``disclose``, with a key-binding
    JWT for the request's nonce and client_id.
    """
    now = clock or SystemClock()
    found = list(matches) if matches is not None else match_wallet(wallet, request, clock=now,
                                                                   trust_list=trust_list)
    chosen = choose(wallet, found, selections)
    flagged = [m.id for m in chosen if m.flags]
    if flagged and not confirmed:
        raise RequestError("request.unconfirmed",
                           f"{', '.join(flagged)} is revoked, expired, untrusted or unverified; confirm "
                           "to present it anyway", details={"ids": flagged})
    challenge, domain = request_binding(dict(request))
    if request_kind(dict(request)) == "dcql":
        if len(chosen) != 1:
            raise RequestError("request.invalid", "answer a DCQL request with one SD-JWT VC at a time")
        item = chosen[0]
        _kind, token = stored_payload(wallet.get(item.id))
        paths = [_sd_path(p) for p in item.disclose] + list(disclose)
        presented = present_sd_jwt(token, disclose=paths, holder_key=_sd_holder_key(wallet, token),
                                   nonce=challenge, audience=domain, iat=now.now())
        return Answer(presented, chosen, disclosure_preview(presented))
    if disclose:
        raise RequestError("request.invalid", "choosing claims is for SD-JWT VCs: a JSON-LD credential is "
                                              "shown whole, because its issuer's signature covers all of it")
    payloads: list[Any] = []
    documents: list[Mapping[str, Any]] = []
    for item in chosen:
        stored = wallet.get(item.id)
        kind, text = stored_payload(stored)
        document = stored.view().document or {}
        documents.append(document)
        payloads.append(document if kind == "json-ld" else text)
    subjects = _subjects(documents)
    bound = [k for k in wallet.holder_keys() if k.did in subjects]
    notes: list[str] = []
    if len({k.did for k in bound}) > 1:
        raise RequestError("request.invalid", "the chosen credentials were issued to different holder "
                                              "keys: present them separately")
    info, pair = wallet.holder_key_pair(bound[0].id if bound else None)
    if not bound:
        notes.append(f"none of the chosen credentials names one of your holder keys as its subject; "
                     f"the presentation is signed by {info.did}")
    presentation = build_presentation(payloads, holder_key=pair, holder_did=info.did,
                                      vm=info.verification_method, challenge=challenge, domain=domain,
                                      suite=suite, document_loader=document_loader, created=utc_now_iso(now))
    return Answer(presentation, chosen, disclosure_preview(presentation), notes)


__all__ = ["SUITES", "Answer", "HolderWallet", "Preview", "answer_request", "build_presentation", "choose",
           "disclosure_preview", "match_wallet", "stored_payload", "wallet_candidates"]
