"""Where proof keys come from: DID and controller documents, never the proof itself.

``ResolverKeyLookup`` answers two separate questions for a verification method URL:

1. *Which public key is this?* — from the controller's document (did:key/did:jwk/did:web or an
   https controller document). Only when that document is unreachable and the URL's fragment is
   itself a multikey (``https://issuer.example/…#z6Mk…``, common in Open Badges samples) is the
   key read from the fragment, and then the binding is reported as unconfirmed.
2. *Does it belong to the expected controller, for this purpose?* — the controller must be the
   issuer (or holder) and the method must be listed under the purpose's relationship.

Keeping the two apart lets a report say "the content is intact" and "but the key is not the
issuer's" as two checks, instead of one vague failure.
"""

from __future__ import annotations

from .cache import LruCache
from .clock import Clock
from .did import CachingResolver, DidResolver, default_resolver, resolve_verification_method
from .did.verification_method import split_verification_method
from .errors import DidError, FetchError, KeyFormatError, VCError
from .fetch import Fetcher
from .keys import Ed25519PublicKey
from .proofs import KeyBinding

_UNREACHABLE = ("fetch.", "did.not_found")
#: DID methods whose document is computed from the DID itself: a lookup's answer can never
#: change, so it is remembered (a did:key issuer or holder is looked up on every verify).
_SELF_CERTIFYING = ("did:key:", "did:jwk:")
#: How many self-certifying answers to remember, least recently used forgotten first.
MEMO_SIZE = 1024


class ResolverKeyLookup:
    """A :class:`verifier.proofs.KeyLookup` over a DID resolver and a fetcher."""

    def __init__(self, resolver: DidResolver, fetcher: Fetcher | None) -> None:
        self.resolver = resolver
        self.fetcher = fetcher
        self._memo: LruCache[tuple[str, str, str | None], KeyBinding] = LruCache(MEMO_SIZE)

    @classmethod
    def create(cls, fetcher: Fetcher, clock: Clock, ttl_seconds: float = 300.0) -> ResolverKeyLookup:
        """The usual stack: did:key, did:jwk and did:web, with a TTL cache of documents."""
        resolver = CachingResolver(default_resolver(fetcher), clock, ttl_seconds)
        return cls(resolver, fetcher)

    def lookup(self, vm_url: str, *, purpose: str, expected_controller: str | None) -> KeyBinding:
        if not vm_url.startswith(_SELF_CERTIFYING):
            return self._lookup(vm_url, purpose, expected_controller)
        key = (vm_url, purpose, expected_controller)
        found = self._memo.get(key)
        if found is None:
            found = self._lookup(vm_url, purpose, expected_controller)
            self._memo.put(key, found)
        return found

    def _lookup(self, vm_url: str, purpose: str, expected_controller: str | None) -> KeyBinding:
        controller, fragment = split_verification_method(vm_url)
        vm_id = f"{controller}#{fragment}"
        try:
            method = resolve_verification_method(vm_url, resolver=self.resolver,
                                                 fetcher=self.fetcher, purpose=purpose,
                                                 expected_controller=None)
        except DidError as exc:
            if exc.code != "vm.not_authorized":
                return self._fallback(vm_id, controller, fragment, exc)
            # The key exists but is not listed for this purpose: the signature can still be
            # checked, and the binding is reported as failed.
            key = self._key_ignoring_relationship(vm_id, controller)
            return KeyBinding(vm_id, key, controller, exc)
        except FetchError as exc:
            return self._fallback(vm_id, controller, fragment, exc)
        problem: VCError | None = None
        if expected_controller is not None and controller != expected_controller:
            problem = DidError("vm.controller_mismatch",
                               f"the key belongs to {controller}, not to the issuer "
                               f"{expected_controller}",
                               details={"controller": controller, "expected": expected_controller})
        return KeyBinding(vm_id, method.public_key, method.controller, problem)

    def _key_ignoring_relationship(self, vm_id: str, controller: str) -> Ed25519PublicKey | None:
        if not controller.startswith("did:"):
            return None
        try:
            return self.resolver.resolve(controller).get_verification_method(vm_id).public_key
        except (DidError, FetchError, KeyFormatError):
            return None

    def _fallback(self, vm_id: str, controller: str, fragment: str, exc: VCError) -> KeyBinding:
        """Read the key from a multikey fragment when the controller document is unreachable."""
        unreachable = exc.code.startswith(_UNREACHABLE)
        if unreachable and not controller.startswith("did:") and fragment.startswith("z6Mk"):
            try:
                key = Ed25519PublicKey.from_multibase(fragment)
            except KeyFormatError as key_exc:
                return KeyBinding(vm_id, None, controller, key_exc)
            return KeyBinding(vm_id, key, controller, exc,
                              source="verificationMethod fragment (controller document unreachable)")
        return KeyBinding(vm_id, None, controller, exc)
