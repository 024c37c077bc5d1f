"""Open Badges 2.0: loading and authenticating hosted and signed assertions.

OB 2.0 predates Verifiable Credentials. Its assertions are authenticated in one of two ways:

* **hosted** — the assertion lives at its own ``id`` URL on a server the issuer controls. Having
  a copy proves nothing; the copy at the URL is the assertion, so it is always fetched, its ``id``
  must be that URL, and the URL must be on an origin the issuer's Profile allows (by default the
  Profile's own origin). A ``410 Gone`` answer is how issuers revoke a hosted assertion.
* **signed** — a compact JWS (RS256) whose payload is the assertion. The key comes from the
  issuer's Profile ``publicKey``, never from the JWS header, so a forger cannot bring their own.

This module only loads and authenticates. Whether the documents have the right shape is checked
elsewhere (``check_ob2``); here a field is read only when authentication depends on it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

from .errors import FetchError, FormatError, ProofError, VCError
from .fetch.base import Fetcher
from .json_reader import loads
from .multibase import b64url_decode

if TYPE_CHECKING:  # ``cryptography`` is imported only when an RS256 assertion is checked
    from cryptography.hazmat.primitives.asymmetric import rsa

OB2_CONTEXT = "https://w3id.org/openbadges/v2"
_ACCEPT = "application/ld+json, application/json;q=0.9"
#: Cap on a signed assertion (the JWS text) and on each fetched OB 2.0 document.
MAX_DOCUMENT_BYTES = 1024 * 1024
#: RSA keys below this size are refused.
MIN_RSA_BITS = 2048
#: An issuer listing more keys than this is refused rather than tried one by one.
MAX_ISSUER_KEYS = 16


@dataclass(frozen=True)
class Ob2Bundle:
    """An authenticated assertion with its BadgeClass and issuer Profile.

    ``verification`` says how it was authenticated. For signed assertions ``jws`` is the
    compact token and ``key_id`` the id of the CryptographicKey whose signature verified.
    """

    assertion: dict[str, Any]
    badge_class: dict[str, Any]
    issuer: dict[str, Any]
    verification: Literal["hosted", "signed"]
    jws: str | None = None
    key_id: str | None = None

    @property
    def revoked(self) -> bool:
        """True when the assertion itself says ``"revoked": true``."""
        return self.assertion.get("revoked") is True


@dataclass(frozen=True)
class Ob2Revoked:
    """The marker for a hosted assertion whose URL answered ``410 Gone`` (revoked by its issuer).

    Nothing else is known about it: the assertion body is gone, so it cannot be shown or trusted.
    """

    url: str
    status: int = 410


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def is_ob2(obj: Any) -> bool:
    """True for an object that declares the OB 2.0 context and the ``Assertion`` type."""
    if not isinstance(obj, Mapping):
        return False
    return OB2_CONTEXT in _as_list(obj.get("@context")) and "Assertion" in _as_list(obj.get("type"))


def _is_http_url(value: Any) -> bool:
    if not isinstance(value, str) or any(c.isspace() for c in value):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("https", "http") and bool(parts.netloc)


def _fetch_json(url: str, fetcher: Fetcher, what: str) -> dict[str, Any]:
    """Fetch ``url`` and parse it as a strict JSON object whose ``id`` is ``url``."""
    response = fetcher.fetch(url, accept=_ACCEPT, max_bytes=MAX_DOCUMENT_BYTES)
    data = loads(response.body, max_bytes=MAX_DOCUMENT_BYTES)
    if not isinstance(data, dict):
        raise FormatError("openbadges.invalid", f"the {what} at {url} is not a JSON object",
                          details={"url": url})
    if data.get("id") != url:
        raise FormatError("openbadges.id_mismatch", f"the {what} fetched from {url} has another id",
                          path="$.id", details={"url": url, "id": str(data.get("id"))})
    return data


def _node(value: Any, fetcher: Fetcher, what: str, path: str) -> dict[str, Any]:
    """A linked document: fetched when given as a URL, used as is when embedded."""
    if isinstance(value, str):
        if not _is_http_url(value):
            raise FormatError("openbadges.invalid", f"the {what} reference is not an http(s) URL",
                              path=path)
        return _fetch_json(value, fetcher, what)
    if isinstance(value, dict):
        return value
    raise FormatError("openbadges.invalid", f"the {what} is missing or not a URL or object", path=path)


def _verification_type(assertion: Mapping[str, Any]) -> str:
    verification = assertion.get("verification")
    kind = verification.get("type") if isinstance(verification, dict) else None
    if not isinstance(kind, str):
        raise FormatError("openbadges.invalid", "the assertion has no verification type",
                          path="$.verification.type")
    lowered = kind.lower()
    if lowered in ("hosted", "hostedbadge"):
        return "hosted"
    if lowered in ("signed", "signedbadge"):
        return "signed"
    raise FormatError("openbadges.invalid", f"unknown verification type {kind!r}",
                      path="$.verification.type")


def _badge_and_issuer(assertion: Mapping[str, Any],
                      fetcher: Fetcher) -> tuple[dict[str, Any], dict[str, Any]]:
    badge_class = _node(assertion.get("badge"), fetcher, "BadgeClass", "$.badge")
    issuer = _node(badge_class.get("issuer"), fetcher, "issuer Profile", "$.badge.issuer")
    return badge_class, issuer


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or (443 if scheme == "https" else 80)


def _check_hosted_origin(assertion_id: str, issuer: Mapping[str, Any]) -> None:
    """The assertion URL must be somewhere the issuer Profile allows assertions to live.

    The Profile may say so with ``verification.allowedOrigins`` (host names) and/or
    ``verification.startsWith`` (URL prefixes); without either, the assertion must share the
    Profile ``id``'s origin.
    """
    policy = issuer.get("verification")
    policy = policy if isinstance(policy, dict) else {}
    allowed = [str(v).lower() for v in _as_list(policy.get("allowedOrigins"))]
    prefixes = [str(v) for v in _as_list(policy.get("startsWith"))]
    details = {"assertion": assertion_id, "issuer": str(issuer.get("id"))}
    if allowed or prefixes:
        host = urlsplit(assertion_id).netloc.lower()
        if allowed and host not in allowed:
            raise FormatError("openbadges.origin_mismatch",
                              "the assertion host is not in the issuer's allowedOrigins", details=details)
        if prefixes and not any(p and assertion_id.startswith(p) for p in prefixes):
            raise FormatError("openbadges.origin_mismatch",
                              "the assertion URL does not start with an issuer-allowed prefix",
                              details=details)
        return
    issuer_id = issuer.get("id")
    if not _is_http_url(issuer_id) or _origin(str(issuer_id)) != _origin(assertion_id):
        raise FormatError("openbadges.origin_mismatch",
                          "the assertion is not hosted on the issuer's origin", details=details)


def load_hosted_assertion(url_or_obj: str | Mapping[str, Any],
                          fetcher: Fetcher) -> Ob2Bundle | Ob2Revoked:
    """Fetch and authenticate a hosted OB 2.0 assertion, with its BadgeClass and issuer.

    Given an object (for example JSON baked into an image), its ``id`` URL is fetched and the
    fetched copy is what is returned: only the hosted copy is authenticated. A ``410`` answer
    returns :class:`Ob2Revoked`. Other fetch failures raise ``FetchError``; an ``id`` that is
    not the URL raises ``openbadges.id_mismatch``; a URL off the issuer's allowed origins raises
    ``openbadges.origin_mismatch``.
    """
    if isinstance(url_or_obj, str):
        url = url_or_obj.strip()
    elif isinstance(url_or_obj, Mapping):
        if _verification_type(url_or_obj) != "hosted":
            raise FormatError("openbadges.invalid", "a signed assertion is verified from its JWS",
                              path="$.verification.type")
        ident = url_or_obj.get("id")
        url = ident if isinstance(ident, str) else ""
    else:
        raise FormatError("openbadges.invalid", "expected an assertion URL or object")
    if not _is_http_url(url):
        raise FormatError("openbadges.invalid", "a hosted assertion needs an http(s) URL id", path="$.id")
    try:
        assertion = _fetch_json(url, fetcher, "assertion")
    except FetchError as exc:
        if exc.details.get("status") == 410:
            return Ob2Revoked(url=url)
        raise
    if _verification_type(assertion) != "hosted":
        raise FormatError("openbadges.invalid", "the hosted document says it is a signed assertion",
                          path="$.verification.type")
    badge_class, issuer = _badge_and_issuer(assertion, fetcher)
    _check_hosted_origin(url, issuer)
    return Ob2Bundle(assertion=assertion, badge_class=badge_class, issuer=issuer, verification="hosted")


# --- signed ------------------------------------------------------------------------------------


def _jws_part(text: str, what: str) -> bytes:
    try:
        return b64url_decode(text)
    except VCError as exc:
        raise ProofError("jwt.malformed", f"the JWS {what} is not base64url") from exc


def _jws_json(text: str, what: str) -> dict[str, Any]:
    try:
        data = loads(_jws_part(text, what), max_bytes=MAX_DOCUMENT_BYTES)
    except VCError as exc:
        if exc.code.startswith("jwt."):
            raise
        raise ProofError("jwt.malformed", f"the JWS {what} is not strict JSON") from exc
    if not isinstance(data, dict):
        raise ProofError("jwt.malformed", f"the JWS {what} is not a JSON object")
    return data


def _rsa_key(entry: Mapping[str, Any], key_id: str) -> rsa.RSAPublicKey:
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    pem = entry.get("publicKeyPem")
    if not isinstance(pem, str):
        raise ProofError("vm.unsupported_type", f"key {key_id} has no publicKeyPem",
                         details={"key": key_id})
    try:
        key = load_pem_public_key(pem.encode("ascii"))
    except (ValueError, TypeError, UnicodeEncodeError) as exc:
        raise ProofError("vm.unsupported_type", f"key {key_id} is not a readable PEM public key",
                         details={"key": key_id}) from exc
    if not isinstance(key, rsa.RSAPublicKey):
        raise ProofError("vm.unsupported_type", f"key {key_id} is not an RSA key (RS256 needs one)",
                         details={"key": key_id})
    if key.key_size < MIN_RSA_BITS:
        raise ProofError("vm.unsupported_type", f"key {key_id} is shorter than {MIN_RSA_BITS} bits",
                         details={"key": key_id, "bits": key.key_size})
    return key


def _issuer_keys(issuer: Mapping[str, Any], creator: str | None,
                 fetcher: Fetcher) -> list[tuple[str, rsa.RSAPublicKey]]:
    """The issuer's keys that may have signed: the ``creator`` only, or every listed key."""
    listed = _as_list(issuer.get("publicKey"))
    if not listed:
        raise ProofError("jwt.untrusted_key", "the issuer Profile lists no publicKey",
                         path="$.badge.issuer.publicKey")
    if len(listed) > MAX_ISSUER_KEYS:
        raise ProofError("jwt.untrusted_key", f"the issuer lists more than {MAX_ISSUER_KEYS} keys")
    issuer_id = issuer.get("id")
    keys: list[tuple[str, rsa.RSAPublicKey]] = []
    for entry in listed:
        key_id = entry if isinstance(entry, str) else entry.get("id") if isinstance(entry, dict) else None
        if creator is not None and key_id != creator:
            continue
        if isinstance(entry, str):
            document = _node(entry, fetcher, "CryptographicKey", "$.badge.issuer.publicKey")
        elif isinstance(entry, dict):
            document = entry
        else:
            raise ProofError("jwt.untrusted_key", "an issuer publicKey entry is not a URL or object")
        owner = document.get("owner")
        if owner is not None and owner != issuer_id:
            raise ProofError("jwt.untrusted_key", "the key's owner is not the issuer",
                             details={"key": str(key_id), "owner": str(owner)})
        keys.append((str(key_id), _rsa_key(document, str(key_id))))
    if not keys:
        raise ProofError("jwt.untrusted_key", "verification.creator is not one of the issuer's keys",
                         path="$.verification.creator", details={"creator": str(creator)})
    return keys


def verify_signed_assertion(jws: str, fetcher: Fetcher) -> Ob2Bundle:
    """Verify a signed (JWS, RS256) OB 2.0 assertion against its issuer's published key.

    The algorithm must be RS256 (``jwt.algorithm_not_allowed`` otherwise, checked before
    anything is fetched). The key is taken from the issuer Profile's ``publicKey`` — restricted
    to ``verification.creator`` when that is given — and never from the JWS header.
    """
    if not isinstance(jws, str):
        raise ProofError("jwt.malformed", "a signed assertion is a compact JWS string")
    token = jws.strip()
    if len(token) > MAX_DOCUMENT_BYTES:
        raise ProofError("jwt.malformed", "the JWS is too large", details={"max_bytes": MAX_DOCUMENT_BYTES})
    parts = token.split(".")
    if len(parts) != 3 or not parts[0]:
        raise ProofError("jwt.malformed", "a compact JWS has three parts")
    header = _jws_json(parts[0], "header")
    alg = header.get("alg")
    if alg != "RS256":
        # Checked before the empty-part test so that alg "none" is named for what it is.
        raise ProofError("jwt.algorithm_not_allowed", f"OB 2.0 signed assertions use RS256, not {alg!r}",
                         details={"alg": str(alg)})
    if not parts[1] or not parts[2]:
        raise ProofError("jwt.malformed", "the JWS payload or signature is empty")
    if "crit" in header:
        raise ProofError("jwt.unsupported_crit", "the JWS has critical header parameters")
    assertion = _jws_json(parts[1], "payload")
    signature = _jws_part(parts[2], "signature")
    if _verification_type(assertion) != "signed":
        raise FormatError("openbadges.invalid", "the signed payload does not say it is a signed assertion",
                          path="$.verification.type")
    creator = assertion["verification"].get("creator")
    if creator is not None and not _is_http_url(creator):
        raise FormatError("openbadges.invalid", "verification.creator is not an http(s) URL",
                          path="$.verification.creator")
    badge_class, issuer = _badge_and_issuer(assertion, fetcher)
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    signing_input = f"{parts[0]}.{parts[1]}".encode("ascii")
    for key_id, key in _issuer_keys(issuer, creator, fetcher):
        try:
            key.verify(signature, signing_input, padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            continue
        return Ob2Bundle(assertion=assertion, badge_class=badge_class, issuer=issuer,
                         verification="signed", jws=token, key_id=key_id)
    raise ProofError("jwt.invalid_signature", "the signature does not verify with the issuer's key")
