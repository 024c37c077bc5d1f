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
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from .clock import parse_datetime
from .data_model import ENVELOPED, as_list, enveloped_token, type_names
from .errors import VCError
from .proofs import ProofOutcome, ProofResult
from .report import CheckResult, Status, VerificationReport

#: Key problems that mean "could not check" rather than "no".
_UNREACHABLE = ("fetch.", "did.not_found")


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


def _fail(code: str, message: str, path: str | None = None,
          details: dict[str, Any] | None = None, status: Status = Status.FAILED) -> CheckResult:
    return CheckResult("presentation", status, code, message, path, details or {})


def holder_id(document: Mapping[str, Any]) -> str | None:
    """The holder's identifier, from a string or an object's ``id`` (VCDM 2.0 allows both)."""
    holder = document.get("holder")
    if isinstance(holder, str):
        return holder
    if isinstance(holder, dict) and isinstance(holder.get("id"), str):
        return str(holder["id"])
    return None


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
