"""Signing a credential for a small issuer, and refusing to hand out one that would not verify.

``issue_credential`` fills in what an issuer usually leaves out of a template (``issuer``,
``validFrom``/``issuanceDate``, ``id``), refuses a template that names another issuer or breaks
the data model, signs it, and then verifies its own output with the same ``ProofChecker`` a
relying party uses. A credential that fails that self-check is never returned: a badge that does
not verify is worse than no badge, because the learner finds out only when an employer checks.

The self-check needs the issuer's key as a verifier would find it. did:key resolves offline. For
did:web the document is not necessarily published yet (an issuer may sign before uploading
``did.json``), so by default the check is run against the document the key file itself
implies, served from memory; a caller that wants to check against the published document passes
its own ``key_lookup``.
"""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Mapping
from datetime import UTC
from typing import Any

from verifier.checks.format import check_format
from verifier.clock import Clock
from verifier.data_model import VC_V1, VC_V2
from verifier.did import did_web_url
from verifier.errors import ProofError, VCError
from verifier.fetch import StaticFetcher
from verifier.key_lookup import ResolverKeyLookup
from verifier.proofs import KeyLookup, ProofChecker, ProofOutcome, add_proof
from verifier.report import Status
from verifier.suites import SuiteRegistry, default_suites
from verifier.verification import ContextSource

from ..errors import VCWalletError
from ..keyfile import LoadedKey, did_web_document

#: The suites ``issue`` signs with; the first is the default.
SUITE_NAMES = ("eddsa-rdfc-2022", "eddsa-jcs-2022", "Ed25519Signature2020")
DEFAULT_SUITE = SUITE_NAMES[0]
DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"
ED25519_2020_V1 = "https://w3id.org/security/suites/ed25519-2020/v1"
PURPOSE = "assertionMethod"


class IssueError(VCWalletError, ValueError):
    """The credential cannot be issued with this key (see ``code``)."""


def _invalid(message: str, path: str | None = None, **details: Any) -> IssueError:
    return IssueError("issue.invalid_credential", message, path, details=details or None)


def timestamp(clock: Clock) -> str:
    """An XML Schema dateTime in UTC, to the second (``2025-01-31T12:00:00Z``)."""
    return clock.now().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def vc_version(credential: Mapping[str, Any]) -> int:
    """1 or 2, from the first ``@context`` item; ``issue.invalid_credential`` otherwise."""
    if "@context" not in credential:
        raise _invalid("the credential has no @context", "$.@context")
    context = credential["@context"]
    first = _as_list(context)[0] if _as_list(context) else None
    if first == VC_V2 and isinstance(context, list):
        return 2
    if first == VC_V1:
        return 1
    raise _invalid(f"the first @context item must be {VC_V2} (or {VC_V1})", "$.@context")


def basic_checks(credential: Any) -> int:
    """The data-model rules a template must meet before signing; returns the VC version."""
    if not isinstance(credential, dict):
        raise _invalid("a credential is a JSON object")
    version = vc_version(credential)
    types = credential.get("type")
    if not all(isinstance(t, str) for t in _as_list(types)) or "VerifiableCredential" not in _as_list(types):
        raise _invalid("type must include VerifiableCredential", "$.type")
    subject = credential.get("credentialSubject")
    subjects = _as_list(subject)
    if subject is None or not subjects or not all(isinstance(s, dict) and s for s in subjects):
        raise _invalid("credentialSubject must be a non-empty object (or a list of them)",
                       "$.credentialSubject")
    if "proof" in credential:
        raise _invalid("the credential already has a proof; issue an unsigned template", "$.proof")
    if "issuer" in credential and not isinstance(credential["issuer"], str | dict):
        raise _invalid("issuer must be a DID string or an object with an id", "$.issuer")
    if "id" in credential and not isinstance(credential["id"], str):
        raise _invalid("id must be a URL string", "$.id")
    return version


def _fill_issuer(document: dict[str, Any], did: str) -> None:
    issuer = document.get("issuer")
    if issuer is None:
        document["issuer"] = did
        return
    found = issuer.get("id") if isinstance(issuer, dict) else issuer
    if found is None and isinstance(issuer, dict):
        issuer["id"] = did
        return
    if found != did:
        raise IssueError("issue.key_mismatch",
                         f"the credential's issuer is {found!r}, but the key file signs as {did}",
                         "$.issuer", details={"issuer": str(found), "key_did": did})


def _add_context(document: dict[str, Any], url: str) -> None:
    context = _as_list(document["@context"])
    if url not in context:
        document["@context"] = [*context, url]


def prepare(credential: Mapping[str, Any], key: LoadedKey, *, suite: str, clock: Clock) -> dict[str, Any]:
    """The unsigned credential as it will be signed: checked, completed, with suite contexts."""
    if suite not in SUITE_NAMES:
        raise ProofError("proof.unsupported_suite",
                         f"unknown suite {suite!r}; choose one of {', '.join(SUITE_NAMES)}")
    version = basic_checks(credential)
    document = copy.deepcopy(dict(credential))
    _fill_issuer(document, key.did)
    if version == 1:
        document.setdefault("issuanceDate", timestamp(clock))
    else:
        document.setdefault("validFrom", timestamp(clock))
    document.setdefault("id", f"urn:uuid:{uuid.uuid4()}")
    if suite == "Ed25519Signature2020":
        _add_context(document, ED25519_2020_V1)
    elif version == 1:
        _add_context(document, DATA_INTEGRITY_V2)  # VC 1.1 does not define DataIntegrityProof
    _check_data_model(document)
    first = ("@context", "id", "type", "issuer", "validFrom", "issuanceDate")
    return {**{k: document[k] for k in first if k in document}, **document}


def _check_data_model(document: dict[str, Any]) -> None:
    """The verifier's full data-model (``format``) check on the completed, unsigned credential.

    Run after filling in defaults, so a template may leave out ``issuer`` or ``validFrom``; run
    before signing, so a credential a verifier would reject is never signed at all.
    """
    result = check_format(document)
    if result.status in (Status.FAILED, Status.ERROR):
        raise IssueError("issue.invalid_credential", result.message, result.path,
                         details={"cause": result.code, "problems": result.details.get("problems", [])})


def self_check_lookup(key: LoadedKey, clock: Clock) -> KeyLookup:
    """A key lookup that needs no network: did:key resolves by computation, and a did:web DID
    is answered with the document the key file implies (what ``keys new`` told the issuer to
    publish)."""
    mapping: dict[str, Any] = {}
    if key.did.startswith("did:web:"):
        document = did_web_document(key.did, key.verification_method, key.public_key)
        mapping[did_web_url(key.did)] = json.dumps(document).encode("utf-8")
    return ResolverKeyLookup.create(StaticFetcher(mapping), clock)


def _self_check_problem(outcome: ProofOutcome) -> VCError | None:
    if outcome.first_error is not None:
        return outcome.first_error
    for result in outcome.results:
        if result.binding is None or not result.binding.bound:
            problem = result.binding.problem if result.binding is not None else None
            return problem or ProofError("proof.issuer_key_mismatch", "the key is not the issuer's")
    return None if outcome.results else ProofError("proof.missing", "no proof was added")


def issue_credential(credential: Mapping[str, Any], key: LoadedKey, *, suite: str = DEFAULT_SUITE,
                     contexts: ContextSource, clock: Clock, key_lookup: KeyLookup | None = None,
                     suites: SuiteRegistry | None = None) -> dict[str, Any]:
    """Sign ``credential`` with ``key`` and return it, only if it then verifies.

    Raises ``issue.invalid_credential``, ``issue.key_mismatch``, ``proof.unsupported_suite``,
    ``issue.self_check_failed``, or the context/JSON-LD error that stopped signing.
    """
    registry = suites or default_suites()
    document = prepare(credential, key, suite=suite, clock=clock)
    loader = contexts.document_loader
    signed = add_proof(document, key.key, suites=registry, suite=suite,
                       verification_method=key.verification_method, purpose=PURPOSE,
                       created=timestamp(clock), document_loader=loader)
    checker = ProofChecker(registry, key_lookup or self_check_lookup(key, clock), clock, loader)
    outcome = checker.verify(signed, purpose=PURPOSE, expected_controller=key.did)
    problem = _self_check_problem(outcome)
    if problem is not None:
        raise IssueError("issue.self_check_failed",
                         f"the signed credential did not verify ({problem.code}: {problem.message}); "
                         "nothing was issued", problem.path, details={"cause": problem.code})
    return signed
