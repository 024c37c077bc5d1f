"""DIDs and controller documents: resolution and the verification-method trust checks."""

from .document import DidDocument, VerificationMethod
from .jwk import JwkDidResolver, did_jwk_from_key, resolve_did_jwk
from .key import KeyDidResolver, did_key_document_json, parse_did_key, resolve_did_key
from .resolver import CachingResolver, DidResolver, Resolver, default_resolver, did_method
from .verification_method import resolve_verification_method, split_verification_method
from .web import WebDidResolver, did_web_url, resolve_did_web

__all__ = [
    "CachingResolver",
    "DidDocument",
    "DidResolver",
    "JwkDidResolver",
    "KeyDidResolver",
    "Resolver",
    "VerificationMethod",
    "WebDidResolver",
    "default_resolver",
    "did_jwk_from_key",
    "did_key_document_json",
    "did_method",
    "did_web_url",
    "parse_did_key",
    "resolve_did_jwk",
    "resolve_did_key",
    "resolve_did_web",
    "resolve_verification_method",
    "split_verification_method",
]
