"""What a presentation is about: who holds it, whose credentials it carries, which challenges
were issued and spent.

The ``presentation`` check that reads these is :mod:`verifier.checks.presentation`.

- :func:`holder_id`: the holder a presentation names (a string, or an object's ``id``);
- :func:`subject_findings`: for each embedded credential, whether its subject is the presenter
  (``bound``), someone else (``mismatch``), known only by an ``identityHash`` (``recipient``, an
  Open Badges email recipient, which cannot be compared with a DID), or not named;
- :class:`ChallengeStore`: the ledger of issued and spent challenges, so a presentation answers
  one request once (:class:`MemoryChallengeStore` for one process; ``vcwallet`` keeps one in a
  file).
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from .data_model import ENVELOPED, as_list, enveloped_token, type_names
from .errors import VCError


class ChallengeStore(Protocol):
    """Remembers which challenges were issued and which are spent."""

    def was_issued(self, challenge: str, domain: str | None = None) -> bool:
        """Whether this store handed ``challenge`` out (for ``domain``, when it recorded one).

        A store that does not track issuing answers ``True``: it only guards against reuse.
        """
        ...

    def was_used(self, challenge: str) -> bool: ...

    def mark_used(self, challenge: str) -> bool:
        """Spend ``challenge``; ``False`` when it was already spent (atomic check-and-set)."""
        ...


class MemoryChallengeStore:
    """A bounded in-process store: fine for one verifier process and for tests.

    With ``require_issued=True`` only challenges from :meth:`issue` are accepted; by default any
    challenge is, once (the caller vouches for having sent it).
    """

    def __init__(self, max_entries: int = 100_000, *, require_issued: bool = False) -> None:
        self._used: OrderedDict[str, None] = OrderedDict()
        self._issued: OrderedDict[str, str | None] = OrderedDict()
        self._max = max_entries
        self.require_issued = require_issued
        self._lock = threading.Lock()

    def issue(self, domain: str | None = None) -> str:
        """A fresh, unguessable challenge."""
        challenge = secrets.token_urlsafe(24)
        with self._lock:
            self._issued[challenge] = domain
            while len(self._issued) > self._max:
                self._issued.popitem(last=False)
        return challenge

    def was_issued(self, challenge: str, domain: str | None = None) -> bool:
        if not self.require_issued:
            return True
        with self._lock:
            if challenge not in self._issued:
                return challenge in self._used
            recorded = self._issued[challenge]
            return domain is None or recorded is None or recorded == domain

    def was_used(self, challenge: str) -> bool:
        with self._lock:
            return challenge in self._used

    def mark_used(self, challenge: str) -> bool:
        with self._lock:
            if challenge in self._used:
                return False
            self._used[challenge] = None
            while len(self._used) > self._max:
                self._used.popitem(last=False)
            return True


def holder_id(document: Mapping[str, Any]) -> str | None:
    """The holder's identifier, from a string or an object's ``id`` (VCDM 2.0 allows both)."""
    holder = document.get("holder")
    if isinstance(holder, str):
        return holder
    if isinstance(holder, dict) and isinstance(holder.get("id"), str):
        return str(holder["id"])
    return None


# -- subject binding ------------------------------------------------------------------------------

@dataclass(frozen=True)
class SubjectFinding:
    """How one embedded credential's subject relates to the presenter."""

    index: int
    #: ``bound`` (a subject id is the holder), ``mismatch`` (subject ids, none the holder),
    #: ``recipient`` (only identityHash recipients), ``unnamed`` (no subject id), ``not_read``
    #: (a form whose subject is not read here: an SD-JWT binds its holder by key).
    binding: str
    subjects: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"credential": self.index, "binding": self.binding}
        if self.subjects:
            out["subjects"] = list(self.subjects)
        return out


def _credential_json(item: Any) -> Mapping[str, Any] | None:
    """The credential object inside one ``verifiableCredential`` entry (JSON-LD, VC-JWT or an
    enveloped VC-JWT), or ``None`` for forms whose holder binding is not by subject id."""
    from .vc_jwt import decode_vc_jwt  # lazy: only presentations with JWT credentials need it

    token: str | None = None
    if isinstance(item, dict):
        if ENVELOPED not in type_names(item.get("type")):
            return item
        try:
            _media, token = enveloped_token(item)
        except VCError:
            return None
    elif isinstance(item, str):
        token = item.strip()
    if token is None or "~" in token:
        return None
    try:
        return decode_vc_jwt(token).credential
    except VCError:
        return None


def subject_findings(document: Mapping[str, Any], holder: str | None) -> list[SubjectFinding]:
    """For each embedded credential, whether its subject is the presenter (``holder``)."""
    found: list[SubjectFinding] = []
    if holder is None:
        return found
    for index, item in enumerate(as_list(document.get("verifiableCredential"))):
        credential = _credential_json(item)
        if credential is None:
            found.append(SubjectFinding(index, "not_read"))
            continue
        subjects = [s for s in as_list(credential.get("credentialSubject")) if isinstance(s, dict)]
        ids = tuple(dict.fromkeys(s["id"] for s in subjects if isinstance(s.get("id"), str) and s["id"]))
        hashed = any(isinstance(e, dict) and "identityHash" in e
                     for s in subjects if not s.get("id") for e in as_list(s.get("identifier")))
        if holder in ids:
            found.append(SubjectFinding(index, "bound", ids))
        elif ids:
            found.append(SubjectFinding(index, "mismatch", ids))
        elif hashed:
            found.append(SubjectFinding(index, "recipient"))
        else:
            found.append(SubjectFinding(index, "unnamed"))
    return found
