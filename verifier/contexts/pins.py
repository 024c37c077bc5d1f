"""The pinned JSON-LD context registry: which context URLs we accept, and with what content.

A context decides what every signed term means, so a context served with one changed term can make
a forged field look signed. We therefore accept a context URL only with content we have seen and
reviewed: each URL maps to the SHA-256 digests of its accepted documents.

Digests are taken over the RFC 8785 (JCS) canonical form, not the raw bytes, so re-indenting,
reordering keys or dropping a trailing newline (which servers and npm packages do) never breaks a
pin, while any change to a term or IRI does. Known same-URL variants (older or reformatted copies
that are semantically the same) are pinned as extra digests for the same URL.

Only digests live here; the third-party files themselves are not committed. To recompute a pin
from a file: ``digest(json_reader.loads(path.read_bytes()))``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from .. import jcs


def digest(obj: Any) -> str:
    """SHA-256 hex digest of ``obj``'s JCS canonical JSON, the form every pin is taken over."""
    return hashlib.sha256(jcs.canonicalize(obj)).hexdigest()


@dataclass(frozen=True)
class Pin:
    """One accepted context URL: a human label, its accepted digests, and whether it is test-only.

    Test-only contexts (the W3C "examples" contexts) define catch-all terms that would let any
    property look meaningful, so production verification refuses them.
    """

    url: str
    label: str
    digests: frozenset[str]
    test_only: bool = False


def _pin(url: str, label: str, *digests: str, test_only: bool = False) -> Pin:
    return Pin(url, label, frozenset(digests), test_only)


_TABLE: tuple[Pin, ...] = (
    _pin(
        "https://www.w3.org/2018/credentials/v1",
        "VC Data Model 1.1",
        "b01e671e873981f19a9102a9a57f666dbcaeb31b99e3e124378d143e71549247",
    ),
    _pin(
        # The pre-2025-02 digitalbazaar copy differs only in whitespace: same JCS digest.
        "https://www.w3.org/ns/credentials/v2",
        "VC Data Model 2.0",
        "b463c8d6a066214123ddd9827b135e1b50e1fc73322cc52a9b12a4f1fc7d86cf",
    ),
    _pin(
        "https://www.w3.org/2018/credentials/examples/v1",
        "VC Data Model 1.1 examples (test only)",
        "5bca9da34aefb4c5e0cd993e222e58827734e0928fda0210ee73413c43d6e5e5",
        test_only=True,
    ),
    _pin(
        "https://www.w3.org/ns/credentials/examples/v2",
        "VC Data Model 2.0 examples (test only)",
        "8a675bead391be98e6054c4e07c41f73337508d398e07047344c5d349aa2dc58",
        test_only=True,
    ),
    _pin(
        "https://www.w3.org/ns/credentials/status/v1",
        "Bitstring Status List 1.0",
        "b2fcebfbaf4e6beae2be370fda8a5f9f99c28540c798a75a8cdccc0fb1a12492",
    ),
    _pin(
        "https://w3id.org/vc/status-list/2021/v1",
        "Status List 2021",
        "9768f9aa81ab6c3e2ad96b2d669eaba67afe13fff0140a853f1e3d313fab13b6",
    ),
    _pin(
        "https://w3id.org/security/data-integrity/v1",
        "Data Integrity v1",
        "9505bf85338a4c2121ad03992ac90061bc85d43bcfa34d9d47b779381cf08b5f",
    ),
    _pin(
        "https://w3id.org/security/data-integrity/v2",
        "Data Integrity 1.0 (v2 context)",
        "7ba3c50acf2689d5e07927267343eb353249c7c22a9f2d00307cc970e855e305",
    ),
    _pin(
        "https://w3id.org/security/multikey/v1",
        "Multikey v1",
        "be20c3ee6af6e9c4102e66a85c26617831218e32216bdf050f870e389e737cdc",
    ),
    _pin(
        "https://w3id.org/security/suites/ed25519-2020/v1",
        "Ed25519Signature2020 suite",
        "fb517f09d990829aed734c9bad8cbbb2ac3d5063b865c7e3d81f246074bf5691",
    ),
    _pin(
        "https://w3id.org/security/suites/ed25519-2018/v1",
        "Ed25519Signature2018 suite",
        "b4cb4ede62cd5c1e98b54340bf9d5ae636e6ba6e92b6bffb50be3c12b473a2de",
    ),
    _pin(
        "https://w3id.org/security/suites/x25519-2020/v1",
        "X25519KeyAgreementKey2020",
        "454c264ab52b3ee90b2c21a996afc4f5f2a02c2e282799b6e92305e1aa536de6",
    ),
    _pin(
        "https://w3id.org/security/jwk/v1",
        "JSON Web Key v1",
        "38dd329a9a011facda06afc4ba43a121980eaedbd1f974268026d157926bc086",
    ),
    _pin(
        "https://w3id.org/security/v1",
        "Security Vocabulary v1",
        "d87de2ce3ce407bcac481f8af31e211e54beb5cbd7dd459826ed0502302ee234",
    ),
    _pin(
        "https://w3id.org/security/v2",
        "Security Vocabulary v2",
        "38a9ef19cf3a75bf856202bd1ed4cbd55c985ad4a809eb7f4ef584ba9d51dc90",
    ),
    _pin(
        # The digitalbazaar/did-context copy differs by one blank line: same JCS digest.
        "https://www.w3.org/ns/did/v1",
        "DID Core v1",
        "a7e146c40fcec005d3f0f14ae745665f446da58d7914a9d8f733746686fad82b",
    ),
    _pin(
        "https://w3id.org/security/suites/jws-2020/v1",
        "JsonWebSignature2020 suite",
        "eed16334842a5635257913b33acd1aeee29009eb188d855f9a1d0ceee4a8ae4d",
    ),
    _pin(
        "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
        "Open Badges 3.0.0",
        "2c54acaa1cffda2420be32ab61f0a2082051211131c6337686f36f2537aa859b",
    ),
    _pin(
        # The 1EdTech spec-repo copy differs only in whitespace: same JCS digest.
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
        "Open Badges 3.0.1",
        "8bb2354552b70cbdf2066f6d3e24bc5c2be2619145737580ad2aebdc366e77d5",
    ),
    _pin(
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
        "Open Badges 3.0.2",
        "bdd1d11a55a660322f24660862a1d430ee80cce584465f750909daa43684357c",
    ),
    _pin(
        # Second digest: the 1EdTech validator copy, edited in place to add "jti" and
        # "endorsementJwt"; every other term is identical.
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        "Open Badges 3.0.3",
        "c5e555a91a5cf48e32ae0a05674c61ddd5c053b680b5643b2f57f9965e386d99",
        "04b1136ddc4eda9a8966bc7ef182789f233a26739473140ef75d6968c29a2966",
    ),
    _pin(
        # The 1EdTech validator copy is 4-space indented: same JCS digest.
        "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
        "Open Badges 3.0 extensions",
        "15f4c347c6fe4380d9b6b93795859e33747ef48d5c55b91a71c52fb51c7bcbd7",
    ),
    _pin(
        "https://w3id.org/dcc/v1",
        "Digital Credentials Consortium v1",
        "72bbeeb602655938f472f98317cab12c1bf6abc96a915d1fcc3fe18e79f92a42",
    ),
)

#: Every pinned context, by URL, in a stable order (the order of the table above).
PIN_TABLE: Mapping[str, Pin] = MappingProxyType({pin.url: pin for pin in _TABLE})

#: Context URL → accepted SHA-256 hex digests of its JCS canonical JSON.
PINS: Mapping[str, frozenset[str]] = MappingProxyType({pin.url: pin.digests for pin in _TABLE})

#: Context URL → human label, for listings and error messages.
LABELS: Mapping[str, str] = MappingProxyType({pin.url: pin.label for pin in _TABLE})

#: Pinned URLs that production mode refuses with ``context.test_only``.
TEST_ONLY: frozenset[str] = frozenset(pin.url for pin in _TABLE if pin.test_only)


def label(url: str) -> str:
    """The human label for ``url``, or the URL itself when it is not pinned."""
    return LABELS.get(url, url)
