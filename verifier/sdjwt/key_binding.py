"""The key-binding JWT (RFC 9901 §4.3): proof that the holder of ``cnf.jwk`` presented *this* SD-JWT
to *this* verifier, *now*.

Without it an SD-JWT is a bearer token: whoever copies it can replay it. The KB-JWT is signed
with the holder's key named in the issuer-signed ``cnf.jwk`` and carries ``nonce`` (the
verifier's challenge), ``aud`` (the verifier), ``iat`` (freshness) and ``sd_hash`` (a digest of
exactly the issuer JWT and disclosures presented, so disclosures cannot be added or swapped).

Every problem is ``sdjwt.kb_invalid`` with a short, stable ``details["reason"]`` (see
:data:`REASONS`), so tests and user interfaces can tell the cases apart. A verifier that asks no
nonce or audience gets a refusal too: a key binding nobody checked must not look like one that
passed.

Only Ed25519 holder keys are verified here, through :mod:`verifier.jose`. The claim rules are
in :func:`check_kb_claims`, apart from the signature, so other key types can be checked by a
caller that verifies the signature itself (the tests do this for the RFC's P-256 examples).
"""

from __future__ import annotations

import hmac
import math
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from ..clock import Clock
from ..errors import VCError
from ..jose import check_header, verify_signature
from ..keys import Ed25519PublicKey
from ..multibase import b64url_encode
from .disclosure import SdJwtError, hash_function
from .token import parse_jws

KB_TYP = "kb+jwt"
#: How old a KB-JWT's ``iat`` may be by default.
DEFAULT_MAX_AGE = timedelta(minutes=5)
#: How far in the future a KB-JWT's ``iat`` may be by default (clock skew).
DEFAULT_SKEW = timedelta(minutes=5)

R_NO_NONCE = "no nonce asked"
R_NO_AUDIENCE = "no audience asked"
R_MALFORMED = "malformed"
R_TYP = "wrong typ"
R_ALG = "algorithm not allowed"
R_NO_HOLDER_KEY = "no holder key"
R_WRONG_KEY = "wrong key"
R_NONCE = "nonce mismatch"
R_AUDIENCE = "audience mismatch"
R_MULTI_AUD = "multiple audiences"
R_STALE = "stale iat"
R_FUTURE = "iat in the future"
R_SD_HASH = "sd_hash mismatch"
REASONS = (R_NO_NONCE, R_NO_AUDIENCE, R_MALFORMED, R_TYP, R_ALG, R_NO_HOLDER_KEY, R_WRONG_KEY,
           R_NONCE, R_AUDIENCE, R_MULTI_AUD, R_STALE, R_FUTURE, R_SD_HASH)

_MAX_KB_CHARS = 16 * 1024
_MAX_NUMERIC_DATE = 253402300799


def kb_invalid(reason: str, message: str, **details: Any) -> SdJwtError:
    """``sdjwt.kb_invalid`` with ``details["reason"]`` set to one of :data:`REASONS`."""
    return SdJwtError("sdjwt.kb_invalid", message, details={"reason": reason, **details})


def sd_hash(presented: str, alg: str) -> str:
    """base64url(hash(``<JWT>~<D1>~…~<Dn>~``)) with the SD-JWT's ``_sd_alg``."""
    return b64url_encode(hash_function(alg)(presented.encode("ascii")).digest())


def holder_key(payload: Mapping[str, Any]) -> Ed25519PublicKey:
    """The Ed25519 key in the issuer-signed ``cnf.jwk``; ``sdjwt.kb_invalid`` otherwise."""
    cnf = payload.get("cnf")
    jwk = cnf.get("jwk") if isinstance(cnf, Mapping) else None
    if not isinstance(jwk, Mapping):
        raise kb_invalid(R_NO_HOLDER_KEY, "the credential names no holder key (cnf.jwk), so no "
                         "key binding can be checked")
    try:
        return Ed25519PublicKey.from_jwk(jwk)
    except VCError as exc:
        raise kb_invalid(R_NO_HOLDER_KEY, f"the holder key in cnf.jwk is not a usable Ed25519 key "
                         f"({exc.code})", cause=exc.code) from exc


def _iat(payload: Mapping[str, Any]) -> float:
    value = payload.get("iat")
    if (isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value)
            or not 0 <= value <= _MAX_NUMERIC_DATE):
        raise kb_invalid(R_MALFORMED, "the key-binding JWT has no numeric iat")
    return float(value)


def check_kb_claims(payload: Any, *, presented: str, alg: str, nonce: str | None,
                    audience: str | None, clock: Clock, max_age: timedelta = DEFAULT_MAX_AGE,
                    skew: timedelta = DEFAULT_SKEW) -> None:
    """The KB-JWT claim rules: ``nonce``, ``aud`` (one audience), ``iat`` window and ``sd_hash``.

    The signature is *not* checked here (see :func:`verify_key_binding`).
    """
    if nonce is None:
        raise kb_invalid(R_NO_NONCE, "the presentation has a key binding, but the verifier asked "
                         "no nonce, so it cannot tell a replay from a fresh answer")
    if audience is None:
        raise kb_invalid(R_NO_AUDIENCE, "the presentation has a key binding, but the verifier "
                         "named no audience to check it against")
    if not isinstance(payload, Mapping):
        raise kb_invalid(R_MALFORMED, "the key-binding JWT payload is not an object")
    got_nonce = payload.get("nonce")
    if not isinstance(got_nonce, str) or not hmac.compare_digest(
            got_nonce.encode("utf-8"), nonce.encode("utf-8")):
        raise kb_invalid(R_NONCE, "the key binding answers another challenge (nonce)")
    aud = payload.get("aud")
    if isinstance(aud, list):
        if len(aud) != 1:
            raise kb_invalid(R_MULTI_AUD, "the key binding names several audiences; it must be "
                             "made for this verifier alone", count=len(aud))
        aud = aud[0]
    if not isinstance(aud, str) or aud != audience:
        raise kb_invalid(R_AUDIENCE, "the key binding was made for another verifier (aud)",
                         aud=str(aud)[:200] if aud is not None else None)
    iat = _iat(payload)
    now = clock.now().timestamp()  # compared as POSIX seconds, which iat is
    if iat > now + skew.total_seconds():
        raise kb_invalid(R_FUTURE, "the key binding is dated in the future (iat)",
                         iat=int(iat))
    if iat < now - max_age.total_seconds():
        raise kb_invalid(R_STALE, f"the key binding is older than {int(max_age.total_seconds())} "
                         "seconds (iat): it may be a replay", iat=int(iat))
    expected = sd_hash(presented, alg)
    got = payload.get("sd_hash")
    if not isinstance(got, str) or not hmac.compare_digest(got.encode("utf-8"),
                                                           expected.encode("ascii")):
        raise kb_invalid(R_SD_HASH, "the key binding covers other disclosures than the ones "
                         "presented (sd_hash)")


def verify_key_binding(kb_jwt: str, *, issuer_payload: Mapping[str, Any], presented: str, alg: str,
                       nonce: str | None, audience: str | None, clock: Clock,
                       max_age: timedelta = DEFAULT_MAX_AGE,
                       skew: timedelta = DEFAULT_SKEW) -> dict[str, Any]:
    """Check a KB-JWT end to end (header, holder signature, claims); returns its claims.

    Order: the verifier's own request first (a nonce and an audience must have been asked),
    then the header (``typ: kb+jwt``, EdDSA, no embedded keys), the signature by ``cnf.jwk``,
    and only then the claims.
    """
    if nonce is None:
        raise kb_invalid(R_NO_NONCE, "the presentation has a key binding, but the verifier asked "
                         "no nonce, so it cannot tell a replay from a fresh answer")
    if audience is None:
        raise kb_invalid(R_NO_AUDIENCE, "the presentation has a key binding, but the verifier "
                         "named no audience to check it against")
    try:
        jws = parse_jws(kb_jwt, max_chars=_MAX_KB_CHARS)
    except VCError as exc:
        raise kb_invalid(R_MALFORMED, f"the key-binding JWT is malformed ({exc.code})",
                         cause=exc.code) from exc
    try:
        check_header(jws.header, allowed_typs=None)
    except VCError as exc:
        reason = R_ALG if exc.code == "jwt.algorithm_not_allowed" else (
            R_WRONG_KEY if exc.code == "jwt.untrusted_key" else R_MALFORMED)
        raise kb_invalid(reason, f"the key-binding JWT header is refused ({exc.code})",
                         cause=exc.code) from exc
    typ = jws.header.get("typ")
    if not isinstance(typ, str) or typ.lower() != KB_TYP:
        raise kb_invalid(R_TYP, "the key-binding JWT's typ is not kb+jwt",
                         typ=str(typ)[:40] if typ is not None else None)
    key = holder_key(issuer_payload)
    try:
        verify_signature(jws, key)  # the header rules and typ were checked just above
    except VCError as exc:
        raise kb_invalid(R_WRONG_KEY, "the key binding is not signed by the holder key the "
                         "issuer named (cnf.jwk)", cause=exc.code) from exc
    check_kb_claims(jws.payload, presented=presented, alg=alg, nonce=nonce, audience=audience,
                    clock=clock, max_age=max_age, skew=skew)
    return dict(jws.payload)
