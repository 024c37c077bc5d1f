"""Trust lists: the issuers a user (or their organisation) has decided to trust, by name.

A signature proves *who* signed, not that the signer is a real school. A trust list is the
user's answer to the second question. The names shown to users come from the trust list, never
from the credential: anyone can sign a badge that calls itself "Harvard University", but only
the trust list can say that ``did:web:harvard.edu`` is Harvard. The ``trust`` check that asks
it is :mod:`verifier.checks.trust`.

Trust list file format (JSON, UTF-8, duplicate keys refused)::

    {
      "name": "Example State educator micro-credentials",
      "description": "Issuers our district accepts for professional development credit",
      "issuers": [
        {"id": "did:web:pd.example.edu", "name": "Example University PD Office"},
        {"id": "https://badges.example.org/issuers/7", "name": "Example Teachers' Academy",
         "achievementTypes": ["MicroCredential", "Certificate"]}
      ]
    }

- ``name`` (required): what the list is, shown next to every verdict it produces.
- ``description`` (optional): free text.
- ``issuers`` (required, may be empty): one entry per trusted issuer.
  - ``id`` (required): the issuer's identifier exactly as credentials state it (a DID or an
    ``https`` URL). Matching is exact; ids must be unique within the list.
  - ``name`` (required): the display name users see.
  - ``achievementTypes`` (optional): the Open Badges ``achievementType`` values accepted from this
    issuer. Absent means every type; a credential from a restricted issuer must state only
    accepted types (one with no achievementType is not accepted).
  - ``description`` (optional): free text.

Unknown keys are refused, so a typo such as ``achievmentTypes`` cannot silently widen trust.
Any problem raises :class:`TrustListError` with code ``trust.invalid_list``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .data_model import is_url
from .errors import ParseError, VCError
from .json_reader import loads as read_json

#: Trust lists are small; anything bigger is a mistake or an attack.
MAX_TRUST_LIST_BYTES = 4 * 1024 * 1024

_LIST_KEYS = {"name", "description", "issuers"}
_ISSUER_KEYS = {"id", "name", "achievementTypes", "description"}


class TrustListError(VCError, ValueError):
    """The trust list file cannot be read or is malformed."""


@dataclass(frozen=True)
class TrustedIssuer:
    """One trusted issuer: its id, the name to display, and (optionally) what it may issue."""

    id: str
    name: str
    achievement_types: frozenset[str] | None = None

    def accepts(self, achievement_types: Sequence[str]) -> bool:
        """True when every stated type is accepted (always true without a restriction)."""
        if self.achievement_types is None:
            return True
        return bool(achievement_types) and all(t in self.achievement_types for t in achievement_types)


def _invalid(message: str, path: str) -> TrustListError:
    return TrustListError("trust.invalid_list", message, path)


def _text(value: Any, path: str, *, required: bool = True) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise _invalid(f"{path} must be a non-empty string", path)
    return value


class TrustList:
    """An immutable set of trusted issuers with a name."""

    def __init__(self, name: str, issuers: Sequence[TrustedIssuer], description: str | None = None) -> None:
        self.name = name
        self.description = description
        self._issuers: dict[str, TrustedIssuer] = {}
        for issuer in issuers:
            if issuer.id in self._issuers:
                raise _invalid(f"issuer {issuer.id!r} is listed twice", "$.issuers")
            self._issuers[issuer.id] = issuer

    @property
    def issuers(self) -> tuple[TrustedIssuer, ...]:
        return tuple(self._issuers.values())

    @classmethod
    def from_json(cls, obj: Any) -> TrustList:
        """Build from parsed JSON; raises :class:`TrustListError` (``trust.invalid_list``)."""
        if not isinstance(obj, Mapping):
            raise _invalid("a trust list is a JSON object with name and issuers", "$")
        unknown = sorted(set(obj) - _LIST_KEYS)
        if unknown:
            raise _invalid(f"unknown key {unknown[0]!r} in the trust list", f"$.{unknown[0]}")
        name = _text(obj.get("name"), "$.name")
        description = _text(obj.get("description"), "$.description", required=False)
        raw_issuers = obj.get("issuers")
        if not isinstance(raw_issuers, list):
            raise _invalid("issuers must be a list", "$.issuers")
        issuers = [cls._issuer(entry, f"$.issuers[{i}]") for i, entry in enumerate(raw_issuers)]
        assert name is not None
        return cls(name, issuers, description)

    @staticmethod
    def _issuer(entry: Any, path: str) -> TrustedIssuer:
        if not isinstance(entry, Mapping):
            raise _invalid("each issuer entry must be an object", path)
        unknown = sorted(set(entry) - _ISSUER_KEYS)
        if unknown:
            raise _invalid(f"unknown key {unknown[0]!r} in an issuer entry", f"{path}.{unknown[0]}")
        issuer_id = entry.get("id")
        if not is_url(issuer_id):
            raise _invalid("issuer id must be a DID or URL", f"{path}.id")
        name = _text(entry.get("name"), f"{path}.name")
        _text(entry.get("description"), f"{path}.description", required=False)
        types: frozenset[str] | None = None
        if "achievementTypes" in entry:
            raw = entry["achievementTypes"]
            if not isinstance(raw, list) or not all(isinstance(t, str) and t.strip() for t in raw):
                raise _invalid("achievementTypes must be a list of non-empty strings",
                               f"{path}.achievementTypes")
            types = frozenset(raw)
        assert name is not None
        return TrustedIssuer(str(issuer_id), name, types)

    @classmethod
    def loads(cls, data: str | bytes) -> TrustList:
        """Parse trust list JSON text strictly (duplicate keys, NaN and huge input refused)."""
        try:
            obj = read_json(data, max_bytes=MAX_TRUST_LIST_BYTES)
        except ParseError as exc:
            raise TrustListError("trust.invalid_list", f"the trust list is not valid JSON: {exc.message}",
                                 exc.path) from exc
        return cls.from_json(obj)

    @classmethod
    def load(cls, path: str | Path) -> TrustList:
        """Read a trust list file; unreadable or malformed files raise ``trust.invalid_list``."""
        try:
            with open(path, "rb") as handle:
                data = handle.read(MAX_TRUST_LIST_BYTES + 1)
        except OSError as exc:
            raise TrustListError("trust.invalid_list",
                                 f"cannot read the trust list {str(path)!r}: {exc.strerror}") from exc
        return cls.loads(data)

    def lookup(self, issuer_id: str | None) -> TrustedIssuer | None:
        """The entry for exactly this issuer id, or ``None``."""
        return self._issuers.get(issuer_id) if isinstance(issuer_id, str) else None
