"""Import sources (file, folder, stdin, https URL, presentations) and the untrusted reading of a
credential's bytes (ids for duplicate detection, names for listing)."""

from __future__ import annotations

import base64
import hashlib
import io
import json
from pathlib import Path
from typing import Any

import pytest

from tests.vcwallet.store.support import credential
from vcwallet.demo.world import WORLD_DIR
from vcwallet.importing import expand, read_source, summarize, view_credential
from verifier.fetch import StaticFetcher
from verifier.jcs import canonicalize
from verifier.keys import Ed25519KeyPair
from verifier.multibase import b64url_encode
from verifier.vc_jwt import issue_vc_jwt

OB2_URL = "https://badges.riverbend-schools.example/assertions/a1b2c3.json"


def _vp(*entries: Any) -> bytes:
    return json.dumps({"@context": ["https://www.w3.org/ns/credentials/v2"],
                       "type": ["VerifiablePresentation"], "verifiableCredential": list(entries)}).encode()


def _jwt() -> str:
    key = Ed25519KeyPair.from_seed(b"\x01" * 32)
    doc = json.loads(credential(7))
    doc["issuer"] = {"id": key.public.did_key, "name": "JWT Issuer"}
    return issue_vc_jwt(doc, key, f"{key.public.did_key}#{key.public.multibase}")


# -- sources ---------------------------------------------------------------------------------------------

def test_a_file_is_read_byte_for_byte(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_bytes(credential(1) + b"\n\n")
    [item] = read_source(str(tmp_path / "a.json"))
    assert item.data == credential(1) + b"\n\n" and item.error is None and item.presentation is None


def test_a_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_source(str(tmp_path / "missing.json"))


def test_a_folder_yields_everything_in_it_recursively_but_hidden_files(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.json").write_bytes(credential(1))
    (tmp_path / "sub" / "b.jwt").write_text(_jwt())
    (tmp_path / "notes.txt").write_text("not a credential")
    (tmp_path / ".DS_Store").write_bytes(b"\x00")
    items = read_source(str(tmp_path))
    assert [Path(i.source).name for i in items] == ["a.json", "notes.txt", "b.jwt"]


def test_stdin(tmp_path: Path) -> None:
    [item] = read_source("-", stdin=io.BytesIO(credential(3)))
    assert (item.source, item.data) == ("-", credential(3))


def test_an_https_url_goes_through_the_fetcher_and_keeps_the_body() -> None:
    body = (WORLD_DIR / "credentials/ob2/maya-alvarez--literacy-coach-a1b2c3.json").read_bytes()
    [item] = read_source(OB2_URL, fetcher=StaticFetcher({OB2_URL: body}))
    assert (item.source, item.data, item.error) == (OB2_URL, body, None)


@pytest.mark.parametrize(("url", "code"), [
    ("http://badges.example/a.json", "fetch.insecure_url"),
    ("https://elsewhere.example/a.json", "fetch.not_allowed"),
])
def test_an_unfetchable_url_is_reported_not_dropped(url: str, code: str) -> None:
    [item] = read_source(url, fetcher=StaticFetcher({}))
    assert item.error is not None and item.error.code == code and item.data == b""


# -- presentations -----------------------------------------------------------------------------------------

def test_a_presentation_is_unpacked_keeping_each_credentials_bytes() -> None:
    token = _jwt()
    embedded = json.loads(credential(1))
    enveloped = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": "EnvelopedVerifiableCredential",
                 "id": f"data:application/vc+jwt,{token}"}
    items = expand(_vp(embedded, token, enveloped), "vp.json")
    assert [i.data for i in items] == [canonicalize(embedded), token.encode(), token.encode()]
    assert [i.source for i in items] == [f"vp.json#verifiableCredential[{n}]" for n in range(3)]
    assert {i.presentation for i in items} == {"vp.json"}


def test_an_envelope_that_cannot_be_opened_is_reported_not_imported() -> None:
    token = _jwt()
    opened = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": "EnvelopedVerifiableCredential",
              "id": f"data:application/vc+jwt;base64,{base64.b64encode(token.encode()).decode()}"}
    sealed = {**opened, "id": "data:application/vc+cose,AAAA"}
    first, second = expand(_vp(opened, sealed), "vp.json")
    assert first.error is None and first.data == token.encode()  # twin: base64 data: URLs open
    assert second.error is not None and second.error.code == "parse.unknown_format"


def test_an_empty_presentation_is_reported() -> None:
    [item] = expand(_vp(), "vp.json")
    assert item.error is not None and item.error.code == "parse.unknown_format"
    [bad_entry] = expand(_vp(42), "vp.json")
    assert bad_entry.error is not None


def test_twin_a_credential_is_not_mistaken_for_a_presentation() -> None:
    [item] = expand(credential(1), "c.json")
    assert item.data == credential(1) and item.presentation is None


# -- reading credentials (untrusted) ------------------------------------------------------------------------

def test_views_of_each_format() -> None:
    jsonld = view_credential(credential(1))
    assert (jsonld.kind, jsonld.credential_id) == ("json-ld", "urn:uuid:00000000-0000-4000-8000-000000000001")
    jwt = view_credential(_jwt().encode())
    assert (jwt.kind, jwt.credential_id) == ("vc-jwt", "urn:uuid:00000000-0000-4000-8000-000000000007")
    assert summarize(jwt)["issuer_name"] == "JWT Issuer"
    png = view_credential((WORLD_DIR / "credentials/educator-lab/"
                           "maya-alvarez--checking-for-student-understanding.baked.png").read_bytes())
    assert (png.kind, png.container) == ("json-ld", "png") and png.credential_id
    ob2 = view_credential((WORLD_DIR / "credentials/ob2/maya-alvarez--literacy-coach-a1b2c3.baked.svg").read_bytes())
    assert (ob2.kind, ob2.container, ob2.credential_id) == ("ob2", "svg", OB2_URL)
    assert view_credential(b"\x89 not anything").kind == "unknown"
    assert view_credential(_vp()).kind == "presentation"


def _disclosure(*values: Any) -> tuple[str, str]:
    encoded = b64url_encode(json.dumps(list(values)).encode())
    return encoded, b64url_encode(hashlib.sha256(encoded.encode()).digest())


def test_an_sd_jwt_is_read_with_its_disclosures_applied() -> None:
    name, name_digest = _disclosure("salt1", "name", "Sam Rivera")
    item, item_digest = _disclosure("salt2", "Evidence A")
    payload = {"iss": "https://issuer.example", "vct": "OpenBadgeCredential", "jti": "urn:uuid:sd-1",
               "_sd_alg": "sha-256", "_sd": [name_digest, "decoy"],
               "evidence": [{"...": item_digest}, {"...": "undisclosed"}],
               "achievement": {"name": "Literacy Coach"}}
    header = b64url_encode(json.dumps({"alg": "EdDSA", "typ": "dc+sd-jwt"}).encode())
    body = b64url_encode(json.dumps(payload).encode())
    token = f"{header}.{body}.{b64url_encode(b'sig')}~{name}~{item}~"
    view = view_credential(token.encode())
    assert (view.kind, view.credential_id) == ("sd-jwt", "urn:uuid:sd-1")
    assert view.document is not None
    assert view.document["name"] == "Sam Rivera" and view.document["evidence"] == ["Evidence A"]
    assert "_sd" not in view.document
