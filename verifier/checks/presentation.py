"""The ``presentation`` check: bound to this request, by this holder, used once.

A presentation proves something only to the verifier that asked for it. The rule is one proof,
read whole, never pieces of several:

* **Every proof must be the holder's, and must verify.** A presentation is the holder speaking;
  a proof by anyone else is refused (``presentation.foreign_proof``), because otherwise a captured
  presentation plus one extra proof signed by anybody would carry a fresh challenge. A proof
  whose signature, dates or key binding fail (``presentation.proof_invalid``,
  ``presentation.holder_mismatch``) fails the presentation even beside a good one.
* **Only ``authentication`` proofs.** A proof with any other ``proofPurpose`` (say
  ``assertionMethod``) on a presentation is refused (``presentation.invalid``): it does not say
  "I, the holder, present this to you", and accepting it beside an authentication proof would let
  a signature made for another purpose ride along. Fail closed.
* **One binding proof.** At least one of those proofs must itself carry the asked ``challenge``
  (equal) and the asked ``domain`` (equal, or listed), and an ``expires`` that has not passed if
  it has one. Challenge, domain, expiry and signer are never combined across proofs.
* **Issued, and used once.** With a :class:`ChallengeStore` the challenge must be one the store
  issued (``presentation.challenge_unknown``) and not already spent
  (``presentation.challenge_reused``); a presentation that passes spends it, atomically.

It also says whether the credentials inside are about the presenter (``subject binding``): a
credential whose subject ids do not include the holder is ``presentation.subject_mismatch``,
a warning by default and a failure under ``Policy(require_subject_binding=True)``. A subject
known only by an ``identityHash`` (an Open Badges email recipient) cannot be compared with a
DID; for it the recipient check (``recipient=`` / ``--recipient``) applies instead.

The same ledger rules hold for an SD-JWT VC presented with key binding: its nonce is the
challenge (:func:`challenge_not_issued`, :func:`sd_jwt_nonce`). And a bare credential sent where
a presentation was asked for fails this check (:func:`not_an_answer`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from ..clock import parse_datetime
from ..errors import VCError
from ..presentation import ChallengeStore, SubjectFinding, holder_id, subject_findings
from ..proofs import ProofOutcome, ProofResult
from ..report import CheckResult, Status, VerificationReport
from ..sdjwt.verify import KB_VERIFIED

#: Key problems that mean "could not check" rather than "no".
_UNREACHABLE = ("fetch.", "did.not_found")


def _fail(code: str, message: str, path: str | None = None,
          details: dict[str, Any] | None = None, status: Status = Status.FAILED) -> CheckResult:
    return CheckResult("presentation", status, code, message, path, details or {})


# -- which proof is whose -------------------------------------------------------------------------

def _raw_proofs(document: Mapping[str, Any]) -> list[Any]:
    raw = document.get("proof")
    return list(raw) if isinstance(raw, list) else [raw]


def _where(document: Mapping[str, Any], index: int) -> str:
    return f"$.proof[{index}]" if isinstance(document.get("proof"), list) else "$.proof"


def _claimed_controller(proof: Mapping[str, Any]) -> str | None:
    """The controller a proof's verificationMethod names (the part before ``#``), or ``None``.

    Read from the URL, not the resolved document, so a proof that failed before its key was
    looked up (expired, bad purpose) is still attributed to whoever it claims to be.
    """
    vm = proof.get("verificationMethod")
    if isinstance(vm, dict):
        vm = vm.get("id")
    if not isinstance(vm, str) or not vm:
        return None
    return vm.split("#", 1)[0] or None


def _controller(proof: Mapping[str, Any], result: ProofResult | None) -> str | None:
    """Who signed: the resolved controller when the key was looked up, else the claimed one."""
    if result is not None and result.binding is not None and result.binding.controller:
        # A resolved controller other than the claimed one is someone else's key either way.
        return result.binding.controller
    return _claimed_controller(proof)


def _domains(proof: Mapping[str, Any]) -> list[Any]:
    value = proof.get("domain")
    return value if isinstance(value, list) else [value]


def _unexpired(proof: Mapping[str, Any], now: datetime | None) -> bool:
    if "expires" not in proof:
        return True
    try:
        expires = parse_datetime(proof["expires"])
    except (ValueError, TypeError):
        return False
    return now is None or expires >= now


def _proof_failure(result: ProofResult | None, where: str, index: int) -> CheckResult | None:
    """Why one of the holder's own proofs does not count, or ``None`` when it verifies and is bound."""
    if result is None:
        return _fail("presentation.proof_invalid",
                     "a proof of the presentation was not checked (an earlier proof failed): every "
                     "proof must verify", where, {"proof": index})
    binding = result.binding
    if result.error is not None:
        cause = result.error.code
        if cause.startswith(_UNREACHABLE):
            return _fail(cause, f"could not check the holder's proof: {result.error.message}", where,
                         {"proof": index, "cause": cause}, Status.ERROR)
        if binding is not None and binding.problem is not None and binding.public_key is None:
            return _fail("presentation.holder_mismatch",
                         f"the holder's key for this proof could not be used ({cause})", where,
                         {"proof": index, "cause": cause})
        return _fail("presentation.proof_invalid",
                     f"a proof of the presentation does not verify ({cause}): every proof must",
                     where, {"proof": index, "cause": cause})
    if binding is None or not binding.bound:
        problem = binding.problem if binding is not None else None
        cause = problem.code if problem is not None else "vm.not_found"
        if cause.startswith(_UNREACHABLE):
            return _fail(cause, "could not confirm that the proof's key is the holder's", where,
                         {"proof": index, "cause": cause}, Status.ERROR)
        return _fail("presentation.holder_mismatch",
                     f"the proof's key is not the holder's authentication key ({cause})", where,
                     {"proof": index, "cause": cause})
    return None


def _binding_failure(document: Mapping[str, Any], outcome: ProofOutcome | None, *,
                     challenge: str, domain: str, now: datetime | None) -> CheckResult | tuple[int, str]:
    """The first reason the proofs do not bind the presentation, else ``(index, holder)`` of the
    binding proof."""
    if outcome is None:
        return _fail("presentation.invalid",
                     "the presentation's proofs were not checked (its contexts could not be loaded)",
                     "$.proof")
    if outcome.error is not None:
        return _fail("presentation.invalid", f"the presentation has no usable proof "
                     f"({outcome.error.code})", outcome.error.path or "$.proof",
                     {"cause": outcome.error.code})
    proofs = _raw_proofs(document)
    if not proofs or not all(isinstance(p, dict) for p in proofs):
        return _fail("presentation.invalid", "the presentation has no usable proof", "$.proof")
    for index, proof in enumerate(proofs):
        if proof.get("proofPurpose") != "authentication":
            return _fail("presentation.invalid",
                         "every proof on a presentation must have proofPurpose authentication; "
                         f"this one has {proof.get('proofPurpose')!r}",
                         _where(document, index) + ".proofPurpose", {"proof": index})
    holder = holder_id(document)
    if holder is None:
        return _fail("presentation.holder_mismatch",
                     "the presentation names no holder, so the signer cannot be bound to anyone",
                     "$.holder")
    results = {r.index: r for r in outcome.results}
    signers = [_controller(p, results.get(i)) for i, p in enumerate(proofs)]
    if holder not in signers:
        problem = next((r.binding.problem for r in outcome.results
                        if r.binding is not None and r.binding.problem is not None), None)
        return _fail("presentation.holder_mismatch",
                     f"the presentation was not signed by its holder {holder}"
                     + (f" ({problem.code})" if problem else ""), _where(document, 0) + ".verificationMethod",
                     {"signers": [s for s in signers if s]})
    for index, signer in enumerate(signers):
        if signer is not None and signer != holder:
            return _fail("presentation.foreign_proof",
                         f"a proof on the presentation was made by {signer}, not by the holder "
                         f"{holder}: only the holder may sign a presentation",
                         _where(document, index) + ".verificationMethod",
                         {"proof": index, "signer": signer, "holder": holder})
    for index in range(len(proofs)):
        failure = _proof_failure(results.get(index), _where(document, index), index)
        if failure is not None:
            return failure
    with_challenge = [i for i, p in enumerate(proofs) if p.get("challenge") == challenge]
    if not with_challenge:
        return _fail("presentation.challenge_mismatch",
                     "no proof of the holder carries this challenge: the presentation was made for "
                     "another request (or none), and may be a replay", _where(document, 0) + ".challenge")
    binding = [i for i in with_challenge if domain in _domains(proofs[i])]
    if not binding:
        return _fail("presentation.domain_mismatch",
                     "the proof that carries this challenge was made for another verifier's domain",
                     _where(document, with_challenge[0]) + ".domain")
    fresh = [i for i in binding if _unexpired(proofs[i], now)]
    if not fresh:
        return _fail("presentation.proof_invalid", "the proof that binds this request has expired",
                     _where(document, binding[0]) + ".expires",
                     {"proof": binding[0], "cause": "proof.expired"})
    return fresh[0], holder


# -- the challenge ledger ---------------------------------------------------------------------------

def challenge_not_issued(challenges: ChallengeStore | None, challenge: str,
                         domain: str | None) -> CheckResult | None:
    """A failed ``presentation`` check when ``challenges`` never issued ``challenge`` (for
    ``domain``); an ``error`` one when the store cannot be read; ``None`` when it was issued.

    Shared by JSON-LD presentations and SD-JWT key binding, so both follow one ledger rule.
    """
    if challenges is None:
        return None
    try:
        issued = challenges.was_issued(challenge, domain)
    except VCError as exc:
        return _fail(exc.code, f"could not read the challenge store: {exc.message}", None,
                     {"cause": exc.code}, Status.ERROR)
    if issued:
        return None
    return _fail("presentation.challenge_unknown",
                 "this challenge was not issued by this verifier (for this domain): answer only "
                 "challenges you sent with 'vcwallet request create', or opt out with --no-ledger",
                 "$.proof.challenge")


def _spent(challenges: ChallengeStore, challenge: str) -> CheckResult | None:
    try:
        if challenges.was_used(challenge):
            return _fail("presentation.challenge_reused",
                         "this challenge was already used by an accepted presentation", "$.proof.challenge")
    except VCError as exc:
        return _fail(exc.code, f"could not read the challenge store: {exc.message}", None,
                     {"cause": exc.code}, Status.ERROR)
    return None


def sd_jwt_nonce(report: VerificationReport, nonce: str | None,
                 challenges: ChallengeStore | None) -> VerificationReport:
    """Add the ``presentation`` check to an SD-JWT VC's report: a nonce lets one key-bound
    presentation through, once.

    Only a report whose key binding was verified is concerned. A nonce already spent fails
    with ``presentation.challenge_reused``; a passing report spends it.
    """
    disclosure = report.check("disclosure")
    if (nonce is None or challenges is None or disclosure is None
            or disclosure.details.get("keyBinding") != KB_VERIFIED):
        return report
    if challenges.was_used(nonce):
        check = CheckResult("presentation", Status.FAILED, "presentation.challenge_reused",
                            "this challenge (nonce) was already answered by a presentation that "
                            "passed: this one may be a replay")
    elif report.verified:
        if challenges.mark_used(nonce):  # check-and-set: two racing answers cannot both pass
            check = CheckResult("presentation", Status.PASSED, None,
                                "the presentation answers this verifier's challenge, for the first time")
        else:
            check = CheckResult("presentation", Status.FAILED, "presentation.challenge_reused",
                                "this challenge (nonce) was answered by another presentation at "
                                "the same moment: this one may be a replay")
    else:
        return report
    return VerificationReport(report.input, report.format, (*report.checks, check), report.credentials)


# -- subject binding ------------------------------------------------------------------------------

def _recipient_matched(report: VerificationReport | None) -> bool:
    check = report.check("openbadges") if report is not None else None
    return check is not None and check.details.get("recipient") == "matched"


def _subject_result(findings: Sequence[SubjectFinding], nested: Sequence[VerificationReport],
                    holder: str, require: bool) -> CheckResult | None:
    """A ``subject_mismatch`` warning (or failure under ``require``), or ``None`` when all is bound."""
    details = {"holder": holder, "subjects": [f.to_json() for f in findings]}
    mismatched = [f for f in findings if f.binding == "mismatch"]
    if require:
        mismatched += [f for f in findings if f.binding in ("unnamed", "not_read")]
        unmatched = [f for f in findings if f.binding == "recipient"
                     and not _recipient_matched(nested[f.index] if f.index < len(nested) else None)]
        if not mismatched and unmatched:
            return _fail("presentation.recipient_required",
                         f"credential #{unmatched[0].index} names its recipient only by a hashed "
                         "identifier: give the expected recipient (--recipient) to bind it to the "
                         "presenter", f"$.verifiableCredential[{unmatched[0].index}].credentialSubject",
                         details)
    if not mismatched:
        return None
    first = mismatched[0]
    named = ", ".join(first.subjects) if first.subjects else "no subject the presenter can be matched to"
    return _fail("presentation.subject_mismatch",
                 f"credential #{first.index} is about {named}, not the presenter {holder}"
                 + ("" if require else ": the holder may be presenting someone else's credential"),
                 f"$.verifiableCredential[{first.index}].credentialSubject", details,
                 Status.FAILED if require else Status.WARNING)


# -- the check ------------------------------------------------------------------------------------

def not_an_answer(report: VerificationReport) -> VerificationReport:
    """``report`` (of a bare credential) with a failed ``presentation`` check, for when a
    challenge was asked: a credential carries no challenge, so anyone holding a copy could send
    it. Without this a VC-JWT or a baked image sent in answer to a request would verify."""
    check = _fail("presentation.challenge_mismatch",
                  "a challenge was asked, but this is a credential, not a presentation made for "
                  "this request: anyone holding a copy could send it", "$")
    return VerificationReport(report.input, report.format, (*report.checks, check), report.credentials)


def check_presentation(document: Mapping[str, Any], outcome: ProofOutcome | None, *,
                       challenge: str | None, domain: str | None,
                       challenges: ChallengeStore | None = None,
                       credentials_ok: bool = True, now: datetime | None = None,
                       nested: Sequence[VerificationReport] = (),
                       require_subject_binding: bool = False) -> CheckResult:
    """Decide whether the presentation answers this verifier's request, once, by its holder.

    ``credentials_ok`` says whether everything else in the report passed; only then is the
    challenge spent. ``nested`` are the embedded credentials' reports, in order (for the
    recipient check of hashed-identifier subjects).
    """
    if not challenge or not domain:
        return _fail("presentation.challenge_mismatch" if not challenge else "presentation.domain_mismatch",
                     "a presentation is only meaningful for a request: give the challenge and "
                     "domain you asked for (--challenge, --domain)")
    bound = _binding_failure(document, outcome, challenge=challenge, domain=domain, now=now)
    if isinstance(bound, CheckResult):
        return bound
    index, holder = bound
    problem = challenge_not_issued(challenges, challenge, domain)
    if problem is None and challenges is not None:
        problem = _spent(challenges, challenge)
    if problem is not None:
        return problem
    subjects = _subject_result(subject_findings(document, holder), nested, holder,
                               require_subject_binding)
    if subjects is not None and subjects.status is Status.FAILED:
        return subjects
    if challenges is not None and credentials_ok:
        try:
            newly = challenges.mark_used(challenge)
        except VCError as exc:
            return _fail(exc.code, f"could not record the challenge as used: {exc.message}", None,
                         {"cause": exc.code}, Status.ERROR)
        if newly is False:
            return _fail("presentation.challenge_reused",
                         "this challenge was just used by another accepted presentation",
                         "$.proof.challenge")
    where = _where(document, index)
    if subjects is not None:
        return CheckResult("presentation", Status.WARNING, subjects.code,
                           f"made for this request and signed by the holder {holder}; but "
                           f"{subjects.message}", subjects.path,
                           dict(subjects.details, bindingProof=where))
    return CheckResult("presentation", Status.PASSED, None,
                       f"made for this request (challenge and domain match, in one proof) and "
                       f"signed by the holder {holder}", details={"bindingProof": where})
