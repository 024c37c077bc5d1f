"""Hand-built SD-JWT VCs for the verifier tests: fixed keys, a clock, and a raw forger.

The forger assembles payload, disclosures and KB-JWT exactly as given, so attack tokens are
what an attacker would send, not what the issuing tools (which refuse bad input) would allow.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from verifier.keys import Ed25519KeyPair
from verifier.multibase import b64url_encode
from verifier.sdjwt.disclosure import Disclosure, encode_disclosure
from verifier.sdjwt.key_binding import sd_hash

NOW = datetime(2025, 3, 1, 12, 0, 0, tzinfo=UTC)
NOW_S = int(NOW.timestamp())
NONCE = "n-0S6_WzA2Mj"
AUDIENCE = "https://district.example"

ISSUER_KEY = Ed25519KeyPair.from_seed(bytes(range(32)))
HOLDER_KEY = Ed25519KeyPair.from_seed(bytes(range(1, 33)))
ATTACKER_KEY = Ed25519KeyPair.from_seed(b"\xaa" * 32)
ISSUER = ISSUER_KEY.public.did_key
KID = f"{ISSUER}#{ISSUER_KEY.public.multibase}"
VCT = "https://example.edu/badges/ob3"


def b64json(value: Any) -> str:
    return b64url_encode(json.dumps(value, separators=(",", ":")).encode("utf-8"))


def jws(header: dict[str, Any], payload: dict[str, Any], signer: Ed25519KeyPair | None = ISSUER_KEY,
        signature: bytes | None = None) -> str:
    signing_input = f"{b64json(header)}.{b64json(payload)}"
    if signature is None:
        signature = signer.sign(signing_input.encode("ascii")) if signer is not None else b""
    return f"{signing_input}.{b64url_encode(signature)}"


def header(**extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"alg": "EdDSA", "typ": "dc+sd-jwt", "kid": KID}
    out.update(extra)
    return {k: v for k, v in out.items() if v is not None}


def payload(**claims: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"iss": ISSUER, "iat": NOW_S - 3600, "vct": VCT,
                           "cnf": {"jwk": HOLDER_KEY.public.to_jwk()}, "_sd_alg": "sha-256"}
    out.update(claims)
    return {k: v for k, v in out.items() if v is not None}


def disc(name: str | None, value: Any, salt: str = "c2FsdHNhbHRzYWx0") -> Disclosure:
    return encode_disclosure(name, value, salt)


def raw_disclosure(items: Any) -> str:
    """A disclosure of any JSON (wrong arity, wrong types)."""
    return b64url_encode(json.dumps(items).encode("utf-8"))


def kb_jwt(presented: str, *, signer: Ed25519KeyPair = HOLDER_KEY, nonce: Any = NONCE,
           aud: Any = AUDIENCE, iat: Any = NOW_S, sd_hash_value: str | None = None,
           typ: str | None = "kb+jwt", alg: str = "EdDSA", **extra_header: Any) -> str:
    head: dict[str, Any] = {"alg": alg, "typ": typ, **extra_header}
    head = {k: v for k, v in head.items() if v is not None}
    claims = {"iat": iat, "aud": aud, "nonce": nonce,
              "sd_hash": sd_hash_value if sd_hash_value is not None else sd_hash(presented, "sha-256")}
    claims = {k: v for k, v in claims.items() if v is not None}
    return jws(head, claims, signer)


def sd_jwt(body: dict[str, Any], disclosures: list[str] | list[Disclosure], *,
           head: dict[str, Any] | None = None, issuer_signer: Ed25519KeyPair | None = ISSUER_KEY,
           kb: bool = True, **kb_args: Any) -> str:
    """``<JWT>~<D>~…~[KB]``; the KB-JWT (by default valid) covers exactly these disclosures."""
    texts = [d.encoded if isinstance(d, Disclosure) else d for d in disclosures]
    presented = "".join([jws(head or header(), body, issuer_signer), "~", *(f"{t}~" for t in texts)])
    return presented + (kb_jwt(presented, **kb_args) if kb else "")


def basic() -> tuple[dict[str, Any], list[Disclosure]]:
    """A small badge: a disclosable name and an array with one disclosable evidence item."""
    name = disc("name", "Dana Teacher", "c2FsdC1uYW1l")
    ev = disc(None, {"id": "https://class.example/1"}, "c2FsdC1ldg")
    body = payload(credentialSubject={"_sd": [name.digest()], "achievement": {"name": "Restorative"}},
                   evidence=[{"...": ev.digest()}, {"id": "https://public.example/x"}])
    return body, [name, ev]
