"""Which of the holder's credentials answer a presentation request, and why.

The holder decides what to show, so the wallet must explain each candidate: which of the
request's conditions it meets (type, issuer, achievement name, requested claims). Credentials
that are revoked, suspended, expired, not yet valid, from an issuer outside the trust list, or
that did not verify are **shown, never hidden**: hiding them would leave the holder wondering
why a badge they know they earned is missing. They carry plain-language ``warnings`` (and the
stable ``flags`` behind them) and are ``blocked`` until the holder confirms, because presenting
them will most likely be refused and may look like an attempt to mislead. What gives pause is
decided in :mod:`vcwallet.cautions`, the same rule that guards sharing.

Two request languages are understood: a W3C Verifiable Presentation Request with
``QueryByExample`` (JSON-LD credentials) and an OpenID4VP DCQL query (``dc+sd-jwt`` and
``ldp_vc`` credential queries).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from verifier.clock import Clock, SystemClock
from verifier.trust import TrustList

from .badge_facts import achievement_names, as_list, credential_format, credential_issuer, credential_types
from .cautions import caution_for
from .request_format import RequestError, format_claim_path, parse_claim_path, request_kind

ClaimPath = tuple[str | int | None, ...]

_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Match:
    """One credential that answers one query of the request.

    ``reasons`` say why it matches; ``warnings`` why presenting it is unwise (with the stable
    ``flags`` behind them). ``blocked`` is true while there is a warning the holder has not
    confirmed. ``query`` names the query answered (a DCQL credential query id, or
    ``query[i].credentialQuery[j]``); ``disclose`` lists the claim paths a selectively
    disclosable credential must reveal for it.
    """

    id: str
    reasons: list[str]
    warnings: list[str]
    blocked: bool
    query: str = ""
    format: str = "ldp_vc"
    flags: tuple[str, ...] = ()
    disclose: tuple[ClaimPath, ...] = field(default_factory=tuple)


# --- reading credentials -----------------------------------------------------------------------


def _same_text(a: str, b: str) -> bool:
    return _SPACE.sub(" ", a).strip().casefold() == _SPACE.sub(" ", b).strip().casefold()


def select_claims(data: Any, path: ClaimPath) -> list[Any] | None:
    """OpenID4VP claims path pointer processing; ``None`` when nothing is selected (an error)."""
    selected = [data]
    for part in path:
        nxt: list[Any] = []
        for item in selected:
            if isinstance(part, str):
                if not isinstance(item, Mapping):
                    return None
                if part in item:
                    nxt.append(item[part])
            elif part is None:
                if not isinstance(item, list):
                    return None
                nxt.extend(item)
            else:
                if not isinstance(item, list):
                    return None
                if part < len(item):
                    nxt.append(item[part])
        selected = nxt
    return selected or None


# --- warnings ----------------------------------------------------------------------------------


# --- QueryByExample ----------------------------------------------------------------------------


def _example_leaves(value: Any, path: ClaimPath) -> Iterable[tuple[ClaimPath, Any]]:
    if isinstance(value, Mapping) and value:
        for key, child in value.items():
            yield from _example_leaves(child, (*path, key))
    elif isinstance(value, list) and value:
        for child in value:
            yield from _example_leaves(child, (*path, None))
    else:
        yield path, value


def _match_example(entry: Mapping[str, Any], credential: Mapping[str, Any]) -> list[str] | None:
    """Reasons ``credential`` satisfies one QueryByExample credential query, or ``None``."""
    example = entry.get("example")
    if not isinstance(example, Mapping):
        raise RequestError("request.invalid", "a QueryByExample credentialQuery needs an example object")
    if credential_format(credential) == "dc+sd-jwt":
        return None  # answered with a key-bound SD-JWT, not a JSON-LD presentation
    reasons: list[str] = []
    types = credential_types(credential)
    if credential_format(credential) == "ob2":
        types = [*types, "OpenBadgeCredential"]  # OB 2.0 assertions answer Open Badges queries too
    wanted = [t for t in as_list(example.get("type")) if isinstance(t, str) and t != "VerifiableCredential"]
    if any(t not in types for t in wanted):
        return None
    if wanted:
        reasons.append(f"it is a {', '.join(wanted)}")
    issuer = credential_issuer(credential)
    wanted_issuer = example.get("issuer")
    if isinstance(wanted_issuer, Mapping):
        wanted_issuer = wanted_issuer.get("id")
    if isinstance(wanted_issuer, str) and wanted_issuer:
        if issuer != wanted_issuer:
            return None
        reasons.append(f"it was issued by {issuer}, the issuer asked for")
    trusted = [t.get("issuer") or t.get("id") for t in as_list(entry.get("trustedIssuer"))
               if isinstance(t, Mapping)]
    if trusted:
        if issuer not in trusted:
            return None
        reasons.append(f"its issuer {issuer} is one the verifier trusts")
    for path, value in _example_leaves(example, ()):
        if path[:1] in (("@context",), ("type",), ("issuer",)):
            continue
        if path == ("credentialSubject", "achievement", "name") and isinstance(value, str):
            names = achievement_names(credential)
            if not any(_same_text(n, value) for n in names):
                return None
            reasons.append(f"its achievement is {value!r}")
            continue
        found = select_claims(credential, path)
        if found is None:
            return None
        if value in ("", {}, [], None):
            reasons.append(f"it has {format_claim_path(path)}")
        elif value in found:
            reasons.append(f"{format_claim_path(path)} is {value!r}")
        else:
            return None
    return reasons


def _qbe_queries(request: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    queries: list[tuple[str, Mapping[str, Any]]] = []
    for i, query in enumerate(as_list(request.get("query"))):
        if not isinstance(query, Mapping) or query.get("type") != "QueryByExample":
            continue
        for j, entry in enumerate(as_list(query.get("credentialQuery"))):
            if isinstance(entry, Mapping):
                queries.append((f"query[{i}].credentialQuery[{j}]", entry))
    if not queries:
        raise RequestError("request.invalid", "the request has no QueryByExample credential query")
    return queries


# --- DCQL --------------------------------------------------------------------------------------


def _match_claim(claim: Mapping[str, Any], data: Any) -> tuple[ClaimPath, str] | None:
    path = parse_claim_path(claim.get("path") or [])
    found = select_claims(data, path)
    if found is None:
        return None
    values = claim.get("values")
    shown = format_claim_path(path)
    if isinstance(values, list) and values:
        hit = next((v for v in values if any(type(v) is type(f) and v == f for f in found)), None)
        if hit is None:
            return None
        return path, f"{shown} is {hit!r}"
    return path, f"it has {shown}"


def _match_dcql(query: Mapping[str, Any],
                credential: Mapping[str, Any]) -> tuple[list[str], tuple[ClaimPath, ...]] | None:
    fmt = query.get("format")
    have = credential_format(credential)
    meta = query.get("meta") if isinstance(query.get("meta"), Mapping) else {}
    assert isinstance(meta, Mapping)
    reasons: list[str] = []
    if fmt == "dc+sd-jwt":
        if have != "dc+sd-jwt":
            return None
        vcts = [v for v in as_list(meta.get("vct_values")) if isinstance(v, str)]
        if vcts and credential.get("vct") not in vcts:
            return None
        reasons.append(f"it is an SD-JWT VC of type {credential.get('vct')}")
    elif fmt == "ldp_vc":
        if have != "ldp_vc":
            return None
        types = credential_types(credential)
        options = [o for o in as_list(meta.get("type_values")) if isinstance(o, list)]
        if options and not any(all(t in types for t in option) for option in options):
            return None
        reasons.append(f"it is a {', '.join(t for t in types if t != 'VerifiableCredential')}")
    else:
        return None
    claims = [c for c in as_list(query.get("claims")) if isinstance(c, Mapping)]
    results = {str(c.get("id", i)): _match_claim(c, credential) for i, c in enumerate(claims)}
    claim_sets = [s for s in as_list(query.get("claim_sets")) if isinstance(s, list)]
    if claim_sets:
        chosen = next((s for s in claim_sets if all(results.get(str(k)) is not None for k in s)), None)
        if chosen is None:
            return None
        picked = [results[str(k)] for k in chosen]
    else:
        if any(r is None for r in results.values()):
            return None
        picked = list(results.values())
    paths: list[ClaimPath] = []
    for item in picked:
        assert item is not None
        paths.append(item[0])
        reasons.append(item[1])
    return reasons, tuple(dict.fromkeys(paths))


def _dcql_queries(request: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    dcql = request.get("dcql_query", request)
    queries = [q for q in as_list(dcql.get("credentials") if isinstance(dcql, Mapping) else None)
               if isinstance(q, Mapping) and isinstance(q.get("id"), str)]
    if not queries:
        raise RequestError("request.invalid", "the DCQL query has no credential queries")
    return queries


# --- entry point -------------------------------------------------------------------------------


def match(request: Mapping[str, Any],
          credentials: Iterable[tuple[str, Any, Mapping[str, Any] | None]], *,
          clock: Clock | None = None, trust_list: TrustList | None = None,
          confirmed: Collection[str] = ()) -> list[Match]:
    """Every (credential, query) pair that matches, in the order the credentials were given.

    ``credentials`` yields ``(id, parsed credential, last verification report JSON or None)``.
    Flagged credentials are included with warnings and ``blocked=True`` unless their id is in
    ``confirmed``. A malformed request raises ``request.invalid``.
    """
    kind = request_kind(dict(request))
    now = clock or SystemClock()
    qbe = _qbe_queries(request) if kind == "vpr" else []
    dcql = _dcql_queries(request) if kind == "dcql" else []
    results: list[Match] = []
    for cred_id, credential, report in credentials:
        if not isinstance(credential, Mapping):
            continue
        found: list[tuple[str, list[str], tuple[ClaimPath, ...], str]] = []
        for name, entry in qbe:
            reasons = _match_example(entry, credential)
            if reasons is not None:
                found.append((name, reasons, (), credential_format(credential)))
        for query in dcql:
            outcome = _match_dcql(query, credential)
            if outcome is not None:
                found.append((str(query["id"]), outcome[0], outcome[1], str(query.get("format"))))
        if not found:
            continue
        caution = caution_for(credential, report, clock=now, trust_list=trust_list)
        flags, warnings = caution.flags, list(caution.warnings)
        for name, reasons, disclose, fmt in found:
            results.append(Match(id=cred_id, reasons=reasons, warnings=warnings,
                                 blocked=bool(flags) and cred_id not in confirmed, query=name,
                                 format=fmt, flags=flags, disclose=disclose))
    return results


def describe(matches: Sequence[Match]) -> str:
    """A plain listing for the terminal: each match, why, and what to be careful about."""
    if not matches:
        return "No credential in the wallet answers this request."
    lines: list[str] = []
    for item in matches:
        mark = "!" if item.warnings else "*"
        lines.append(f"{mark} {item.id}  (answers {item.query})")
        lines.extend(f"    because {reason}" for reason in item.reasons)
        lines.extend(f"    WARNING: {warning}" for warning in item.warnings)
        if item.blocked:
            lines.append("    presenting it needs your confirmation (--yes)")
    return "\n".join(lines)


__all__ = ["Match", "describe", "match", "select_claims"]
