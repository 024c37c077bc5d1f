"""Pinned JSON-LD contexts, served offline-first through :class:`ContextStore`.

The pins (:mod:`.pins`) say which context URLs are accepted and with which content; the store
(:mod:`.store`) finds that content on disk, in the cache or (only when allowed) on the network.
"""

from .pins import LABELS, PIN_TABLE, PINS, TEST_ONLY, Pin, digest, label
from .store import (
    MAX_CONTEXT_BYTES,
    ContextInfo,
    ContextStore,
    FetchOutcome,
    IgnoredFile,
    PyldLoader,
    user_cache_dir,
)

__all__ = [
    "LABELS",
    "MAX_CONTEXT_BYTES",
    "PINS",
    "PIN_TABLE",
    "TEST_ONLY",
    "ContextInfo",
    "ContextStore",
    "FetchOutcome",
    "IgnoredFile",
    "Pin",
    "PyldLoader",
    "digest",
    "label",
    "user_cache_dir",
]
