"""Verifiable credentials secured as JWTs, in the two shapes met in the wild.

- **vc-jose-cose** (W3C "Securing Verifiable Credentials using JOSE and COSE"): ``typ`` is
  ``vc+jwt`` (``vc+ld+jwt`` in older drafts) and the payload *is* the credential. Registered JWT
  claims (``iss``, ``sub``, ``jti``, ``nbf``, ``exp``…) may sit beside it and must not contradict
  it.
- **vcdm11-jwt** (VCDM 1.1 §6.3 "JWT encoding", the form Open Badges 3.0 names): ``typ`` is
  ``JWT`` and the credential sits under the ``vc`` claim, with ``iss``, ``jti``, ``nbf``,
  ``exp`` and ``sub`` standing for issuer, id, issuanceDate/validFrom, expirationDate/validUntil
  and credentialSubject.id. The decoder folds those claims into the credential and refuses a
  token whose claims and embedded credential disagree, because the two halves would otherwise
  let a verifier and a display show different facts.

Keys come only from the issuer's DID (or controller) document, through a
:class:`verifier.proofs.KeyLookup`. A ``kid`` that points outside the issuer's document is
refused before anything is resolved, so a forger cannot make the verifier fetch or trust a key of
their own choosing.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from .clock import Clock, parse_datetime
from .data_model import issuer_id
from .did import parse_did_key, split_verification_method
from .did.jwk import parse_did_jwk
from .errors import DidError, FormatError, KeyFormatError, VCError
from .jose import (
    CompactJws,
    JoseError,
    check_algorithm,
    check_crit,
    check_key_headers,
    check_typ,
    normalize_typ,
    parse_compact,
    sign_compact,
    verify_compact,
)
from .json_reader import loads
from .keys import Ed25519KeyPair, Ed25519PublicKey
from .multibase import b64url_decode
from .proofs import KeyBinding, KeyLookup

FORM_JOSE = "vc-jose-cose"
FORM_VCDM11 = "vcdm11-jwt"
FORMS = (FORM_JOSE, FORM_VCDM11)

#: ``typ`` values of the VC-JOSE-COSE form: the Recommendation's, then two older drafts'.
JOSE_TYPS: frozenset[str] = frozenset({"vc+jwt", "vc+ld+jwt", "vc+ld+json+jwt"})
#: ``typ`` of the VCDM 1.1 / Open Badges 3.0 form; the header may also leave it out.
VCDM11_TYPS: frozenset[str] = frozenset({"JWT"})
#: ``cty`` values accepted beside ``vc+jwt``; anything else (``JWT`` = nested token) is refused.
JOSE_CTYS: frozenset[str] = frozenset({"vc", "vc+ld+json"})
#: Registered JWT claims: envelope data, removed from a VC-JOSE-COSE payload's credential view.
JWT_CLAIMS: frozenset[str] = frozenset({"iss", "sub", "aud", "exp", "nbf", "iat", "jti", "cnf"})

VC_V2 = "https://www.w3.org/ns/credentials/v2"
ASSERTION = "assertionMethod"
_MAX_NUMERIC_DATE = 253402300799  # 9999-12-31T23:59:59Z
_JWT_SHAPE = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*")
_LOOKS_LIKE_MAX_CHARS = 4 * 1024 * 1024


@dataclass(frozen=True)
class VcJwt:
    """A decoded (not yet verified) VC-JWT."""

    form: str
    header: dict[str, Any]
    claims: dict[str, Any]
    credential: dict[str, Any]
    issuer: str
    kid: str | None
    jws: CompactJws = field(repr=False)


@dataclass(frozen=True)
class VcJwtResult:
    """What verifying a VC-JWT found out.

    ``error`` is about the token and its signature (``jwt.*``, or the ``did.*``/``vm.*``/``fetch.*``
    problem that left no key). ``binding.problem`` says separately whether the key is the
    issuer's for ``assertionMethod``. ``validity`` lists ``exp``/``nbf`` findings without deciding
    the verdict. ``credential`` is ``None`` only when the token could not be read at all.
    """

    credential: dict[str, Any] | None
    issuer: str | None
    vm_id: str | None
    error: VCError | None
    binding: KeyBinding | None
    form: str | None = None
    validity: tuple[VCError, ...] = ()
    header: dict[str, Any] = field(default_factory=dict)
    claims: dict[str, Any] = field(default_factory=dict)

    @property
    def signature_ok(self) -> bool:
        """The token is intact under the key its ``kid`` resolved to.

        That key may still be unconfirmed (see :attr:`key_bound`): a caller deciding trust needs
        both.
        """
        return self.error is None and self.binding is not None and self.binding.public_key is not None

    @property
    def key_bound(self) -> bool:
        """The key is the issuer's, listed under ``assertionMethod`` in the issuer's document."""
        return self.binding is not None and self.binding.bound


def _claims_error(message: str, path: str, **details: Any) -> JoseError:
    return JoseError("jwt.invalid_claims", message, path=path, details=details or None)


def _strip(token: str) -> str:
    """Files and copy-paste add a trailing newline; nothing else is forgiven."""
    return token.strip(" \t\r\n") if isinstance(token, str) else token


def looks_like_jwt(text: str | bytes) -> bool:
    """True when ``text`` is shaped like a compact JWS whose header is a JSON object with ``alg``.

    Used to route input, so it never raises. SD-JWTs (``~``-separated) do not match.
    """
    if isinstance(text, bytes):
        try:
            text = text.decode("ascii")
        except UnicodeDecodeError:
            return False
    if not isinstance(text, str) or len(text) > _LOOKS_LIKE_MAX_CHARS:
        return False
    candidate = _strip(text)
    if _JWT_SHAPE.fullmatch(candidate) is None:
        return False
    try:
        header = loads(b64url_decode(candidate.split(".", 1)[0]), max_bytes=16 * 1024)
    except VCError:
        return False
    return isinstance(header, dict) and "alg" in header


def _numeric_date(claims: Mapping[str, Any], name: str) -> int | float | None:
    """A NumericDate claim (seconds since the epoch), or ``jwt.invalid_claims``."""
    if name not in claims:
        return None
    value = claims[name]
    if (isinstance(value, bool) or not isinstance(value, int | float)
            or not math.isfinite(value) or not 0 <= value <= _MAX_NUMERIC_DATE):
        raise _claims_error(f"the {name} claim is not a NumericDate", f"$.{name}")
    return value


def _to_iso(seconds: int | float) -> str:
    return datetime.fromtimestamp(math.floor(seconds), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _string_claim(claims: Mapping[str, Any], name: str) -> str | None:
    if name not in claims:
        return None
    value = claims[name]
    if not isinstance(value, str) or not value:
        raise _claims_error(f"the {name} claim is not a non-empty string", f"$.{name}")
    return value


def _uses_v2(credential: Mapping[str, Any]) -> bool:
    contexts = credential.get("@context")
    return contexts == VC_V2 or (isinstance(contexts, list) and VC_V2 in contexts)


def _same_second(text: Any, seconds: int | float) -> bool:
    """Whether a dateTime string names the same whole second as a NumericDate."""
    if not isinstance(text, str):
        return False
    try:
        moment = parse_datetime(text)
    except ValueError:
        return False
    return math.floor(moment.timestamp()) == math.floor(seconds)


def _subjects(credential: Mapping[str, Any]) -> list[Any]:
    subject = credential.get("credentialSubject")
    if isinstance(subject, list):
        return subject
    return [] if subject is None else [subject]


def _fold_date(credential: dict[str, Any], claims: Mapping[str, Any], claim: str,
               v2_name: str, v1_name: str) -> None:
    seconds = _numeric_date(claims, claim)
    if seconds is None:
        return
    name = v2_name if (v2_name in credential or _uses_v2(credential)) else v1_name
    if name in credential:
        if not _same_second(credential[name], seconds):
            raise _claims_error(f"the {claim} claim and vc.{name} disagree", f"$.{claim}",
                                claim=claim, property=name)
    else:
        credential[name] = _to_iso(seconds)


def _from_vcdm11(claims: Mapping[str, Any]) -> dict[str, Any]:
    """The credential of a VCDM 1.1 JWT: the ``vc`` claim with the JWT claims folded in."""
    vc = claims["vc"]
    if not isinstance(vc, dict):
        raise _claims_error("the vc claim is not a JSON object", "$.vc")
    credential = copy.deepcopy(vc)
    iss = _string_claim(claims, "iss")
    if iss is not None:
        if "issuer" in credential:
            if issuer_id(credential) != iss:
                raise _claims_error("the iss claim and vc.issuer disagree", "$.iss")
        else:
            credential["issuer"] = iss
    jti = _string_claim(claims, "jti")
    if jti is not None:
        if "id" in credential:
            if credential["id"] != jti:
                raise _claims_error("the jti claim and vc.id disagree", "$.jti")
        else:
            credential["id"] = jti
    _fold_date(credential, claims, "nbf", "validFrom", "issuanceDate")
    _fold_date(credential, claims, "exp", "validUntil", "expirationDate")
    sub = _string_claim(claims, "sub")
    if sub is not None:
        subjects = _subjects(credential)
        if len(subjects) != 1 or not isinstance(subjects[0], dict):
            raise _claims_error("the sub claim needs exactly one credentialSubject object", "$.sub")
        if "id" in subjects[0]:
            if subjects[0]["id"] != sub:
                raise _claims_error("the sub claim and vc.credentialSubject.id disagree", "$.sub")
        else:
            subjects[0]["id"] = sub
    return credential


def _from_jose(claims: Mapping[str, Any], header: Mapping[str, Any]) -> dict[str, Any]:
    """The credential of a VC-JOSE-COSE token: the payload without the registered JWT claims."""
    cty = header.get("cty")
    if cty is not None and (not isinstance(cty, str) or normalize_typ(cty) not in JOSE_CTYS):
        raise JoseError("jwt.invalid_typ", f"the cty {str(cty)[:40]!r} is not a credential",
                        details={"cty": str(cty)[:40]})
    if "@context" not in claims:
        if "vc" in claims:
            raise JoseError("jwt.invalid_typ", "typ vc+jwt is for a payload that is the credential; "
                            "a vc claim needs typ JWT", details={"typ": str(header.get("typ"))})
        raise _claims_error("a vc+jwt payload must be a credential with @context", "$")
    wrapped = sorted({"vc", "vp"} & claims.keys())
    if wrapped:
        raise _claims_error(f"a vc+jwt payload must not have a {wrapped[0]} claim", f"$.{wrapped[0]}")
    credential = {key: copy.deepcopy(value) for key, value in claims.items() if key not in JWT_CLAIMS}
    iss = _string_claim(claims, "iss")
    if iss is not None and issuer_id(credential) != iss:
        raise _claims_error("the iss claim differs from the credential's issuer", "$.iss")
    jti = _string_claim(claims, "jti")
    if jti is not None and credential.get("id") != jti:
        raise _claims_error("the jti claim differs from the credential's id", "$.jti")
    sub = _string_claim(claims, "sub")
    if sub is not None:
        ids = [subject.get("id") for subject in _subjects(credential) if isinstance(subject, dict)]
        if sub not in ids:
            raise _claims_error("the sub claim names no credentialSubject", "$.sub")
    _numeric_date(claims, "nbf")
    _numeric_date(claims, "exp")
    _numeric_date(claims, "iat")
    return credential


def _decode_jws(jws: CompactJws) -> VcJwt:
    header, claims = jws.header, jws.payload
    if not isinstance(claims, dict):
        raise JoseError("jwt.malformed", "the JWT payload is not a JSON object")
    typ = header.get("typ")
    if isinstance(typ, str) and normalize_typ(typ) in JOSE_TYPS:
        form = FORM_JOSE
        credential = _from_jose(claims, header)
    elif "vc" in claims:
        form = FORM_VCDM11
        check_typ(header, VCDM11_TYPS, require_typ=False)
        credential = _from_vcdm11(claims)
    elif typ is None or (isinstance(typ, str) and normalize_typ(typ) == "jwt"):
        if "@context" in claims:
            raise JoseError("jwt.invalid_typ",
                            "a JWT whose payload is the credential must have typ vc+jwt",
                            details={"typ": str(typ)})
        raise _claims_error("the JWT carries no credential (no vc claim, no @context)", "$")
    else:
        shown = typ[:60] if isinstance(typ, str) else repr(typ)[:60]
        raise JoseError("jwt.invalid_typ", f"the JWT typ {shown!r} is not a credential type",
                        details={"typ": shown})
    issuer = issuer_id(credential)
    if issuer is None or ":" not in issuer:
        raise FormatError("format.invalid_issuer", "the credential names no issuer URL",
                          path="$.issuer")
    kid = header.get("kid")
    if kid is not None and (not isinstance(kid, str) or not kid):
        raise JoseError("jwt.malformed", "the kid header is not a non-empty string")
    return VcJwt(form, header, claims, credential, issuer, kid, jws)


def decode_vc_jwt(token: str) -> VcJwt:
    """Read a VC-JWT without verifying it: its form, credential, issuer and ``kid``.

    Raises ``jwt.malformed``, ``jwt.invalid_typ``, ``jwt.invalid_claims`` or
    ``format.invalid_issuer``. Nothing here is trustworthy until :func:`verify_vc_jwt` says so.
    """
    return _decode_jws(parse_compact(_strip(token)))


def key_id_for(kid: str | None, issuer: str) -> str:
    """The absolute verification method id a ``kid`` names within the issuer's document.

    ``#key-1`` and bare ``key-1`` are taken relative to the issuer. A ``kid`` naming any other
    document is ``jwt.untrusted_key``: the key must be the issuer's, never one the token picks.
    Without a ``kid`` only did:key and did:jwk issuers, which have a single key, are usable.
    """
    if kid is None:
        if issuer.startswith(("did:key:", "did:jwk:")):
            candidate = issuer
        else:
            raise JoseError("jwt.untrusted_key",
                            "the JWT has no kid, and the issuer has more than one possible key",
                            details={"issuer": issuer})
    elif kid.startswith("#"):
        candidate = issuer + kid
    elif ":" not in kid:
        candidate = f"{issuer}#{kid}"
    else:
        candidate = kid
    base, fragment = split_verification_method(candidate)
    if base != issuer:
        raise JoseError("jwt.untrusted_key",
                        f"the kid names a key of {base[:120]}, not of the issuer {issuer[:120]} "
                        "(foreign kid)",
                        details={"kid": candidate[:200], "issuer": issuer[:200]})
    return f"{base}#{fragment}"


def _validity(claims: Mapping[str, Any], clock: Clock, leeway: timedelta) -> tuple[VCError, ...]:
    now = clock.now()
    found: list[VCError] = []
    exp = _numeric_date(claims, "exp")
    if exp is not None and now - leeway >= datetime.fromtimestamp(exp, UTC):
        found.append(VCError("validity.expired", f"the token expired at {_to_iso(exp)}",
                             path="$.exp", details={"exp": _to_iso(exp)}))
    nbf = _numeric_date(claims, "nbf")
    if nbf is not None and now + leeway < datetime.fromtimestamp(nbf, UTC):
        found.append(VCError("validity.not_yet_valid",
                             f"the token is not valid before {_to_iso(nbf)}",
                             path="$.nbf", details={"nbf": _to_iso(nbf)}))
    return tuple(found)


def _typ_rule(form: str) -> tuple[frozenset[str], bool]:
    return (JOSE_TYPS, True) if form == FORM_JOSE else (VCDM11_TYPS, False)


def verify_vc_jwt(token: str, key_lookup: KeyLookup, *, clock: Clock,
                  leeway: timedelta = timedelta(0)) -> VcJwtResult:
    """Decode and verify a VC-JWT; bad input is reported in the result, never raised.

    Order: header safety (algorithm, embedded keys, ``crit``) before anything else, then the
    form and claims, then the ``kid`` (which must lie in the issuer's document), then the key
    lookup and the signature. Nothing is resolved for a token already refused.
    """
    try:
        jws = parse_compact(_strip(token))
    except VCError as exc:
        return VcJwtResult(None, None, None, exc, None)
    header_error: VCError | None = None
    try:
        check_algorithm(jws.header)
        check_key_headers(jws.header)
        check_crit(jws.header)
    except VCError as exc:
        header_error = exc
    try:
        decoded = _decode_jws(jws)
    except VCError as exc:
        return VcJwtResult(None, None, None, header_error or exc, None, header=jws.header)

    def result(error: VCError | None, vm_id: str | None = None,
               binding: KeyBinding | None = None, validity: tuple[VCError, ...] = ()) -> VcJwtResult:
        return VcJwtResult(decoded.credential, decoded.issuer, vm_id, error, binding,
                           decoded.form, validity, decoded.header, decoded.claims)

    validity = _validity(decoded.claims, clock, leeway)
    if header_error is not None:
        return result(header_error, validity=validity)
    try:
        vm_id = key_id_for(decoded.kid, decoded.issuer)
    except VCError as exc:
        return result(exc, validity=validity)
    try:
        binding = key_lookup.lookup(vm_id, purpose=ASSERTION, expected_controller=decoded.issuer)
    except VCError as exc:
        return result(exc, vm_id, validity=validity)
    if binding.public_key is None:
        error = binding.problem or JoseError("jwt.untrusted_key", "no key found for the kid")
        return result(error, vm_id, binding, validity)
    typs, require_typ = _typ_rule(decoded.form)
    try:
        verify_compact(jws, binding.public_key, allowed_typs=typs, require_typ=require_typ)
    except VCError as exc:
        return result(exc, vm_id, binding, validity)
    return result(None, vm_id, binding, validity)


def _issue_error(message: str) -> VCError:
    return VCError("issue.invalid_credential", message)


def _check_issuer_key(issuer: str, key: Ed25519PublicKey, vm_id: str) -> None:
    """Refuse to sign for an issuer the key or ``vm_id`` visibly does not belong to."""
    try:
        base, _ = split_verification_method(vm_id)
    except DidError as exc:
        raise VCError("issue.key_mismatch", f"{vm_id!r} is not a verification method id") from exc
    if base != issuer:
        raise VCError("issue.key_mismatch", f"{vm_id} is not a key of the issuer {issuer}")
    try:
        if issuer.startswith("did:key:") and parse_did_key(issuer) != key:
            raise VCError("issue.key_mismatch", "the key is not the issuer's did:key")
        if issuer.startswith("did:jwk:") and Ed25519PublicKey.from_jwk(parse_did_jwk(issuer)) != key:
            raise VCError("issue.key_mismatch", "the key is not the issuer's did:jwk")
    except (DidError, KeyFormatError) as exc:
        raise VCError("issue.key_mismatch", f"the issuer DID is unusable: {exc.code}") from exc


def _numeric(credential: Mapping[str, Any], *names: str) -> int | None:
    for name in names:
        if name in credential:
            value = credential[name]
            try:
                return math.floor(parse_datetime(value).timestamp())
            except ValueError as exc:
                raise _issue_error(f"{name} is not a dateTime") from exc
    return None


def issue_vc_jwt(credential: Mapping[str, Any], key: Ed25519KeyPair, vm_id: str, *,
                 form: str = FORM_JOSE) -> str:
    """Sign ``credential`` as a VC-JWT of ``form`` with ``key``, naming ``vm_id`` as ``kid``.

    For tests, fixtures and the issuing tools. The vcdm11 form keeps the whole credential under
    ``vc`` (as Open Badges 3.0 examples do) and adds the matching ``iss``/``jti``/``nbf``/``exp``/
    ``sub`` claims, so the verifier's consistency rules hold by construction.
    """
    if form not in FORMS:
        raise ValueError(f"unknown VC-JWT form {form!r}")
    if not isinstance(credential, Mapping) or "@context" not in credential:
        raise _issue_error("the credential must be a JSON object with @context")
    issuer = issuer_id(credential)
    if issuer is None:
        raise _issue_error("the credential has no issuer id")
    _check_issuer_key(issuer, key.public, vm_id)
    if form == FORM_JOSE:
        return sign_compact({"alg": "EdDSA", "typ": "vc+jwt", "kid": vm_id}, dict(credential), key)
    claims: dict[str, Any] = {"iss": issuer}
    if isinstance(credential.get("id"), str):
        claims["jti"] = credential["id"]
    nbf = _numeric(credential, "validFrom", "issuanceDate")
    if nbf is not None:
        claims["nbf"] = nbf
    exp = _numeric(credential, "validUntil", "expirationDate")
    if exp is not None:
        claims["exp"] = exp
    subjects = _subjects(credential)
    if len(subjects) == 1 and isinstance(subjects[0], dict) and isinstance(subjects[0].get("id"), str):
        claims["sub"] = subjects[0]["id"]
    claims["vc"] = dict(credential)
    return sign_compact({"alg": "EdDSA", "typ": "JWT", "kid": vm_id}, claims, key)
