"""Import sources: files, folders, stdin, https URLs and presentations, as credential byte blobs.

The wallet keeps the exact bytes a credential arrived in, because a re-serialised credential may
no longer verify (a JWT's signature covers its exact text; a baked image is the thing the holder
was given). So this module only *finds* blobs; it never rewrites them, with one exception:
a JSON-LD credential embedded as an object in a presentation has no bytes of its own, so it is
serialised with RFC 8785 (JCS). Its Data Integrity proof covers the RDF canonical form, which
does not change under re-serialisation, so it still verifies.

It also reads a credential *without trusting it* (:func:`view_credential`), to find its id for
duplicate detection and the fields a person recognises it by (:func:`summarize`). Nothing read
here is trusted; the verifier's report says what is true.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

from verifier import baked
from verifier.data_model import ENVELOPED, enveloped_token, type_names
from verifier.errors import FetchError, ParseError, VCError
from verifier.fetch import Fetcher
from verifier.jcs import canonicalize
from verifier.json_reader import loads
from verifier.multibase import b64url_decode, b64url_encode
from verifier.ob2 import is_ob2
from verifier.report import VerificationReport, internal_error_report
from verifier.vc_jwt import decode_vc_jwt, looks_like_jwt

#: The largest single file or response read for import.
MAX_IMPORT_BYTES = 16 * 1024 * 1024
#: The largest number of files a folder import reads.
MAX_FOLDER_FILES = 100_000
ACCEPT = ("application/vc+ld+json, application/ld+json;q=0.9, application/json;q=0.9, "
          "application/vc+jwt;q=0.8, application/dc+sd-jwt;q=0.8, image/png;q=0.7, "
          "image/svg+xml;q=0.7, */*;q=0.1")


@dataclass(frozen=True)
class ImportItem:
    """One credential found in a source, or the reason a part of the source could not be read.

    ``source`` names where the bytes came from (a path, a URL, ``-``); items unpacked from a
    presentation add ``#verifiableCredential[i]`` and set ``presentation`` to the presentation's
    source.
    """

    data: bytes
    source: str
    presentation: str | None = None
    error: VCError | None = None


@dataclass(frozen=True)
class CredentialView:
    """An unverified reading of a credential's bytes.

    ``kind``: ``json-ld``, ``ob2``, ``vc-jwt``, ``sd-jwt``, ``presentation`` or ``unknown``.
    ``container`` is ``png``/``svg`` for baked images. ``document`` is the credential as JSON
    (for a JWT its credential view, for an SD-JWT its claims with the disclosures applied).
    ``hosted_url`` is set when an image carries only the URL of a hosted OB 2.0 assertion.
    """

    kind: str
    document: dict[str, Any] | None = None
    credential_id: str | None = None
    container: str | None = None
    hosted_url: str | None = None


# -- reading sources ---------------------------------------------------------------------------


def _unreadable(source: str, exc: OSError) -> ImportItem:
    error = ParseError("parse.unknown_format", f"cannot read {source}: {exc.strerror or exc}",
                       details={"source": source})
    return ImportItem(b"", source, error=error)


def _read_file(path: Path, max_bytes: int) -> bytes:
    with open(path, "rb") as handle:
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ParseError("parse.input_too_large", f"{path} is larger than {max_bytes} bytes",
                         details={"max_bytes": max_bytes})
    return data


def folder_files(folder: Path) -> Iterator[Path]:
    """Every regular file under ``folder``, sorted, skipping hidden names and linked folders."""
    for root, dirs, names in os.walk(folder, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if not name.startswith("."):
                yield Path(root) / name


def read_source(source: str, *, fetcher: Fetcher | None = None, stdin: BinaryIO | None = None,
                max_bytes: int = MAX_IMPORT_BYTES) -> list[ImportItem]:
    """The credentials in one import source: a file, a folder, ``-`` (stdin) or an https URL.

    A missing top-level path raises ``FileNotFoundError`` (a usage error); a file in a folder
    that cannot be read becomes an item with ``error`` set, so nothing is skipped silently.
    Presentations are unpacked into their credentials.
    """
    if source == "-":
        if stdin is None:
            raise ValueError("reading '-' needs stdin")
        data = stdin.read(max_bytes + 1)
        if len(data) > max_bytes:
            error = ParseError("parse.input_too_large", f"stdin is larger than {max_bytes} bytes")
            return [ImportItem(b"", "-", error=error)]
        return expand(bytes(data), "-")
    if source.startswith(("https://", "http://")):
        return _read_url(source, fetcher, max_bytes)
    path = Path(source)
    if path.is_dir():
        items: list[ImportItem] = []
        for count, file in enumerate(folder_files(path)):
            if count == MAX_FOLDER_FILES:
                error = ParseError("parse.input_too_large", f"{source} holds more than {MAX_FOLDER_FILES} "
                                   "files; the rest were not read: import its subfolders one by one")
                items.append(ImportItem(b"", source, error=error))
                break
            items.extend(_read_path(file, max_bytes))
        return items
    if not path.exists():
        raise FileNotFoundError(f"no such file or folder: {source}")
    return _read_path(path, max_bytes)


def _read_path(path: Path, max_bytes: int) -> list[ImportItem]:
    try:
        data = _read_file(path, max_bytes)
    except ParseError as exc:
        return [ImportItem(b"", str(path), error=exc)]
    except OSError as exc:
        return [_unreadable(str(path), exc)]
    return expand(data, str(path))


def _read_url(url: str, fetcher: Fetcher | None, max_bytes: int) -> list[ImportItem]:
    if not url.startswith("https://"):
        return [ImportItem(b"", url, error=FetchError("fetch.insecure_url", "only https URLs are imported"))]
    if fetcher is None:
        return [ImportItem(b"", url, error=FetchError("fetch.not_allowed", "no fetcher is configured"))]
    try:
        response = fetcher.fetch(url, accept=ACCEPT, max_bytes=max_bytes)
    except VCError as exc:
        return [ImportItem(b"", url, error=exc)]
    if not 200 <= response.status < 300:
        error = FetchError("fetch.failed", f"{url} answered HTTP {response.status}",
                           details={"status": response.status})
        return [ImportItem(b"", url, error=error)]
    return expand(bytes(response.body), url)


# -- one bad input never hurts the next ----------------------------------------------------------

_Result = TypeVar("_Result")


def import_each(items: list[ImportItem], add: Callable[[ImportItem], _Result],
                failed: Callable[[ImportItem, VCError, VerificationReport], _Result],
                keep: tuple[type[BaseException], ...] = ()) -> Iterator[_Result]:
    """``add(item)`` for each item, in order; a defect while importing one item becomes
    ``failed(item, error, report)`` (code ``internal.error``, the exception type in details) and
    the items after it are still imported.

    This is the per-input boundary of wallet import (design rule: no bare ``except Exception``
    outside these boundaries). ``keep`` names the exceptions that are not about one input and
    must stop the import (the wallet file itself failing), as before.
    """
    for item in items:
        try:
            result = add(item)
        except keep:
            raise
        except Exception as exc:  # noqa: BLE001 - the per-input boundary, see above
            kind = type(exc).__name__
            error = VCError("internal.error", f"importing this input hit an internal error ({kind}); "
                            "it was not stored, the other inputs are not affected",
                            details={"exception": kind})
            result = failed(item, error, internal_error_report(item.source, exc))
        yield result


# -- presentations ---------------------------------------------------------------------------


def _jwt_payload(token: str) -> Any:
    try:
        return loads(b64url_decode(token.split("~", 1)[0].split(".")[1]))
    except (VCError, IndexError, ValueError):
        return None


def _credential_bytes(item: Any) -> bytes | None:
    """The bytes of one ``verifiableCredential`` entry: a token's text, or JCS for an object."""
    if isinstance(item, str):
        return item.strip().encode("utf-8") if item.strip() else None
    if not isinstance(item, dict):
        return None
    if ENVELOPED in type_names(item.get("type")):
        try:  # the verifier's own reading of the data: URL, so the two never disagree
            return enveloped_token(item)[1].encode("utf-8")
        except VCError:
            return None  # an envelope nobody here can open: reported, not imported as JSON
    try:
        return canonicalize(item)
    except VCError:
        return None


def presentation_credentials(data: bytes) -> list[bytes | None] | None:
    """The credentials inside a presentation (JSON or VP-JWT), or ``None`` when it is not one.

    An entry that holds no readable credential is ``None`` so the caller can report it.
    """
    document: Any = None
    text = data.strip()
    if text[:1] == b"{":
        try:
            document = loads(text, max_bytes=MAX_IMPORT_BYTES)
        except ParseError:
            return None
    elif looks_like_jwt(text) and b"~" not in text:
        claims = _jwt_payload(text.decode("ascii", "replace"))
        document = claims.get("vp") if isinstance(claims, dict) else None
    if not isinstance(document, dict) or "VerifiablePresentation" not in type_names(document.get("type")):
        return None
    entries = document.get("verifiableCredential", [])
    entries = entries if isinstance(entries, list) else [entries]
    return [_credential_bytes(entry) for entry in entries]


def expand(data: bytes, source: str) -> list[ImportItem]:
    """``data`` as import items: itself, or the credentials of the presentation it is."""
    inner = presentation_credentials(data)
    if inner is None:
        return [ImportItem(data, source)]
    items = []
    for i, blob in enumerate(inner):
        where = f"{source}#verifiableCredential[{i}]"
        if blob is None:
            error = ParseError("parse.unknown_format", "this presentation entry holds no credential")
            items.append(ImportItem(b"", where, presentation=source, error=error))
        else:
            items.append(ImportItem(blob, where, presentation=source))
    if not items:
        error = ParseError("parse.unknown_format", "the presentation holds no credentials")
        items.append(ImportItem(b"", source, presentation=source, error=error))
    return items


# -- reading a credential (untrusted) ----------------------------------------------------------


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _sd_digest(disclosure: str) -> str:
    return b64url_encode(hashlib.sha256(disclosure.encode("ascii")).digest())


def decode_sd_jwt(text: str) -> dict[str, Any] | None:
    """The SD-JWT's claims with its disclosures applied, for display only (nothing is checked)."""
    parts = text.strip().split("~")
    payload = _jwt_payload(parts[0])
    if not isinstance(payload, dict):
        return None
    disclosed: dict[str, list[Any]] = {}
    for part in parts[1:]:
        if not part or "." in part:  # empty tail or the key-binding JWT
            continue
        try:
            value = loads(b64url_decode(part))
            digest = _sd_digest(part)
        except (VCError, ValueError, UnicodeEncodeError):
            continue
        if isinstance(value, list) and len(value) in (2, 3):
            disclosed[digest] = value
    hashing = payload.get("_sd_alg", "sha-256")

    def walk(node: Any, depth: int = 0) -> Any:
        if depth > 32:
            return node
        if isinstance(node, dict):
            out = {k: walk(v, depth + 1) for k, v in node.items() if k not in ("_sd", "_sd_alg")}
            digests = node.get("_sd", [])
            for digest in digests if isinstance(digests, list) and hashing == "sha-256" else []:
                found = disclosed.get(digest) if isinstance(digest, str) else None
                if found is not None and len(found) == 3 and isinstance(found[1], str):
                    out.setdefault(found[1], walk(found[2], depth + 1))
            return out
        if isinstance(node, list):
            items = []
            for element in node:
                if isinstance(element, dict) and set(element) == {"..."}:
                    found = disclosed.get(element["..."]) if isinstance(element["..."], str) else None
                    if found is not None and len(found) == 2:
                        items.append(walk(found[1], depth + 1))
                    continue
                items.append(walk(element, depth + 1))
            return items
        return node

    result = walk(payload)
    return result if isinstance(result, dict) else None


def _id_of(document: Mapping[str, Any]) -> str | None:
    ident = document.get("id")
    if isinstance(ident, str) and ident:
        return ident
    jti = document.get("jti")
    return jti if isinstance(jti, str) and jti else None


def _view_text(text: str) -> CredentialView:
    text = text.strip()
    if looks_like_jwt(text.split("~", 1)[0]):
        if "~" in text:
            claims = decode_sd_jwt(text)
            return CredentialView("sd-jwt", claims, _id_of(claims) if claims else None)
        try:
            decoded = decode_vc_jwt(text)
        except VCError:
            claims = _jwt_payload(text)
            if isinstance(claims, dict) and "vp" in claims:
                return CredentialView("presentation")
            if isinstance(claims, dict) and is_ob2(claims):  # a signed OB 2.0 assertion (JWS)
                return CredentialView("ob2", claims, _id_of(claims))
            return CredentialView("vc-jwt", None, _id_of(claims) if isinstance(claims, dict) else None)
        credential = dict(decoded.credential)
        return CredentialView("vc-jwt", credential, _id_of(credential) or _id_of(decoded.claims))
    return CredentialView("unknown")


def view_credential(data: bytes) -> CredentialView:
    """Read ``data`` as a credential without verifying anything (see :class:`CredentialView`)."""
    if baked.is_png(data) or baked.is_svg(data):
        container = "png" if baked.is_png(data) else "svg"
        try:
            badge = baked.read_baked(data)
            payload_kind = badge.payload_kind
        except VCError:
            return CredentialView("unknown", container=container)
        if payload_kind == "url":
            return CredentialView("ob2", None, badge.payload, container, hosted_url=badge.payload)
        inner = view_credential(badge.payload.encode("utf-8"))
        return CredentialView(inner.kind, inner.document, inner.credential_id, container)
    stripped = data.strip()
    if stripped[:1] != b"{":
        try:
            return _view_text(stripped.decode("ascii"))
        except UnicodeDecodeError:
            return CredentialView("unknown")
    try:
        document = loads(stripped, max_bytes=MAX_IMPORT_BYTES)
    except ParseError:
        return CredentialView("unknown")
    if not isinstance(document, dict):
        return CredentialView("unknown")
    if "VerifiablePresentation" in type_names(document.get("type")):
        return CredentialView("presentation", document)
    kind = "ob2" if is_ob2(document) else "json-ld"
    return CredentialView(kind, document, _id_of(document))


# -- the fields a person recognises a credential by ---------------------------------------------


def _text(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, dict):  # language maps / value objects
        for key in ("@value", "en", "en-US"):
            if isinstance(value.get(key), str):
                return str(value[key])
    return None


def _first(value: Any) -> Any:
    if isinstance(value, list):
        return value[0] if value else None
    return value


def _profile(value: Any) -> tuple[str | None, str | None]:
    """``(id, name)`` of an issuer given as a string or an object."""
    if isinstance(value, str):
        return value, None
    if isinstance(value, dict):
        ident = value.get("id")
        return (ident if isinstance(ident, str) else None), _text(value.get("name"))
    return None, None


def _date(document: Mapping[str, Any], *names: str) -> str | None:
    for name in names:
        value = document.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(int(value))
    return None


def summarize(view: CredentialView, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Name, achievement, issuer, subject and dates of a credential, for listing and search.

    ``extra`` may hold an OB 2.0 ``badge_class`` and ``issuer_profile`` fetched at import.
    """
    doc = view.document or {}
    extra = extra or {}
    out: dict[str, Any] = {"kind": view.kind, "container": view.container,
                           "credential_id": view.credential_id}
    types = doc.get("type")
    out["types"] = [t for t in (types if isinstance(types, list) else [types]) if isinstance(t, str)]
    subject = _first(doc.get("credentialSubject"))
    subject = subject if isinstance(subject, dict) else {}
    achievement = subject.get("achievement")
    achievement = _first(achievement)
    achievement = achievement if isinstance(achievement, dict) else {}
    issuer_id, issuer_name = _profile(doc.get("issuer"))
    badge = doc.get("badge")
    fetched = extra.get("badge_class")
    badge_class: dict[str, Any] = (fetched if isinstance(fetched, dict)
                                   else badge if isinstance(badge, dict) else {})
    if view.kind == "ob2":
        issuer_profile = extra.get("issuer_profile")
        issuer_ref = badge_class.get("issuer")
        issuer_id, issuer_name = _profile(issuer_profile if isinstance(issuer_profile, dict) else issuer_ref)
        recipient = doc.get("recipient")
        out["subject"] = (recipient.get("identity") if isinstance(recipient, dict)
                          and isinstance(recipient.get("identity"), str) else None)
        out["achievement"] = _text(badge_class.get("name"))
        out["name"] = out["achievement"]
        out["description"] = _text(badge_class.get("description"))
        out["achievement_type"] = None
        out["issued"] = _date(doc, "issuedOn")
        out["expires"] = _date(doc, "expires")
    else:
        out["subject"] = subject.get("id") if isinstance(subject.get("id"), str) else None
        out["achievement"] = _text(achievement.get("name"))
        out["name"] = _text(doc.get("name")) or out["achievement"]
        out["description"] = _text(achievement.get("description")) or _text(doc.get("description"))
        kind = achievement.get("achievementType")
        out["achievement_type"] = kind if isinstance(kind, str) else None
        out["issued"] = _date(doc, "validFrom", "issuanceDate", "awardedDate", "iat", "nbf")
        out["expires"] = _date(doc, "validUntil", "expirationDate", "exp")
    out["issuer_id"] = issuer_id
    out["issuer_name"] = issuer_name
    return out


def pretty_json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=False)
