"""The ``format`` check: does a credential or presentation follow the W3C VC Data Model?

This runs on plain JSON, before and independently of JSON-LD processing, so a broken document is
rejected with a precise JSON path instead of an obscure expansion error, and so the user sees
*every* shape problem at once (``details["problems"]``), not just the first.

The version is read from the first ``@context`` entry: ``https://www.w3.org/2018/credentials/v1``
means VCDM 1.1 (``issuanceDate`` required, status/refresh need an ``id``),
``https://www.w3.org/ns/credentials/v2`` means VCDM 2.0 (``validFrom``/``validUntil`` as XML Schema
``dateTimeStamp``, ``relatedResource`` digests).

What this module does not decide: whether contexts are pinned, whether an inline context redefines
a protected term, or whether a term is undefined. Those need JSON-LD processing and belong to the
``context`` check (:mod:`.context`) and to canonicalization's safe mode.

Codes: ``format.invalid_context``, ``format.invalid_type``, ``format.invalid_issuer``,
``format.invalid_subject``, ``format.invalid_identifier``, ``format.invalid_property`` and, for
presentations, ``presentation.invalid``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from ..data_model import (
    ENVELOPED,
    NOT_IN_URI,
    VC_V1,
    VC_V2,
    VERSIONS,
    as_list,
    child,
    entries,
    is_compact_jwt,
    is_language_value,
    is_type_value,
    is_url,
    parse_date_time,
    type_names,
)
from ..errors import KeyFormatError
from ..multibase import b64url_decode, decode_base58btc
from ..report import CheckResult
from .results import Findings

#: Fetches the bytes of a related resource by URL, or ``None`` when it is not available offline.
ResourceLoader = Callable[[str], bytes | None]

# -- the format check --------------------------------------------------------------------------

#: Properties whose every entry must say its ``type`` (VCDM 1.1 and 2.0), with the ones that
#: must also carry an ``id`` per version.
TYPED_PROPERTIES = ("credentialStatus", "credentialSchema", "refreshService", "termsOfUse", "evidence")
ID_REQUIRED = {
    "1.1": {"credentialStatus", "credentialSchema", "refreshService"},
    "2.0": {"credentialSchema"},
}
_BASE_TYPE = {"credential": "VerifiableCredential", "presentation": "VerifiablePresentation"}


def check_format(document: Mapping[str, Any], *, kind: str = "credential",
                 resources: ResourceLoader | None = None) -> CheckResult:
    """Check ``document`` against the VC Data Model; the result has id ``"format"``.

    ``kind`` is ``"credential"`` or ``"presentation"``. ``resources``, when given, fetches the
    bytes behind each ``relatedResource`` id so its digest can be compared; without it only the
    digest's syntax is checked. Never raises for bad input.
    """
    if kind not in _BASE_TYPE:
        raise ValueError(f"kind must be 'credential' or 'presentation', not {kind!r}")
    found = Findings()
    if not isinstance(document, Mapping):
        found.add("format.invalid_type", "$", f"a {kind} must be a JSON object")
        return found.result("format", "", {"version": None})
    version = _check_context(document, found)
    rules = version or _guess_version(document)
    _check_type(document.get("type"), "$.type", _BASE_TYPE[kind], kind, found, present="type" in document)
    _check_id(document, "$", found)
    if kind == "credential":
        _check_issuer(document, found)
        _check_subject(document, found)
        _check_dates(document, rules, found)
        _check_language_value(document, "$", "format.invalid_property", found)
        for name in TYPED_PROPERTIES:
            _check_typed(document, name, ID_REQUIRED.get(rules or "", set()), found)
        _check_related_resources(document, resources, found)
    else:
        _check_holder(document, found)
        _check_embedded_credentials(document, version, found)
    _check_proof_types(document, found)
    label = "VC Data Model " + (version or "?")
    return found.result("format", f"the {kind} follows the {label}", {"version": version})


def _guess_version(document: Mapping[str, Any]) -> str | None:
    """When the first context is wrong, still apply the rules of whichever base context appears."""
    ctx = as_list(document.get("@context"))
    return "2.0" if VC_V2 in ctx else "1.1" if VC_V1 in ctx else None


def _check_context(document: Mapping[str, Any], found: Findings) -> str | None:
    if "@context" not in document:
        found.add("format.invalid_context", "$.@context",
                  f"@context is missing; it must start with {VC_V2} (or {VC_V1})")
        return None
    ctx = document["@context"]
    items = ctx if isinstance(ctx, list) else [ctx]
    if not items:
        found.add("format.invalid_context", "$.@context", "@context is an empty list")
        return None
    version = VERSIONS.get(items[0]) if isinstance(items[0], str) else None
    if version is None:
        found.add("format.invalid_context", "$.@context[0]" if isinstance(ctx, list) else "$.@context",
                  f"the first @context entry must be {VC_V2} (or {VC_V1} for VCDM 1.1)")
    for i, item in enumerate(items):
        where = child("$.@context", i) if isinstance(ctx, list) else "$.@context"
        if isinstance(item, str):
            if not is_url(item):
                found.add("format.invalid_context", where, f"@context entry {item!r} is not a URL")
            elif i > 0 and item in VERSIONS:
                found.add("format.invalid_context", where, "the VC base context may only appear first")
        elif isinstance(item, dict):
            _check_inline_context(item, where, found)
        else:
            found.add("format.invalid_context", where,
                      "a @context entry must be a URL or an object, not " + type(item).__name__)
    return version


def _check_inline_context(context: Mapping[str, Any], path: str, found: Findings) -> None:
    """Term definitions must map to IRIs; whitespace in an IRI can never be right."""
    for term, definition in context.items():
        target = definition.get("@id") if isinstance(definition, dict) else definition
        if term.startswith("@") or not isinstance(target, str) or target.startswith("@"):
            continue
        if NOT_IN_URI.search(target):
            found.add("format.invalid_context", child(path, term),
                      f"the inline context maps {term!r} to {target!r}, which is not an IRI")


def _check_type(value: Any, path: str, required: str, what: str, found: Findings, *,
                present: bool, code: str = "format.invalid_type") -> None:
    if not present or value is None:
        found.add(code, path, f"the {what} has no type; it must include {required}")
        return
    for item_path, item in entries(value, path):
        if not isinstance(item, str) or not item:
            found.add(code, item_path, "type entries must be non-empty strings")
            return
    if required not in as_list(value):
        found.add(code, path, f"the {what}'s type must include {required}")


def _check_id(obj: Mapping[str, Any], path: str, found: Findings) -> None:
    if "id" not in obj:
        return
    value = obj["id"]
    where = child(path, "id")
    if isinstance(value, list):
        found.add("format.invalid_identifier", where, "id must be a single URL, not a list")
    elif not is_url(value):
        found.add("format.invalid_identifier", where, f"id {value!r} is not a URL")


def _check_issuer(document: Mapping[str, Any], found: Findings) -> None:
    if "issuer" not in document:
        found.add("format.invalid_issuer", "$.issuer", "the credential does not name its issuer")
        return
    issuer = document["issuer"]
    if isinstance(issuer, str):
        if not is_url(issuer):
            found.add("format.invalid_issuer", "$.issuer", f"issuer {issuer!r} is not a URL")
        return
    if not isinstance(issuer, dict):
        found.add("format.invalid_issuer", "$.issuer", "issuer must be a URL or an object with an id")
        return
    issuer_id = issuer.get("id")
    if not isinstance(issuer_id, str) or not is_url(issuer_id):
        found.add("format.invalid_issuer", "$.issuer.id",
                  "the issuer object needs an id that is a URL" if "id" in issuer
                  else "the issuer object has no id")
    _check_language_value(issuer, "$.issuer", "format.invalid_issuer", found)


def _check_language_value(obj: Mapping[str, Any], path: str, code: str, found: Findings) -> None:
    for key in ("name", "description"):
        if key in obj and not is_language_value(obj[key]):
            found.add(code, child(path, key),
                      f"{key} must be a string or a language value (@value, @language, @direction)")


def _check_subject(document: Mapping[str, Any], found: Findings) -> None:
    if "credentialSubject" not in document:
        found.add("format.invalid_subject", "$.credentialSubject", "the credential has no credentialSubject")
        return
    subject = document["credentialSubject"]
    if isinstance(subject, list) and not subject:
        found.add("format.invalid_subject", "$.credentialSubject", "credentialSubject is an empty list")
        return
    for path, item in entries(subject, "$.credentialSubject"):
        if not isinstance(item, dict):
            found.add("format.invalid_subject", path, "a credentialSubject must be an object")
        elif not item:
            found.add("format.invalid_subject", path, "a credentialSubject must make at least one claim")
        else:
            _check_id(item, path, found)


_DATE_FIELDS = (("validFrom", True), ("validUntil", True), ("issuanceDate", False), ("expirationDate", False))


def _check_dates(document: Mapping[str, Any], version: str | None, found: Findings) -> None:
    if version == "1.1" and "issuanceDate" not in document:
        found.add("format.invalid_property", "$.issuanceDate", "a VCDM 1.1 credential needs an issuanceDate")
    parsed: dict[str, datetime] = {}
    for name, stamp in _DATE_FIELDS:
        if name not in document:
            continue
        try:
            parsed[name] = parse_date_time(document[name], require_timezone=stamp)
        except ValueError as exc:
            found.add("format.invalid_property", child("$", name), f"{name}: {exc}")
    for start, end in (("validFrom", "validUntil"), ("issuanceDate", "expirationDate")):
        if start in parsed and end in parsed and parsed[start] > parsed[end]:
            found.add("format.invalid_property", child("$", end), f"{end} is earlier than {start}")


def _check_typed(document: Mapping[str, Any], name: str, needs_id: set[str], found: Findings) -> None:
    if name not in document:
        return
    value = document[name]
    if value is None or value == []:
        found.add("format.invalid_property", child("$", name), f"{name} is empty")
        return
    for path, item in entries(value, child("$", name)):
        if not isinstance(item, dict):
            found.add("format.invalid_property", path, f"each {name} entry must be an object")
            continue
        if not is_type_value(item.get("type")):
            found.add("format.invalid_property", child(path, "type"),
                      f"each {name} entry must say its type (a string or list of strings)")
        if "id" in item:
            _check_id(item, path, found)
        elif name in needs_id:
            found.add("format.invalid_property", child(path, "id"), f"each {name} entry needs an id")


def _check_proof_types(document: Mapping[str, Any], found: Findings) -> None:
    """Only the data-model rule; everything else about proofs belongs to the proof check."""
    for path, item in entries(document.get("proof"), "$.proof"):
        if isinstance(item, dict) and not (isinstance(item.get("type"), str) and item["type"]):
            found.add("format.invalid_property", child(path, "type"), "a proof must say its type")


# -- relatedResource (VCDM 2.0 section 5.3) ---------------------------------------------------

_SRI_ALGORITHMS = {"sha256": (hashlib.sha256, 32), "sha384": (hashlib.sha384, 48),
                   "sha512": (hashlib.sha512, 64)}
# multihash code -> (hash function, digest length)
_MULTIHASH = {0x12: (hashlib.sha256, 32), 0x20: (hashlib.sha384, 48), 0x13: (hashlib.sha512, 64)}


def _sri_digests(value: Any) -> list[tuple[Callable[..., Any], bytes]]:
    """Parse ``digestSRI`` (space-separated ``alg-base64`` tokens); ``ValueError`` if malformed."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError("digestSRI must be a string such as sha384-<base64>")
    digests = []
    for token in value.split():
        algorithm, _, encoded = token.partition("-")
        encoded = encoded.split("?", 1)[0]
        if algorithm not in _SRI_ALGORITHMS:
            raise ValueError(f"digestSRI algorithm {algorithm!r} is not sha256, sha384 or sha512")
        function, size = _SRI_ALGORITHMS[algorithm]
        try:
            raw = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("digestSRI is not valid base64") from None
        if len(raw) != size:
            raise ValueError(f"digestSRI {algorithm} digest must be {size} bytes, not {len(raw)}")
        digests.append((function, raw))
    return digests


def _multibase_digest(value: Any) -> tuple[Callable[..., Any], bytes]:
    """Parse ``digestMultibase`` (``u`` base64url or ``z`` base58btc of a multihash)."""
    if not isinstance(value, str) or len(value) < 2:
        raise ValueError("digestMultibase must be a multibase string")
    try:
        if value[0] == "u":
            data = b64url_decode(value[1:])
        elif value[0] == "z":
            data = decode_base58btc(value[1:])
        else:
            raise ValueError("digestMultibase must use the u (base64url) or z (base58btc) header")
    except KeyFormatError:
        raise ValueError("digestMultibase is not valid multibase") from None
    if len(data) < 2 or data[0] not in _MULTIHASH:
        raise ValueError("digestMultibase is not a sha2-256/384/512 multihash")
    function, size = _MULTIHASH[data[0]]
    if data[1] != size or len(data) != size + 2:
        raise ValueError("digestMultibase multihash has the wrong length")
    return function, data[2:]


def related_resource_matches(resource: Mapping[str, Any], content: bytes) -> bool:
    """True when ``content`` matches every digest the ``relatedResource`` entry states.

    ``digestSRI`` may list alternatives (SRI semantics: one match is enough). ``ValueError`` when
    the entry has no digest or a malformed one.
    """
    if "digestSRI" not in resource and "digestMultibase" not in resource:
        raise ValueError("relatedResource entry has no digestSRI or digestMultibase")
    if "digestSRI" in resource:
        alternatives = _sri_digests(resource["digestSRI"])
        if not any(hmac.compare_digest(f(content).digest(), d) for f, d in alternatives):
            return False
    if "digestMultibase" in resource:
        function, digest = _multibase_digest(resource["digestMultibase"])
        if not hmac.compare_digest(function(content).digest(), digest):
            return False
    return True


def _check_related_resources(document: Mapping[str, Any], resources: ResourceLoader | None,
                             found: Findings) -> None:
    if "relatedResource" not in document:
        return
    seen: set[str] = set()
    value = document["relatedResource"]
    if value is None or value == []:
        found.add("format.invalid_property", "$.relatedResource", "relatedResource is empty")
        return
    for path, item in entries(value, "$.relatedResource"):
        if not isinstance(item, dict):
            found.add("format.invalid_property", path, "each relatedResource entry must be an object")
            continue
        resource_id = item.get("id")
        if "id" not in item:
            found.add("format.invalid_property", child(path, "id"), "a relatedResource entry needs an id")
        elif not is_url(resource_id):
            found.add("format.invalid_identifier", child(path, "id"), f"id {resource_id!r} is not a URL")
        elif resource_id in seen:
            found.add("format.invalid_property", child(path, "id"),
                      f"relatedResource id {resource_id!r} appears more than once")
        if isinstance(resource_id, str):
            seen.add(resource_id)
        if "digestSRI" not in item and "digestMultibase" not in item:
            found.add("format.invalid_property", path,
                      "a relatedResource entry needs digestSRI or digestMultibase")
            continue
        try:
            if "digestSRI" in item:
                _sri_digests(item["digestSRI"])
            if "digestMultibase" in item:
                _multibase_digest(item["digestMultibase"])
        except ValueError as exc:
            found.add("format.invalid_property", path, str(exc))
            continue
        content = resources(resource_id) if resources is not None and isinstance(resource_id, str) else None
        if content is not None and not related_resource_matches(item, content):
            found.add("format.invalid_property", path,
                      f"the content of {resource_id} does not match the stated digest")




# -- presentations ---------------------------------------------------------------------------

def _check_holder(document: Mapping[str, Any], found: Findings) -> None:
    if "holder" not in document:
        return
    holder = document["holder"]
    if isinstance(holder, dict):
        if not is_url(holder.get("id")):
            found.add("presentation.invalid", "$.holder.id",
                      "the holder object needs an id that is a URL" if "id" in holder
                      else "the holder object has no id")
        _check_language_value(holder, "$.holder", "presentation.invalid", found)
    elif not is_url(holder):
        found.add("presentation.invalid", "$.holder", "holder must be a URL or an object with an id")


def _check_embedded_credentials(document: Mapping[str, Any], version: str | None, found: Findings) -> None:
    """Shape only: each entry is a credential object, an enveloped credential, or (VCDM 1.1) a JWT.

    The credentials themselves get their own full report from the verifier.
    """
    if "verifiableCredential" not in document:
        return
    for path, item in entries(document["verifiableCredential"], "$.verifiableCredential"):
        if isinstance(item, str):
            if version == "2.0":
                found.add("presentation.invalid", path,
                          "VCDM 2.0 embeds credentials as objects; wrap a JWT in an "
                          "EnvelopedVerifiableCredential")
            elif not is_compact_jwt(item):
                found.add("presentation.invalid", path,
                          "a credential given as a string must be a compact JWT")
            continue
        if not isinstance(item, dict):
            found.add("presentation.invalid", path, "each verifiableCredential entry must be an object")
            continue
        types = type_names(item.get("type"))
        if ENVELOPED in types:
            if not (isinstance(item.get("id"), str) and item["id"].startswith("data:")):
                found.add("presentation.invalid", child(path, "id"),
                          "an enveloped credential's id must be a data: URL")
        elif "VerifiableCredential" not in types:
            found.add("presentation.invalid", child(path, "type"),
                      f"each verifiableCredential must have type VerifiableCredential or {ENVELOPED}")
