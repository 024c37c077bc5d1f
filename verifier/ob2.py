"""Open Badges 2.0: loading and authenticating hosted and signed assertions.

OB 2.0 predates Verifiable Credentials. Its assertions are authenticated in one of two ways:

* **hosted** — the assertion lives at its own ``id`` URL on a server the issuer controls. Having
  a copy proves nothing; the copy at the URL is the assertion, so it is always fetched, its ``id``
  must be that URL, and the URL must be in the scope the issuer's Profile allows
  (``verification.allowedOrigins`` / ``startsWith``, by default the Profile's own origin). A copy
  handed over (a file, a baked image) must say nothing the hosted one does not
  (``openbadges.hosted_mismatch``). A ``410 Gone`` answer is how issuers revoke a hosted assertion.
* **signed** — a compact JWS (RS256 only) whose payload is the assertion. The key comes from the
  issuer Profile's ``publicKey``, never from the JWS header, must be published on the issuer's
  own origin, and a key document fetched from its id must name the issuer as its ``owner``.

Everything that grants authority — the issuer's identity, ``verification`` policy, ``publicKey``
list and ``revocationList`` — is read from the issuer Profile *fetched from its own id*, never
from a copy embedded in the assertion or BadgeClass: those are written by whoever hands the badge
over. The BadgeClass is fetched from its id too. An embedded BadgeClass or Profile is accepted
only when everything it states is what the published document states
(``openbadges.embedded_mismatch``); a BadgeClass without an http(s) id (an "ephemeral" one,
which the spec allows inside a signed assertion) is covered by the assertion's own
authentication. The issuer Profile has no such exception: without a published Profile there is
nobody to authenticate against.

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
from .jose import check_algorithm, check_crit, parse_compact
from .json_reader import loads
from .multibase import b64url_decode

if TYPE_CHECKING:  # ``cryptography`` is imported only when an RS256 assertion is checked
    from cryptography.hazmat.primitives.asymmetric import rsa

OB2_CONTEXT = "https://w3id.org/openbadges/v2"
_VC_CONTEXTS = frozenset({"https://www.w3.org/2018/credentials/v1", "https://www.w3.org/ns/credentials/v2"})
_ACCEPT = "application/ld+json, application/json;q=0.9"
#: Cap on a signed assertion (the JWS text) and on each fetched OB 2.0 document.
MAX_DOCUMENT_BYTES = 1024 * 1024
#: RSA keys below this size are refused.
MIN_RSA_BITS = 2048
#: An issuer listing more keys than this is refused rather than tried one by one.
MAX_ISSUER_KEYS = 16
#: The only signature algorithm of OB 2.0 signed assertions this verifier accepts.
SIGNED_ALGS = ("RS256",)

HOSTED_MISMATCH = "openbadges.hosted_mismatch"
EMBEDDED_MISMATCH = "openbadges.embedded_mismatch"


@dataclass(frozen=True)
class Ob2Bundle:
    """An authenticated assertion with its published BadgeClass and issuer Profile.

    ``verification`` says how it was authenticated. For signed assertions ``jws`` is the
    compact token and ``key_id`` the id of the CryptographicKey whose signature verified.
    ``badge_class`` and ``issuer`` are the documents fetched from their ids (or, for an
    ephemeral BadgeClass, the one inside the authenticated assertion).
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
    """A hosted assertion its issuer has withdrawn: the URL answered ``410 Gone`` (``status``
    410), or answered with a stripped-down body saying ``"revoked": true`` (``status`` 200).

    Nothing else is known about it: the assertion body is gone, so it cannot be shown or trusted.
    """

    url: str
    status: int = 410
    reason: str | None = None


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def is_ob2(obj: Any) -> bool:
    """True for an object that declares the OB 2.0 context and the ``Assertion`` type."""
    if not isinstance(obj, Mapping):
        return False
    return OB2_CONTEXT in _as_list(obj.get("@context")) and "Assertion" in _as_list(obj.get("type"))


def is_signed_assertion_token(token: str) -> bool:
    """True when a compact JWS carries an OB 2.0 assertion rather than a VC (routing only).

    The payload is decoded, not verified: an OB 2.0 assertion declares the OB v2 context and
    the ``Assertion`` type, and has neither a ``vc``/``vp`` claim nor a VC base context. A
    token matching both readings is left to the VC-JWT path. Never raises.
    """
    parts = token.split(".") if isinstance(token, str) and len(token) <= MAX_DOCUMENT_BYTES * 2 else []
    if len(parts) != 3 or not parts[1]:
        return False
    try:
        payload = loads(b64url_decode(parts[1]), max_bytes=MAX_DOCUMENT_BYTES * 2)
    except VCError:
        return False
    if not is_ob2(payload) or "vc" in payload or "vp" in payload:
        return False
    return not any(c in _VC_CONTEXTS for c in _as_list(payload.get("@context")) if isinstance(c, str))


def _is_http_url(value: Any) -> bool:
    if not isinstance(value, str) or any(c.isspace() for c in value):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("https", "http") and bool(parts.hostname)


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:  # a port that is not a number: no origin matches it
        return scheme, "", -1
    return scheme, (parts.hostname or "").lower(), port or (443 if scheme == "https" else 80)


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


def _published(value: Any, fetcher: Fetcher, what: str, path: str, *,
               ephemeral_ok: bool) -> dict[str, Any]:
    """The document a link names, as published at its id.

    A URL is fetched. An embedded object with an http(s) ``id`` is fetched from that id too (the
    caller then checks the embedded copy against it). An embedded object without one is used as
    is only where ``ephemeral_ok`` (it is then covered by the assertion's authentication).
    """
    if isinstance(value, str):
        if not _is_http_url(value):
            raise FormatError("openbadges.invalid", f"the {what} reference is not an http(s) URL",
                              path=path)
        return _fetch_json(value, fetcher, what)
    if isinstance(value, dict):
        ident = value.get("id")
        if _is_http_url(ident):
            return _fetch_json(str(ident), fetcher, what)
        if ephemeral_ok:
            return value
        raise FormatError("openbadges.invalid", f"the {what} must be published at an http(s) id, "
                          "so it can be fetched from its owner", path=f"{path}.id")
    raise FormatError("openbadges.invalid", f"the {what} is missing or not a URL or object", path=path)


def _consistent(given: Any, published: Any, known: Mapping[str, Mapping[str, Any]]) -> bool:
    """True when ``given`` states nothing that ``published`` does not.

    Objects: every member of ``given`` is in ``published`` with a consistent value (members the
    copy leaves out are fine: it claims nothing there). Arrays: the same length, item by item.
    Scalars: equal and of the same JSON type (``true`` is not ``1``). A node embedded on one side
    and named by its id on the other is compared with the published document of that id when
    one was fetched (``known``); an embedded node whose document was not fetched is unconfirmed.
    """
    if isinstance(given, dict):
        if isinstance(published, str):
            target = known.get(published)
            return given.get("id") == published and target is not None and _consistent(given, target, known)
        if not isinstance(published, dict):
            return False
        return all(key in published and _consistent(value, published[key], known)
                   for key, value in given.items())
    if isinstance(given, str) and isinstance(published, dict):
        return published.get("id") == given
    if isinstance(given, list):
        return (isinstance(published, list) and len(given) == len(published)
                and all(_consistent(g, p, known) for g, p in zip(given, published, strict=True)))
    return type(given) is type(published) and given == published


def _require_consistent(given: Any, published: Mapping[str, Any], known: Mapping[str, Mapping[str, Any]],
                        what: str, path: str, code: str = EMBEDDED_MISMATCH) -> None:
    if not _consistent(given, dict(published), known):
        raise FormatError(code, f"the {what} given here differs from the one published at "
                          f"{published.get('id')}; only the published one counts",
                          path=path, details={"id": str(published.get("id"))})


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


def _badge_and_issuer(assertion: Mapping[str, Any], fetcher: Fetcher
                      ) -> tuple[dict[str, Any], dict[str, Any], dict[str, Mapping[str, Any]]]:
    """The published BadgeClass and issuer Profile of ``assertion``, and both by id.

    Embedded copies (the BadgeClass in the assertion, a Profile in the BadgeClass) must be
    consistent with what was fetched; only the fetched documents are returned.
    """
    badge_ref = assertion.get("badge")
    badge_class = _published(badge_ref, fetcher, "BadgeClass", "$.badge", ephemeral_ok=True)
    issuer_ref = badge_class.get("issuer")
    issuer = _published(issuer_ref, fetcher, "issuer Profile", "$.badge.issuer", ephemeral_ok=False)
    known: dict[str, Mapping[str, Any]] = {str(issuer["id"]): issuer}
    if isinstance(badge_class.get("id"), str):
        known.setdefault(str(badge_class["id"]), badge_class)
    if isinstance(badge_ref, dict) and badge_ref is not badge_class:
        _require_consistent(badge_ref, badge_class, known, "BadgeClass", "$.badge")
    if isinstance(issuer_ref, dict):
        _require_consistent(issuer_ref, issuer, known, "issuer Profile", "$.badge.issuer")
    return badge_class, issuer, known


def _host_allowed(url: str, allowed: list[Any]) -> bool:
    """``allowedOrigins`` lists host names (RFC 3986 reg-name); ``host:port`` also matches."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    try:
        host_port = f"{host}:{parts.port}" if parts.port else host
    except ValueError:
        return False
    return any(isinstance(entry, str) and entry.strip().lower() in (host, host_port) for entry in allowed)


def _prefix_allowed(url: str, prefixes: list[Any]) -> bool:
    """``startsWith`` prefixes; a prefix must also share the URL's origin, so that
    ``https://example.org`` does not admit ``https://example.org.attacker.example/``."""
    return any(isinstance(prefix, str) and _is_http_url(prefix) and url.startswith(prefix)
               and _origin(prefix) == _origin(url) for prefix in prefixes)


def _check_hosted_origin(assertion_id: str, issuer: Mapping[str, Any]) -> None:
    """The assertion URL must be somewhere the (fetched) issuer Profile allows assertions to live.

    The Profile may say so with ``verification.allowedOrigins`` (host names) and/or
    ``verification.startsWith`` (URL prefixes); both apply when both are given. Without either,
    the assertion must share the Profile ``id``'s origin (scheme, host and port).
    """
    policy = issuer.get("verification")
    policy = policy if isinstance(policy, dict) else {}
    details = {"assertion": assertion_id, "issuer": str(issuer.get("id"))}
    prop = policy.get("verificationProperty")
    if prop is not None and prop not in ("id", "@id"):
        raise FormatError("openbadges.origin_mismatch", "the issuer's verificationProperty is not id, "
                          "the only one defined", path="$.badge.issuer.verification.verificationProperty",
                          details=details)
    origins, prefixes = policy.get("allowedOrigins"), policy.get("startsWith")
    if origins is not None and not _host_allowed(assertion_id, _as_list(origins)):
        raise FormatError("openbadges.origin_mismatch",
                          "the assertion host is not in the issuer's allowedOrigins", details=details)
    if prefixes is not None and not _prefix_allowed(assertion_id, _as_list(prefixes)):
        raise FormatError("openbadges.origin_mismatch",
                          "the assertion URL does not start with an issuer-allowed prefix", details=details)
    if origins is None and prefixes is None and _origin(str(issuer.get("id"))) != _origin(assertion_id):
        raise FormatError("openbadges.origin_mismatch",
                          "the assertion is not hosted on the issuer's origin", details=details)


def load_hosted_assertion(url_or_obj: str | Mapping[str, Any],
                          fetcher: Fetcher) -> Ob2Bundle | Ob2Revoked:
    """Fetch and authenticate a hosted OB 2.0 assertion, with its BadgeClass and issuer.

    Given an object (for example JSON baked into an image), its ``id`` URL is fetched and the
    fetched copy is what is returned; the object must be consistent with it
    (``openbadges.hosted_mismatch``). A ``410`` answer, or a body that only says it is revoked,
    returns :class:`Ob2Revoked`. Other fetch failures raise ``FetchError``; an ``id`` that is
    not the URL raises ``openbadges.id_mismatch``; a URL off the issuer's allowed scope raises
    ``openbadges.origin_mismatch``; embedded copies that differ from the published BadgeClass or
    Profile raise ``openbadges.embedded_mismatch``.
    """
    given: Mapping[str, Any] | None = None
    if isinstance(url_or_obj, str):
        url = url_or_obj.strip()
    elif isinstance(url_or_obj, Mapping):
        if _verification_type(url_or_obj) != "hosted":
            raise FormatError("openbadges.invalid", "a signed assertion is verified from its JWS",
                              path="$.verification.type")
        ident = url_or_obj.get("id")
        url = ident if isinstance(ident, str) else ""
        given = url_or_obj
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
    if assertion.get("revoked") is True and "badge" not in assertion:
        # The spec lets issuers strip a revoked hosted assertion down to id and revoked.
        reason = assertion.get("revocationReason")
        return Ob2Revoked(url=url, status=200, reason=reason if isinstance(reason, str) else None)
    if _verification_type(assertion) != "hosted":
        raise FormatError("openbadges.invalid", "the hosted document says it is a signed assertion",
                          path="$.verification.type")
    badge_class, issuer, known = _badge_and_issuer(assertion, fetcher)
    _check_hosted_origin(url, issuer)
    if given is not None:
        _require_consistent(dict(given), assertion, known, "assertion", "$", HOSTED_MISMATCH)
    return Ob2Bundle(assertion=assertion, badge_class=badge_class, issuer=issuer, verification="hosted")


# --- signed ------------------------------------------------------------------------------------


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


def _on_issuer_origin(key_id: Any, issuer_id: str) -> bool:
    return _is_http_url(key_id) and _origin(str(key_id)) == _origin(issuer_id)


def _issuer_keys(issuer: Mapping[str, Any], creator: str | None,
                 fetcher: Fetcher) -> list[tuple[str, rsa.RSAPublicKey]]:
    """The issuer's keys that may have signed: the ``creator`` only, or every listed key.

    Only the fetched Profile's ``publicKey`` counts. A key must have an http(s) id on the
    issuer's origin; a key listed by URL is fetched and its ``owner`` must be the issuer (the
    two-way link the spec asks for); a key embedded in the Profile is the issuer's by being
    published there, and a stated ``owner`` must still be the issuer.
    """
    issuer_id = str(issuer["id"])
    details = {"issuer": issuer_id, "creator": str(creator)}
    if creator is not None and not _on_issuer_origin(creator, issuer_id):
        raise ProofError("jwt.untrusted_key", "verification.creator is not on the issuer's origin",
                         path="$.verification.creator", details=details)
    listed = _as_list(issuer.get("publicKey"))
    if not listed:
        raise ProofError("jwt.untrusted_key", "the issuer Profile lists no publicKey",
                         path="$.badge.issuer.publicKey", details=details)
    if len(listed) > MAX_ISSUER_KEYS:
        raise ProofError("jwt.untrusted_key", f"the issuer lists more than {MAX_ISSUER_KEYS} keys",
                         details=details)
    keys: list[tuple[str, rsa.RSAPublicKey]] = []
    for entry in listed:
        if not isinstance(entry, (str, dict)):
            raise ProofError("jwt.untrusted_key", "an issuer publicKey entry is not a URL or object")
        key_id = entry if isinstance(entry, str) else entry.get("id")
        if creator is not None and key_id != creator:
            continue
        if not _on_issuer_origin(key_id, issuer_id):
            continue  # never trusted; reported below when nothing else is left
        if isinstance(entry, str):
            document = _fetch_json(entry, fetcher, "CryptographicKey")
            owner_required = True
        else:
            document, owner_required = entry, False
        owner = document.get("owner")
        if (owner_required or owner is not None) and owner != issuer_id:
            raise ProofError("jwt.untrusted_key", "the key's owner is not the issuer",
                             details={"key": str(key_id), "owner": str(owner), "issuer": issuer_id})
        keys.append((str(key_id), _rsa_key(document, str(key_id))))
    if not keys:
        message = ("verification.creator is not one of the issuer's keys" if creator is not None
                   else "the issuer Profile lists no key on its own origin")
        raise ProofError("jwt.untrusted_key", message, path="$.verification.creator", details=details)
    return keys


def _signed_payload(jws: str) -> tuple[str, dict[str, Any], bytes, bytes]:
    """Split and check a compact JWS: RS256 only (before anything else), no ``crit``, JSON body."""
    if not isinstance(jws, str):
        raise ProofError("jwt.malformed", "a signed assertion is a compact JWS string")
    token = jws.strip()
    parsed = parse_compact(token, max_chars=MAX_DOCUMENT_BYTES, json_payload=False)
    check_algorithm(parsed.header, SIGNED_ALGS)  # none, HS256 (key confusion), ES256… stop here
    check_crit(parsed.header)
    if not parsed.payload_bytes or not parsed.signature:
        raise ProofError("jwt.malformed", "the JWS payload or signature is empty")
    try:
        assertion = loads(parsed.payload_bytes, max_bytes=MAX_DOCUMENT_BYTES)
    except VCError as exc:
        raise ProofError("jwt.malformed", "the JWS payload is not strict JSON") from exc
    if not isinstance(assertion, dict):
        raise ProofError("jwt.malformed", "the JWS payload is not a JSON object")
    return token, assertion, parsed.signing_input, parsed.signature


def verify_signed_assertion(jws: str, fetcher: Fetcher) -> Ob2Bundle:
    """Verify a signed (JWS, RS256) OB 2.0 assertion against its issuer's published key.

    The algorithm must be RS256 (``jwt.algorithm_not_allowed`` otherwise, checked before
    anything is fetched). The key is taken from the fetched issuer Profile's ``publicKey`` —
    restricted to ``verification.creator`` when that is given — and never from the JWS header.
    """
    token, assertion, signing_input, signature = _signed_payload(jws)
    if _verification_type(assertion) != "signed":
        raise FormatError("openbadges.invalid", "the signed payload does not say it is a signed assertion",
                          path="$.verification.type")
    creator = assertion["verification"].get("creator")
    if creator is not None and not _is_http_url(creator):
        raise FormatError("openbadges.invalid", "verification.creator is not an http(s) URL",
                          path="$.verification.creator")
    badge_class, issuer, _ = _badge_and_issuer(assertion, fetcher)
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    for key_id, key in _issuer_keys(issuer, creator, fetcher):
        try:
            key.verify(signature, signing_input, padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            continue
        return Ob2Bundle(assertion=assertion, badge_class=badge_class, issuer=issuer,
                         verification="signed", jws=token, key_id=key_id)
    raise ProofError("jwt.invalid_signature", "the signature does not verify with the issuer's key")
