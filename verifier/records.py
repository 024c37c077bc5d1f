"""Frozen dataclass records built without their generated ``__init__``, for the SD-JWT hot path.

A frozen dataclass's ``__init__`` stores each field through ``object.__setattr__`` (that is what
keeps it frozen), and an SD-JWT verify builds a dozen such records: the disclosures, the parsed
JWTs, the disclosed claims and the result. Built that way they cost about as much as parsing
the small JSON texts they describe. :func:`record` fills a new instance's ``__dict__`` in one
step instead. The instance is what the constructor would give (same fields, equality and
repr, and still frozen), provided the caller names every field: the tests check each record
built here with :func:`dataclasses.replace`, which reads them all.
"""

from __future__ import annotations

from typing import Any, TypeVar

T = TypeVar("T")
_new = object.__new__


def record(cls: type[T], fields: dict[str, Any]) -> T:
    """An instance of the frozen dataclass ``cls`` holding exactly ``fields`` (all of them)."""
    instance: T = _new(cls)
    instance.__dict__.update(fields)
    return instance
