"""The pyld document loader: shared static documents, refusals surfaced, per-store pyld cache."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pyld import jsonld
from pyld.context_resolver import ContextResolver

from verifier.contexts import ContextStore
from verifier.errors import ContextError

from .helpers import EXAMPLES_V2, UNPINNED, VC_V2


def _context_error(exc: BaseException) -> ContextError | None:
    cause: BaseException | None = exc
    while cause is not None and not isinstance(cause, ContextError):
        cause = cause.__cause__
    return cause


def _expand(contexts: ContextStore, document: dict[str, Any]) -> list[Any]:
    loader = contexts.document_loader
    result: list[Any] = jsonld.expand(document, {
        "documentLoader": loader,
        "contextResolver": ContextResolver(loader.pyld_cache, loader),
    })
    return result


def test_loader_returns_the_identical_document_every_time(interop: Path) -> None:
    contexts = ContextStore([interop / "contexts"])
    loader = contexts.document_loader
    first = loader(VC_V2, {})
    second = loader(VC_V2, {})
    assert first is not second  # pyld writes into the envelope
    assert first["document"] is second["document"] is contexts.load(VC_V2)
    assert first["tag"] == "static"
    assert first["documentUrl"] == VC_V2 and first["contextUrl"] is None
    assert contexts.document_loader is loader


def test_loader_raises_the_store_refusal(interop: Path) -> None:
    loader = ContextStore([interop / "contexts"]).document_loader
    with pytest.raises(ContextError) as caught:
        loader(UNPINNED, {})
    assert caught.value.code == "context.not_allowed"


def test_pyld_expands_with_pinned_contexts(interop: Path) -> None:
    document = {"@context": [VC_V2], "type": ["VerifiableCredential"], "name": "A badge"}
    [expanded] = _expand(ContextStore([interop / "contexts"]), document)
    assert expanded["https://schema.org/name"] == [{"@value": "A badge"}]


def test_pyld_surfaces_the_context_error_as_cause(interop: Path) -> None:
    document = {"@context": [VC_V2, UNPINNED], "name": "A badge"}
    with pytest.raises(jsonld.JsonLdError) as caught:
        _expand(ContextStore([interop / "contexts"]), document)
    error = _context_error(caught.value)
    assert error is not None and error.code == "context.not_allowed"


def test_per_store_pyld_cache_keeps_test_only_refusal(interop: Path) -> None:
    """A static context a test-mode store loaded must not leak into a production store."""
    document = {"@context": [VC_V2, EXAMPLES_V2], "type": ["VerifiableCredential"]}
    assert _expand(ContextStore([interop / "contexts"], production=False), document)
    with pytest.raises(jsonld.JsonLdError) as caught:
        _expand(ContextStore([interop / "contexts"]), document)
    error = _context_error(caught.value)
    assert error is not None and error.code == "context.test_only"


def test_pyld_cache_is_bounded(interop: Path) -> None:
    cache = ContextStore([interop / "contexts"]).pyld_cache
    for i in range(1000):
        cache[str(i)] = i
    assert len(cache) <= 256 and "999" in cache and "0" not in cache
