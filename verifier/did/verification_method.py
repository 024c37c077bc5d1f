"""From a proof's ``verificationMethod`` URL to a key the verifier may trust.

A proof *names* its key; that alone proves nothing, because anyone can name any key. The key is
trusted only when all of these hold:

1. the URL is absolute (a DID URL or an https URL with a fragment);
2. the document it belongs to is the expected controller (the issuer of a credential, the holder
   of a presentation) — checked before anything is resolved or fetched;
3. the document really contains the method, and the method's ``controller`` is that document;
4. the document lists the method under the relationship the proof purpose requires
   (``assertionMethod`` for credentials, ``authentication`` for presentations).
"""

from __future__ import annotations

import re

from ..errors import DidError, FetchError, ParseError
from ..fetch.base import Fetcher
from ..json_reader import loads
from .document import RELATIONSHIPS, DidDocument, VerificationMethod
from .resolver import DidResolver, did_method

CONTROLLER_DOCUMENT_ACCEPT = (
    "application/did+json, application/ld+json;q=0.9, application/json;q=0.8")
MAX_CONTROLLER_DOCUMENT_BYTES = 256 * 1024
#: A character no URL may contain: controls, space, backslash, DEL. One C-speed search instead
#: of a per-character Python loop, which cost tens of microseconds on every proof checked.
_NOT_URL_CHAR = re.compile(r"[\x00-\x20\\\x7f]")


def _invalid(message: str, vm_url: object) -> DidError:
    return DidError("vm.invalid", message, details={"verificationMethod": str(vm_url)[:200]})


def split_verification_method(vm_url: object) -> tuple[str, str]:
    """(controller document id, fragment) of a verification method URL, or ``vm.invalid``.

    A bare did:key or did:jwk stands for its only key; every other URL needs a fragment.
    """
    if not isinstance(vm_url, str) or not vm_url:
        raise _invalid("verificationMethod is missing or not a string", vm_url)
    if _NOT_URL_CHAR.search(vm_url) is not None:
        raise _invalid("verificationMethod is not a URL", vm_url)
    base, sep, fragment = vm_url.partition("#")
    if sep and not fragment:
        raise _invalid("verificationMethod has an empty fragment", vm_url)
    if base.startswith("did:"):
        try:
            method = did_method(base)
        except DidError as exc:
            raise _invalid("verificationMethod is not a DID URL", vm_url) from exc
        if not sep:
            if method == "key":
                return base, base.rsplit(":", 1)[1]
            if method == "jwk":
                return base, "0"
            raise _invalid("verificationMethod DID URL has no fragment", vm_url)
        return base, fragment
    if base.lower().startswith(("https://", "http://")) and len(base) > len("https://"):
        if not sep:
            raise _invalid("verificationMethod URL has no fragment", vm_url)
        return base, fragment
    raise _invalid("verificationMethod is relative or not a DID/https URL", vm_url)


def _controller_document(url: str, fetcher: Fetcher | None) -> DidDocument:
    if fetcher is None:
        raise FetchError("fetch.not_allowed", "no fetcher for controller documents",
                         details={"url": url})
    response = fetcher.fetch(url, accept=CONTROLLER_DOCUMENT_ACCEPT,
                             max_bytes=MAX_CONTROLLER_DOCUMENT_BYTES)
    try:
        data = loads(response.body, max_bytes=MAX_CONTROLLER_DOCUMENT_BYTES)
    except ParseError as exc:
        raise DidError("did.invalid_document", f"controller document at {url} is not JSON",
                       details={"url": url, "cause": exc.code}) from exc
    document = DidDocument.from_json(data)
    if document.id != url:
        raise DidError("did.document_mismatch", f"document at {url} is for {document.id}",
                       details={"url": url, "document_id": document.id})
    return document


def resolve_verification_method(
    vm_url: object,
    *,
    resolver: DidResolver,
    fetcher: Fetcher | None,
    purpose: str,
    expected_controller: str | None,
) -> VerificationMethod:
    """The verification method ``vm_url`` names, once it is proven usable for ``purpose``.

    Raises ``vm.invalid``, ``vm.fragment_mismatch``, ``vm.controller_mismatch``,
    ``vm.not_found``, ``vm.not_authorized``, ``vm.unsupported_type``, or the ``did.*``,
    ``key.*`` and ``fetch.*`` errors of resolving the controller document.
    """
    if purpose not in RELATIONSHIPS:
        raise ValueError(f"unknown proof purpose relationship {purpose!r}")
    base, fragment = split_verification_method(vm_url)
    if expected_controller is not None and base != expected_controller:
        raise DidError("vm.controller_mismatch",
                       f"key belongs to {base}, not to {expected_controller}",
                       details={"controller": base, "expected": expected_controller})
    if base.startswith("did:"):
        if did_method(base) == "key" and fragment != base.rsplit(":", 1)[1]:
            raise DidError("vm.fragment_mismatch", "did:key fragment is not the key",
                           details={"verificationMethod": str(vm_url)})
        document = resolver.resolve(base)
        if document.id != base:
            raise DidError("did.document_mismatch", f"resolved document is for {document.id}",
                           details={"did": base, "document_id": document.id})
    else:
        document = _controller_document(base, fetcher)
    vm_id = f"{base}#{fragment}"
    method = document.get_verification_method(vm_id)
    if method.controller != document.id:
        raise DidError("vm.controller_mismatch",
                       f"{vm_id} names {method.controller} as controller, not {document.id}",
                       details={"controller": method.controller, "expected": document.id})
    if not document.is_authorized(vm_id, purpose):
        raise DidError("vm.not_authorized", f"{vm_id} is not listed under {purpose}",
                       details={"verificationMethod": vm_id, "purpose": purpose})
    return method
