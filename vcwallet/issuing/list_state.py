"""The private allocation record beside a status list, shared by both list formats.

A W3C Bitstring Status List (``vcwallet.issuing.status_list``) and an IETF Token Status List
(``vcwallet.issuing.token_status_list``) are kept the same way: the signed list is published, and
``LIST.state.json`` beside it records which indexes are handed out. That record maps list
positions to credentials, so it is written 0600 and never published. Indexes are drawn at random
(the specifications' privacy advice: sequential indexes would date a credential and count its
siblings). Both managers use these helpers so the files and the allocation behave the same.
"""

from __future__ import annotations

import json
import random
from collections.abc import Collection
from pathlib import Path
from typing import Any

from verifier.status import StatusError

from ..keyfile import write_atomic

#: Above this fill ratio, random probing for a free index gives way to a scan.
DENSE = 0.5


def state_path_for(list_path: str | Path) -> Path:
    """``revocation.json`` → ``revocation.state.json`` (the private allocation record)."""
    path = Path(list_path)
    return path.with_name(f"{path.stem}.state.json")


def read_capped(path: Path, max_bytes: int) -> bytes:
    """The bytes of one of our own files; ``status.invalid_list`` if it is over ``max_bytes``."""
    with open(path, "rb") as handle:
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise StatusError("status.invalid_list", f"{path} is too large")
    return data


def dump_json(document: Any) -> bytes:
    """Indented UTF-8 JSON with a final newline: the form both list files are written in."""
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def write_state(path: Path, state: Any, *, overwrite: bool) -> None:
    """Replace (or, without ``overwrite``, create) the allocation record, atomically and 0600."""
    write_atomic(path, dump_json(state), overwrite=overwrite, mode=0o600)


def pick_free_index(size: int, allocated: Collection[int], rng: random.Random) -> int:
    """A random index below ``size`` that is not in ``allocated``; the caller checks one is free.

    Probing is cheap while the list is sparse; a scan from a random start finishes a nearly
    full one without looping for long.
    """
    if len(allocated) < size * DENSE:
        index = rng.randrange(size)
        while index in allocated:
            index = rng.randrange(size)
        return index
    start = rng.randrange(size)
    return next(i % size for i in range(start, start + size) if i % size not in allocated)
