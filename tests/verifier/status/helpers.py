"""Builders for status tests: lists, entries, credentials, and a fetcher that counts its calls."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from verifier.errors import VCError
from verifier.fetch import FetchResponse
from verifier.status import MIN_BITS, Bitstring, issuer_id

ISSUER = "did:example:issuer"
URL = "https://status.example/lists/1"


def status_list(purpose: str | list[str] = "revocation", *, set_bits: Iterable[int] = (),
                size: int = MIN_BITS, url: str = URL, issuer: str = ISSUER,
                kind: str = "Bitstring", **extra: Any) -> dict[str, Any]:
    """An (unsigned) status list credential with ``set_bits`` set."""
    bits = Bitstring.new(size)
    for index in set_bits:
        bits.set(index, True)
    bitstring = kind == "Bitstring"
    document: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential",
                 "BitstringStatusListCredential" if bitstring else "StatusList2021Credential"],
        "issuer": issuer,
        "validFrom": "2024-01-01T00:00:00Z",
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList" if bitstring else "StatusList2021",
            "statusPurpose": purpose,
            "encodedList": bits.encode(multibase=bitstring),
        },
        "proof": "good",
    }
    document.update(extra)
    return document


def entry(index: Any = "94567", purpose: str = "revocation", *, url: str = URL,
          type_: str = "BitstringStatusListEntry", **extra: Any) -> dict[str, Any]:
    return {"id": f"{url}#{index}", "type": type_, "statusPurpose": purpose,
            "statusListIndex": index, "statusListCredential": url, **extra}


def credential(*entries: Any, issuer: Any = ISSUER, **extra: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:uuid:0b7c6a4e-0000-4000-8000-000000000001",
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "credentialSubject": {"id": "did:example:learner"},
    }
    if entries:
        document["credentialStatus"] = entries[0] if len(entries) == 1 else list(entries)
    document.update(extra)
    return document


class CountingFetcher:
    """Serves ``documents[url]`` (JSON-able, bytes, or a ``VCError`` to raise) and counts calls."""

    def __init__(self, documents: Mapping[str, Any]) -> None:
        self.documents = dict(documents)
        self.calls: Counter[str] = Counter()

    def fetch(self, url: str, *, accept: str | None = None,
              max_bytes: int | None = None) -> FetchResponse:
        self.calls[url] += 1
        value = self.documents[url]
        if isinstance(value, VCError):
            raise value
        body = value if isinstance(value, bytes) else json.dumps(value).encode("utf-8")
        return FetchResponse(url=url, status=200, content_type="application/json", body=body)


class FakeListVerifier:
    """Stands in for the full Verifier: a list "verifies" unless its proof is ``"bad"``."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, document: dict[str, Any]) -> tuple[bool, str | None, str]:
        self.calls += 1
        ok = document.get("proof") != "bad"
        return ok, issuer_id(document), "verified" if ok else "proof.invalid_signature"
