"""The pin table covers the contexts we need, and its digests are the JCS digests of the files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from verifier import json_reader
from verifier.contexts import LABELS, PINS, TEST_ONLY, digest, label

REQUIRED = {
    "https://www.w3.org/2018/credentials/v1",
    "https://www.w3.org/ns/credentials/v2",
    "https://www.w3.org/2018/credentials/examples/v1",
    "https://www.w3.org/ns/credentials/examples/v2",
    "https://www.w3.org/ns/credentials/status/v1",
    "https://w3id.org/vc/status-list/2021/v1",
    "https://w3id.org/security/data-integrity/v1",
    "https://w3id.org/security/data-integrity/v2",
    "https://w3id.org/security/multikey/v1",
    "https://w3id.org/security/suites/ed25519-2020/v1",
    "https://w3id.org/security/suites/ed25519-2018/v1",
    "https://w3id.org/security/suites/x25519-2020/v1",
    "https://w3id.org/security/jwk/v1",
    "https://w3id.org/security/v1",
    "https://w3id.org/security/v2",
    "https://www.w3.org/ns/did/v1",
    "https://w3id.org/security/suites/jws-2020/v1",
    "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
    "https://w3id.org/dcc/v1",
}


def test_every_required_url_is_pinned_with_a_label() -> None:
    assert set(PINS) == REQUIRED
    assert all(LABELS[url] and LABELS[url] != url for url in PINS)
    assert all(len(d) == 64 and int(d, 16) >= 0 for ds in PINS.values() for d in ds)


def test_only_the_examples_contexts_are_test_only() -> None:
    assert {
        "https://www.w3.org/2018/credentials/examples/v1",
        "https://www.w3.org/ns/credentials/examples/v2",
    } == TEST_ONLY


def test_label_falls_back_to_the_url_for_unpinned() -> None:
    assert label("https://www.w3.org/ns/credentials/v2") == "VC Data Model 2.0"
    assert label("https://example.com/x") == "https://example.com/x"


def test_digest_ignores_whitespace_and_key_order() -> None:
    assert digest({"b": 1, "a": [1, "x"]}) == digest(json.loads('{ "a" : [1,"x"],\n"b":1 }'))
    assert digest({"a": 1}) != digest({"a": 2})


def _index_files(interop: Path) -> list[tuple[str, str]]:
    index = json.loads((interop / "contexts" / "index.json").read_text(encoding="utf-8"))
    pairs = []
    for url, entry in index["contexts"].items():
        pairs.append((url, entry["file"]))
        pairs.extend((url, v["file"]) for v in entry.get("known_variants", []) if v.get("file"))
    return pairs


def test_every_interop_file_and_variant_digest_is_pinned_for_its_url(interop: Path) -> None:
    pairs = _index_files(interop)
    assert len(pairs) == 28
    for url, name in pairs:
        document = json_reader.loads((interop / "contexts" / name).read_bytes())
        assert digest(document) in PINS[url], (url, name)


def test_a_changed_term_changes_the_digest(interop: Path) -> None:
    document = json_reader.loads((interop / "contexts" / "credentials-v2.jsonld").read_bytes())
    assert digest(document) in PINS["https://www.w3.org/ns/credentials/v2"]
    document["@context"]["id"] = "@type"
    assert digest(document) not in PINS["https://www.w3.org/ns/credentials/v2"]


def test_pins_are_read_only() -> None:
    assert all(isinstance(digests, frozenset) for digests in PINS.values())
    with pytest.raises(TypeError):
        PINS["https://example.com/x"] = frozenset()  # type: ignore[index]
