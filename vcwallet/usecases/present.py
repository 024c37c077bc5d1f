"""Answering a district's presentation request: open it, see which badges answer it and why,
confirm what gives pause, and make the presentation, exactly as both front ends do it.

The steps are functions so that every front end walks the same path: :func:`open_request` reads
the request strictly and matches the wallet against it (flagged badges are listed, never
hidden); :func:`presentation_caution` is what the holder must confirm for the badges chosen
(the rule is :mod:`vcwallet.cautions`); :func:`make_presentation` builds the signed answer and
refuses a flagged badge without the confirmation (``request.unconfirmed``). The answer carries
the exact text the district will receive; the front end shows it and writes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from verifier.clock import Clock
from verifier.errors import ContextError
from verifier.suites.base import DocumentLoader
from verifier.trust import TrustList

from ..cautions import Caution
from ..matching import Match
from ..presenting import SUITES, Answer, HolderWallet, answer_request, match_wallet
from ..request_format import load_request, request_binding, request_kind


@dataclass(frozen=True)
class OpenedRequest:
    """A request read strictly, the challenge and domain an answer is bound to, the sentence the
    district wrote for the holder (if any), and every match in the wallet."""

    request: dict[str, Any]
    kind: str
    challenge: str
    domain: str
    reason: str | None
    matches: list[Match] = field(default_factory=list)

    @property
    def ids(self) -> list[str]:
        """The wallet ids that answer, each once, in wallet order."""
        return list(dict.fromkeys(m.id for m in self.matches))

    def match_for(self, ident: str) -> Match | None:
        return next((m for m in self.matches if m.id == ident), None)


def _reason(request: dict[str, Any]) -> str | None:
    queries = request.get("query")
    for query in queries if isinstance(queries, list) else []:
        entries = query.get("credentialQuery", []) if isinstance(query, dict) else []
        for item in entries if isinstance(entries, list) else []:
            if isinstance(item, dict) and isinstance(item.get("reason"), str):
                return str(item["reason"])
    return None


def open_request(wallet: HolderWallet, data: bytes | str, *, clock: Clock | None = None,
                 trust_list: TrustList | None = None) -> OpenedRequest:
    """Read a request file's bytes (``request.invalid`` if malformed) and match the wallet."""
    request = load_request(data)
    challenge, domain = request_binding(request)
    matches = match_wallet(wallet, request, clock=clock, trust_list=trust_list)
    return OpenedRequest(request, request_kind(request), challenge, domain, _reason(request), matches)


def presentation_caution(opened: OpenedRequest, chosen: Sequence[str]) -> Caution:
    """What the holder must confirm before presenting the ``chosen`` wallet ids (all their flags
    and warnings, each once)."""
    flags: dict[str, None] = {}
    warnings: dict[str, None] = {}
    for ident in dict.fromkeys(chosen):
        match = opened.match_for(ident)
        if match is not None:
            flags.update(dict.fromkeys(match.flags))
            warnings.update(dict.fromkeys(match.warnings))
    return Caution(tuple(flags), tuple(warnings))


def no_contexts(url: str, _options: dict[str, Any]) -> dict[str, Any]:
    """The document loader for an SD-JWT answer, which needs no JSON-LD context."""
    raise ContextError("context.not_found", f"no JSON-LD contexts are needed for an SD-JWT ({url})")


def make_presentation(wallet: HolderWallet, opened: OpenedRequest, chosen: Sequence[str], *,
                      document_loader: DocumentLoader | None, disclose: Sequence[str] = (),
                      confirmed: bool = False, suite: str = SUITES[0], clock: Clock | None = None,
                      trust_list: TrustList | None = None) -> Answer:
    """The signed answer to ``opened`` with the ``chosen`` badges (ids or unique prefixes; none:
    the only match). A JSON-LD answer needs ``document_loader``; an SD-JWT one does not.
    ``request.unconfirmed`` for a flagged badge unless ``confirmed``."""
    loader = document_loader if document_loader is not None else no_contexts
    return answer_request(wallet, opened.request, list(chosen), document_loader=loader, disclose=disclose,
                          confirmed=confirmed, suite=suite, clock=clock, trust_list=trust_list,
                          matches=opened.matches)


__all__ = ["OpenedRequest", "make_presentation", "no_contexts", "open_request", "presentation_caution"]
