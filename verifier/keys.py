"""Ed25519 keys: the one key type the verifier signs and checks with.

A public key is a small frozen value that can be compared, hashed and shared between threads; it
keeps its PyNaCl ``VerifyKey`` so repeated verification skips re-parsing the point. A key pair
holds the 32-byte seed privately and never prints it: ``repr`` and ``str`` show only the public
half, so a stray log line or traceback cannot leak a wallet key.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import nacl.exceptions
import nacl.signing

from .errors import KeyFormatError
from .multibase import (
    ED25519_KEY_BYTES,
    ED25519_PRIV,
    ED25519_PUB,
    b64url_decode,
    b64url_encode,
    decode_base58btc,
    decode_multicodec,
    decode_multikey,
    encode_base58btc,
    encode_multikey,
)

SIGNATURE_BYTES = 64
_JWK_ALGS = frozenset({"EdDSA", "Ed25519"})


def _check_jwk(jwk: Mapping[str, Any]) -> None:
    """Refuse anything but an OKP/Ed25519 JWK whose optional ``alg`` fits."""
    if not isinstance(jwk, Mapping):
        raise KeyFormatError("key.invalid_jwk", "JWK is not an object")
    if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
        raise KeyFormatError("key.invalid_jwk", "JWK is not kty OKP with crv Ed25519",
                             details={"kty": str(jwk.get("kty")), "crv": str(jwk.get("crv"))})
    if "alg" in jwk and jwk["alg"] not in _JWK_ALGS:
        raise KeyFormatError("key.invalid_jwk", "JWK alg is not EdDSA")


def _jwk_bytes(jwk: Mapping[str, Any], member: str) -> bytes:
    value = jwk.get(member)
    if not isinstance(value, str):
        raise KeyFormatError("key.invalid_jwk", f"JWK member {member!r} is missing")
    try:
        raw = b64url_decode(value)
    except KeyFormatError as exc:
        raise KeyFormatError("key.invalid_jwk", f"JWK member {member!r} is not base64url") from exc
    if len(raw) != ED25519_KEY_BYTES:
        raise KeyFormatError("key.invalid_length", f"JWK member {member!r} is {len(raw)} bytes",
                             details={"length": len(raw)})
    return raw


@dataclass(frozen=True)
class Ed25519PublicKey:
    """An Ed25519 public key (32 raw bytes)."""

    raw: bytes
    _verify_key: nacl.signing.VerifyKey = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.raw, bytes) or len(self.raw) != ED25519_KEY_BYTES:
            size = len(self.raw) if isinstance(self.raw, bytes | bytearray) else -1
            raise KeyFormatError("key.invalid_length",
                                 f"Ed25519 public key must be {ED25519_KEY_BYTES} bytes",
                                 details={"length": size})
        object.__setattr__(self, "_verify_key", nacl.signing.VerifyKey(self.raw))

    def __repr__(self) -> str:
        return f"Ed25519PublicKey({self.multibase!r})"

    @classmethod
    def from_multibase(cls, value: str) -> Ed25519PublicKey:
        """Parse a Multikey ``publicKeyMultibase`` value (``z6Mk…``)."""
        _, raw = decode_multikey(value, expected=ED25519_PUB)
        return cls(raw)

    @classmethod
    def from_base58(cls, value: str) -> Ed25519PublicKey:
        """Parse a headerless ``publicKeyBase58`` value (Ed25519VerificationKey2018)."""
        raw = decode_base58btc(value)
        if len(raw) != ED25519_KEY_BYTES:
            raise KeyFormatError("key.invalid_length", f"publicKeyBase58 is {len(raw)} bytes",
                                 details={"length": len(raw)})
        return cls(raw)

    @classmethod
    def from_jwk(cls, jwk: Mapping[str, Any]) -> Ed25519PublicKey:
        """Parse a public OKP/Ed25519 JWK.

        A JWK that also carries ``d`` is refused: a published private key means anyone can sign
        with it, so such a key must never be trusted as someone's verification key.
        """
        _check_jwk(jwk)
        if "d" in jwk:
            raise KeyFormatError("key.invalid_jwk", "public JWK contains private member 'd'")
        x = jwk.get("x")
        if type(x) is str and cls is Ed25519PublicKey:
            return _public_key_of(x)
        return cls(_jwk_bytes(jwk, "x"))

    @property
    def multibase(self) -> str:
        """The Multikey form, ``z6Mk…``."""
        return encode_multikey(ED25519_PUB, self.raw)

    @property
    def base58(self) -> str:
        """Headerless base58btc, the ``publicKeyBase58`` form."""
        return encode_base58btc(self.raw)

    @property
    def did_key(self) -> str:
        """The did:key DID for this key."""
        return "did:key:" + self.multibase

    def to_jwk(self) -> dict[str, str]:
        """The public JWK (``kty`` OKP, ``crv`` Ed25519)."""
        return {"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(self.raw)}

    def verify(self, message: bytes, signature: bytes) -> bool:
        """True when ``signature`` is a valid Ed25519 signature of ``message``; never raises."""
        if not isinstance(signature, bytes) or len(signature) != SIGNATURE_BYTES:
            return False
        try:
            self._verify_key.verify(bytes(message), signature)
        except (nacl.exceptions.BadSignatureError, nacl.exceptions.CryptoError, ValueError,
                TypeError):
            return False
        return True


@lru_cache(maxsize=256)
def _public_key_of(x: str) -> Ed25519PublicKey:
    """The key a JWK's ``x`` names. Pure, and asked on every verify of an SD-JWT (its holder key)
    or a did:jwk, so recent answers are kept; the keys are frozen, so sharing one is safe."""
    return Ed25519PublicKey(_jwk_bytes({"x": x}, "x"))


class Ed25519KeyPair:
    """An Ed25519 signing key: a 32-byte seed and its public key.

    The seed is reachable only through :attr:`secret_multibase` and :meth:`to_jwk` with
    ``include_private=True`` — deliberate, greppable calls.
    """

    __slots__ = ("_seed", "_signing_key", "public")

    def __init__(self, seed: bytes) -> None:
        if not isinstance(seed, bytes) or len(seed) != ED25519_KEY_BYTES:
            raise KeyFormatError("key.invalid_length",
                                 f"Ed25519 seed must be {ED25519_KEY_BYTES} bytes")
        self._seed = seed
        self._signing_key = nacl.signing.SigningKey(seed)
        self.public = Ed25519PublicKey(bytes(self._signing_key.verify_key))

    def __repr__(self) -> str:
        return f"Ed25519KeyPair(public={self.public.multibase!r})"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Ed25519KeyPair):
            return NotImplemented
        return hmac.compare_digest(self._seed, other._seed)

    def __hash__(self) -> int:
        return hash(self.public)

    def __reduce__(self) -> Any:
        # Pickling would copy the seed into whatever stores the pickle; refuse it.
        raise TypeError("Ed25519KeyPair cannot be pickled; store secret_multibase encrypted")

    @classmethod
    def generate(cls) -> Ed25519KeyPair:
        """A new key pair from the operating system's CSPRNG."""
        return cls(bytes(nacl.signing.SigningKey.generate()))

    @classmethod
    def from_seed(cls, seed: bytes) -> Ed25519KeyPair:
        """Rebuild a key pair from its 32-byte seed."""
        return cls(seed)

    @classmethod
    def from_secret_multibase(cls, value: str) -> Ed25519KeyPair:
        """Parse ``secretKeyMultibase`` (``ed25519-priv`` header, 32-byte seed).

        The 64-byte seed‖public form some older libraries write is accepted only when its
        public half matches the seed.
        """
        codec, payload = decode_multicodec(value)
        if codec != ED25519_PRIV:
            raise KeyFormatError("key.invalid_multicodec", "secret key header is not ed25519-priv")
        if len(payload) == 2 * ED25519_KEY_BYTES:
            pair = cls(payload[:ED25519_KEY_BYTES])
            if not hmac.compare_digest(pair.public.raw, payload[ED25519_KEY_BYTES:]):
                raise KeyFormatError("key.invalid_length", "64-byte secret key halves disagree")
            return pair
        if len(payload) != ED25519_KEY_BYTES:
            raise KeyFormatError("key.invalid_length", f"secret key is {len(payload)} bytes",
                                 details={"length": len(payload)})
        return cls(payload)

    @classmethod
    def from_jwk(cls, jwk: Mapping[str, Any]) -> Ed25519KeyPair:
        """Parse a private OKP/Ed25519 JWK; ``x``, when present, must match ``d``."""
        _check_jwk(jwk)
        if "d" not in jwk:
            raise KeyFormatError("key.secret_missing", "JWK has no private member 'd'")
        pair = cls(_jwk_bytes(jwk, "d"))
        if "x" in jwk and _jwk_bytes(jwk, "x") != pair.public.raw:
            raise KeyFormatError("key.invalid_jwk", "JWK 'x' does not match 'd'")
        return pair

    @property
    def secret_multibase(self) -> str:
        """``secretKeyMultibase``: ``ed25519-priv`` header plus the 32-byte seed."""
        return encode_multikey(ED25519_PRIV, self._seed)

    def to_jwk(self, include_private: bool = False) -> dict[str, str]:
        """The JWK; the private member ``d`` only when asked for explicitly."""
        jwk = self.public.to_jwk()
        if include_private:
            jwk["d"] = b64url_encode(self._seed)
        return jwk

    def sign(self, message: bytes) -> bytes:
        """The 64-byte Ed25519 signature of ``message``."""
        return bytes(self._signing_key.sign(bytes(message)).signature)
