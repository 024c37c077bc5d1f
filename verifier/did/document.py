"""DID documents and controller documents, reduced to what a verifier needs.

A document is parsed once into verification methods keyed by absolute id and the sets of ids
each relationship (``assertionMethod``, ``authentication``, …) authorizes. Relationship entries
may be references (absolute, or ``#frag`` relative to the document id) or embedded methods.

A document may list keys this verifier cannot use (X25519, P-256, …). Those do not make the whole
document unusable: the problem is remembered and raised (``vm.unsupported_type`` or a ``key.*``
code) only if a proof actually names that method.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import DidError, KeyFormatError, VCError
from ..keys import Ed25519PublicKey
from ..multibase import ED25519_PUB, decode_multicodec

RELATIONSHIPS = (
    "assertionMethod",
    "authentication",
    "capabilityInvocation",
    "capabilityDelegation",
    "keyAgreement",
)

MULTIBASE_TYPES = frozenset({"Multikey", "Ed25519VerificationKey2020"})
BASE58_TYPES = frozenset({"Ed25519VerificationKey2018"})
JWK_TYPES = frozenset({"JsonWebKey2020", "JsonWebKey"})


def _invalid(message: str) -> DidError:
    return DidError("did.invalid_document", message)


def absolute_id(value: str, base: str) -> str:
    """Resolve a ``#fragment`` reference against the document id; absolute ids pass through."""
    if value.startswith("#"):
        return base.split("#", 1)[0] + value
    if ":" not in value:
        raise _invalid(f"reference {value!r} is neither absolute nor a #fragment")
    return value


def _public_key(vm_type: str, obj: Mapping[str, Any]) -> Ed25519PublicKey:
    """Read the Ed25519 key of one method, raising ``vm.unsupported_type`` or ``key.*``."""
    if vm_type in MULTIBASE_TYPES:
        value = obj.get("publicKeyMultibase")
        if not isinstance(value, str):
            raise KeyFormatError("key.invalid_multibase", "publicKeyMultibase is missing")
        codec, _ = decode_multicodec(value)
        if codec != ED25519_PUB:
            if vm_type == "Multikey":
                raise DidError("vm.unsupported_type", f"Multikey with {codec} key",
                               details={"codec": codec})
            raise KeyFormatError("key.invalid_multicodec", f"{vm_type} with {codec} header")
        return Ed25519PublicKey.from_multibase(value)
    if vm_type in BASE58_TYPES:
        value = obj.get("publicKeyBase58")
        if not isinstance(value, str):
            raise KeyFormatError("key.invalid_multibase", "publicKeyBase58 is missing")
        return Ed25519PublicKey.from_base58(value)
    if vm_type in JWK_TYPES:
        jwk = obj.get("publicKeyJwk")
        if not isinstance(jwk, Mapping):
            raise KeyFormatError("key.invalid_jwk", "publicKeyJwk is missing")
        if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
            raise DidError("vm.unsupported_type",
                           f"JWK kty={jwk.get('kty')!r} crv={jwk.get('crv')!r} is not Ed25519")
        return Ed25519PublicKey.from_jwk(jwk)
    raise DidError("vm.unsupported_type", f"verification method type {vm_type!r}",
                   details={"type": vm_type})


@dataclass(frozen=True)
class VerificationMethod:
    """One usable Ed25519 verification method."""

    id: str
    type: str
    controller: str
    public_key: Ed25519PublicKey

    @classmethod
    def from_json(cls, obj: Mapping[str, Any], base_id: str) -> VerificationMethod:
        """Parse a method object; ``base_id`` resolves a relative ``#frag`` id."""
        vm_id, vm_type, controller = _header(obj, base_id)
        return cls(vm_id, vm_type, controller, _public_key(vm_type, obj))


def _header(obj: Mapping[str, Any], base_id: str) -> tuple[str, str, str]:
    """(absolute id, type, absolute controller) of a method object, or ``did.invalid_document``."""
    raw_id = obj.get("id")
    vm_type = obj.get("type")
    controller = obj.get("controller")
    if not isinstance(raw_id, str) or not raw_id:
        raise _invalid("verification method without a string id")
    if not isinstance(vm_type, str) or not vm_type:
        raise _invalid(f"verification method {raw_id!r} has no type")
    if not isinstance(controller, str) or not controller:
        raise _invalid(f"verification method {raw_id!r} has no controller")
    return absolute_id(raw_id, base_id), vm_type, absolute_id(controller, base_id)


@dataclass(frozen=True)
class DidDocument:
    """A parsed DID or controller document.

    ``verification_methods`` holds the methods that parsed into an Ed25519 key; methods that did
    not are kept as deferred errors and raised by :meth:`get_verification_method`.
    """

    id: str
    verification_methods: Mapping[str, VerificationMethod]
    relationships: Mapping[str, frozenset[str]]
    raw: Mapping[str, Any] = field(repr=False, compare=False)
    _deferred: Mapping[str, VCError] = field(default_factory=dict, repr=False, compare=False)

    @property
    def assertion_method(self) -> frozenset[str]:
        """Absolute ids of methods that may sign credentials."""
        return self.relationships.get("assertionMethod", frozenset())

    @property
    def authentication(self) -> frozenset[str]:
        """Absolute ids of methods that may sign presentations."""
        return self.relationships.get("authentication", frozenset())

    def is_authorized(self, vm_id: str, relationship: str) -> bool:
        """Whether ``vm_id`` is listed under ``relationship``."""
        return vm_id in self.relationships.get(relationship, frozenset())

    def get_verification_method(self, vm_id: str) -> VerificationMethod:
        """The method with absolute id ``vm_id``.

        Raises ``vm.not_found`` when absent, or the remembered ``vm.unsupported_type``/``key.*``
        error when the method exists but holds no usable Ed25519 key.
        """
        found = self.verification_methods.get(vm_id)
        if found is not None:
            return found
        problem = self._deferred.get(vm_id)
        if problem is not None:
            raise type(problem)(problem.code, problem.message, problem.path,
                                {**problem.details, "verificationMethod": vm_id})
        raise DidError("vm.not_found", f"{vm_id} is not in the document of {self.id}",
                       details={"verificationMethod": vm_id})

    @classmethod
    def from_json(cls, data: Any) -> DidDocument:
        """Parse a document from decoded JSON; ``did.invalid_document`` when malformed."""
        if not isinstance(data, dict):
            raise _invalid("document is not a JSON object")
        doc_id = data.get("id")
        if not isinstance(doc_id, str) or ":" not in doc_id or "#" in doc_id:
            raise _invalid("document id is missing or not an absolute URI")
        methods: dict[str, VerificationMethod] = {}
        deferred: dict[str, VCError] = {}
        seen: dict[str, Mapping[str, Any]] = {}

        def add(obj: Any) -> str:
            if not isinstance(obj, dict):
                raise _invalid("verification method is not an object")
            vm_id, _, _ = _header(obj, doc_id)
            previous = seen.get(vm_id)
            if previous is not None:
                if previous != obj:
                    raise _invalid(f"two different methods share the id {vm_id}")
                return vm_id
            seen[vm_id] = obj
            try:
                methods[vm_id] = VerificationMethod.from_json(obj, doc_id)
            except (KeyFormatError, DidError) as exc:
                if exc.code == "did.invalid_document":
                    raise
                deferred[vm_id] = exc
            return vm_id

        listed = data.get("verificationMethod", [])
        if not isinstance(listed, list):
            raise _invalid("verificationMethod is not an array")
        for obj in listed:
            add(obj)
        relationships: dict[str, frozenset[str]] = {}
        for name in RELATIONSHIPS:
            entries = data.get(name, [])
            if not isinstance(entries, list):
                raise _invalid(f"{name} is not an array")
            ids: set[str] = set()
            for entry in entries:
                if isinstance(entry, str):
                    ids.add(absolute_id(entry, doc_id))
                else:
                    ids.add(add(entry))
            relationships[name] = frozenset(ids)
        return cls(doc_id, methods, relationships, data, deferred)
