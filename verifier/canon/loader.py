"""The document loader every JSON-LD path of this package is handed (never pyld's global one).

It is pyld's shape, ``loader(url, options) -> {"contextUrl", "documentUrl", "document",
"tag"?, ...}``; ``tag: "static"`` lets pyld cache the processed context. A module of its own so
that :mod:`.jsonld`, :mod:`.fast_expand` and :mod:`.pyld_path` share one definition without
importing each other.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

DocumentLoader = Callable[[str, dict[str, Any]], dict[str, Any]]
