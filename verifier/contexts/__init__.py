"""Pinned JSON-LD contexts, served offline-first through :class:`ContextStore`.

The pins (:mod:`.pins`) say which context URLs are accepted and with which content; the store
(:mod:`.store`) finds that content on disk (:mod:`.copies`), in the cache or (only when allowed)
on the network. Listing, importing and downloading the pinned set (``vcwallet contexts``) is
:mod:`.admin` (``ContextAdmin(store)``), imported from there so that verifying never loads it.
"""

from .copies import MAX_CONTEXT_BYTES, IgnoredFile
from .pins import LABELS, PIN_TABLE, PINS, TEST_ONLY, Pin, digest, label
from .store import ContextStore, PyldLoader, user_cache_dir

__all__ = [
    "LABELS",
    "MAX_CONTEXT_BYTES",
    "PINS",
    "PIN_TABLE",
    "TEST_ONLY",
    "ContextStore",
    "IgnoredFile",
    "Pin",
    "PyldLoader",
    "digest",
    "label",
    "user_cache_dir",
]
