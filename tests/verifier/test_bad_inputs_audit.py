"""BAD_INPUTS.md section A, audited: where each item is tested, and the items tested here.

Every item 1–42 has a test asserting its stable code next to a positive twin. Most live beside
the code they exercise; this module holds the ones that were missing, and the Verifier-level
versions of items the issue wants end to end (fetches against the real local HTTPS host,
presentations, the poison graph).

====  ===========================================================================================
item  where
====  ===========================================================================================
1     verification/test_verifier_inputs.py::test_bad_json_is_a_failed_parse_check[not-json,
      json-string] (twin: test_good_badge_verifies_from_dict_text_and_bytes)
2     verification/test_bad_proofs.py::test_bad_proof[proof-null, proof-string, no-proof]
3     verification/test_bad_proofs.py::test_bad_proof[type-missing, type-unknown]
4     verification/test_bad_proofs.py::test_bad_proof[cryptosuite-*]
5     verification/test_bad_proofs.py::test_bad_proof[rdfc-rewritten-to-jcs]
6     verification/test_bad_proofs.py::test_bad_proof[proofvalue-missing, proofvalue-null]
7     verification/test_bad_proofs.py::test_bad_proof[proofvalue-no-header, proofvalue-u-header,
      proofvalue-bad-alphabet]
8     verification/test_bad_proofs.py::test_bad_proof[signature-63-bytes, signature-96-bytes]
9     verification/test_bad_proofs.py::test_bad_proof[last-byte-flipped]
10    verification/test_bad_proofs.py::test_bad_proof[subject-name-changed]
11    verification/test_bad_proofs.py::test_undefined_term_under_vc_v1_is_data_loss;
      canon/test_safe_mode.py::test_undefined_property
12    verification/test_bad_proofs.py::test_bad_proof[undefined-type]; canon/test_safe_mode.py
13    verification/test_verifier_inputs.py::test_bad_context[inline-base]; canon/test_safe_mode.py::
      test_inline_base, test_base_in_a_scoped_inline_context
14    verification/test_verifier_inputs.py::test_bad_context[missing, swapped, number, first-not-vc];
      model/test_format_rules.py::test_invalid_context
15    verification/test_verifier_inputs.py::test_bad_context[unpinned, examples-in-production],
      ::test_unpinned_context_makes_no_network_call; contexts/test_context_store.py;
      here: test_undefined_terms_context_is_not_allowed_in_production
16    verification/test_verifier_inputs.py::test_protected_term_redefinition_is_refused;
      canon/test_safe_mode.py::test_protected_term_redefinition
17    verification/test_bad_proofs.py::test_bad_proof[proof-context-differs]
18    verification/test_bad_proofs.py::test_bad_proof[purpose-*]
19    verification/test_bad_proofs.py::test_bad_proof[vm-*]
20    verification/test_bad_proofs.py::test_attacker_did_key_is_not_bound_to_a_did_web_issuer;
      did/test_verification_method_binding.py
21    verification/test_did_web_binding.py::test_attacker_key_under_the_issuer_did_is_not_in_its_document
22    verification/test_did_web_binding.py::test_authentication_only_key_cannot_issue
23    did/test_did_key_method.py::test_bad_did_key[short-key, x25519-codec, u-multibase,
      no-multibase-header, version-*] (twin: test_good_did_key_resolves)
24    verification/test_bad_proofs.py::test_bad_proof[did-key-fragment-mismatch]
25    verification/test_bad_proofs.py::test_bad_proof[created-*, expires-past]
26    model/test_validity_period.py (expired, not yet valid, empty period, 1.1 expirationDate)
27    model/test_format_rules.py::test_invalid_issuer (twin: test_valid_issuer_twins)
28    model/test_format_rules.py::test_invalid_subject (twin: test_valid_subject_twins)
29    model/test_format_rules.py::test_invalid_type, test_presentation_needs_verifiable_presentation_type
30    model/test_format_rules.py::test_property_without_type, test_related_resource_*
31    model/test_format_rules.py::test_invalid_identifier (twin: test_url_twins)
32    status/test_bitstring.py (bomb, no prefix, not gzip, indexes), status/test_checker.py (other
      issuer, purpose mismatch, bit set, bad indexes); a list under 131,072 bits still decides
      with a warning (status/test_checker.py::test_short_list_still_decides_with_a_warning:
      the short list harms other holders' privacy, not this answer); here, over HTTPS:
      test_refused_status_list_fetch_is_a_status_error[gzip-bomb]
33    fetch/test_requests_fetcher.py (http, redirect, private/loopback/IPv4-mapped addresses,
      size cap, Content-Encoding bomb, stalls); status/test_loopback.py; here, did:web and status
      list fetches through the Verifier against the real local HTTPS fixture host:
      test_refused_did_web_fetch_is_a_proof_error, test_refused_status_list_fetch_is_a_status_error
34    did/test_did_web_method.py::test_document_id_mismatch, test_did_web_url_rejects[dot-dot]
35    verification/test_verifier_inputs.py::test_bad_json_is_a_failed_parse_check (duplicate key,
      NaN, Infinity, depth 100,000, 5000 digits, size cap); test_jcs.py (lone surrogate);
      here: test_lone_surrogate_in_a_jcs_credential_is_invalid_jcs
36    canon/test_rdf_canon_suite.py::test_eight_clique_exceeds_the_default_budget (quads);
      here, as JSON-LD through the Verifier:
      test_eight_clique_in_the_subject_exceeds_the_canonicalization_budget
37    jwt/test_vc_jwt_attacks.py (alg none, HS256 with the public key in 4 forms, off-list alg,
      jwk/jku/x5u, foreign kid, crit, typ); jwt/test_jose_compact.py
38    sdjwt/test_disclosures.py::test_duplicate_disclosure, test_duplicate_digest (twin:
      test_duplicate_digest_twin_decoy_listed_once), test_unreferenced_disclosure,
      test_name_collision (twin: …_twin_distinct_names), test_reserved_name (``_sd``/``...``;
      twin), test_bad_array_arity (twin), test_unsupported_sd_alg (twin:
      test_supported_sd_alg_twin); sdjwt/test_key_binding.py::test_kb_missing,
      test_kb_invalid (wrong or missing nonce and aud, two audiences, sd_hash mismatch, stale
      iat, wrong key, …; twins: test_valid_key_binding_twin, test_kb_boundaries_twin); end to
      end through the Verifier: sdjwt/test_verifier_sdjwt.py
39    here: test_missing_or_wrong_challenge_or_domain_is_refused, test_reused_challenge_is_refused,
      test_assertion_method_purpose_on_a_presentation_is_refused,
      test_presentation_signed_by_another_key_than_the_holders_is_refused,
      test_credential_given_as_a_plain_string_is_refused (twins: the two "…_verifies" tests)
40    verification/test_bad_proofs.py::test_ed25519signature2020_with_a_foreign_canonicalization_fails
41    verification/test_bad_proofs.py::test_proof_set_with_one_bad_proof_fails_at_that_proof,
      test_previous_proof_must_name_an_earlier_proof_of_the_set; suites/test_ob3_and_chain_vectors.py;
      test_interop_verdicts.py (the DI proof-chain fixtures)
42    model/test_openbadges_ob3.py::test_ob3_rule_broken (no AchievementSubject/achievement, no OB
      context), ::test_1edtech_shape_errors_fail (the 1EdTech JSON Schema shapes);
      baked/test_read_svg.py::test_embedded_json_differs_from_displayed (baked ≠ displayed)
====  ===========================================================================================

Paths are relative to ``tests/verifier/``. The one fetch refusal not repeated against the fixture
host is the Content-Encoding gzip bomb: the host serves files as they are and has no way to send
a ``Content-Encoding`` header, so that case stays on the loopback server of
``fetch/test_requests_fetcher.py::test_content_encoding``.
"""

from __future__ import annotations

import copy
import json
import zlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures_host.conftest import fixture_host_factory  # noqa: F401  (the fixture)
from tests.verifier.status.helpers import entry, status_list
from verifier.clock import FixedClock
from verifier.contexts import ContextStore
from verifier.fetch import Fetcher, StaticFetcher
from verifier.key_lookup import ResolverKeyLookup
from verifier.keys import Ed25519KeyPair
from verifier.multibase import b64url_encode, multibase_encode
from verifier.presentation import MemoryChallengeStore
from verifier.proofs import add_proof
from verifier.report import Status, VerificationReport
from verifier.suites import default_suites
from verifier.verification import Verifier

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
V2 = "https://www.w3.org/ns/credentials/v2"
OB = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
ISSUER = Ed25519KeyPair.from_seed(b"audit issuer key".ljust(32, b"."))
HOLDER = Ed25519KeyPair.from_seed(b"audit holder key".ljust(32, b"."))
STRANGER = Ed25519KeyPair.from_seed(b"audit stranger key".ljust(32, b"."))


def vm_of(key: Ed25519KeyPair) -> str:
    return f"{key.public.did_key}#{key.public.multibase}"


def badge(issuer: str, **extra: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "@context": [V2, OB],
        "id": "urn:uuid:5a3c0e7e-8f61-4c55-9a3e-2b1d7c0f4a10",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Restorative Classroom Circles",
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Riverbend Teacher Academy"},
        "validFrom": "2025-09-01T00:00:00Z",
        "credentialSubject": {
            "id": "did:example:teacher-alvarez",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://academy.riverbend.example/achievements/circles",
                "type": ["Achievement"],
                "name": "Restorative Classroom Circles",
                "criteria": {"narrative": "Led six circles and wrote a reflection."},
            },
        },
    }
    doc.update(extra)
    return doc


@pytest.fixture(scope="module")
def loader(interop: Path) -> Any:
    return ContextStore(directories=[interop / "contexts"], production=True).document_loader


@pytest.fixture(scope="module")
def sign(loader: Any) -> Callable[..., dict[str, Any]]:
    def _sign(doc: dict[str, Any], key: Ed25519KeyPair = ISSUER, *, vm: str | None = None,
              purpose: str = "assertionMethod", suite: str = "eddsa-rdfc-2022",
              **extra: Any) -> dict[str, Any]:
        return add_proof(copy.deepcopy(doc), key, suites=default_suites(), suite=suite,
                         verification_method=vm or vm_of(key), purpose=purpose,
                         created="2025-09-01T00:00:00Z", document_loader=loader, extra=extra or None)
    return _sign


def make_verifier(interop: Path, fetcher: Fetcher | None = None, **kwargs: Any) -> Verifier:
    clock = FixedClock(NOW)
    fetcher = fetcher or StaticFetcher({})
    return Verifier(contexts=ContextStore(directories=[interop / "contexts"], production=True),
                    keys=ResolverKeyLookup.create(fetcher, clock), fetcher=fetcher, clock=clock,
                    **kwargs)


@pytest.fixture(scope="module")
def verifier(interop: Path) -> Verifier:
    return make_verifier(interop)


def codes(report: VerificationReport) -> dict[str, str | None]:
    """check id → code, for every failed or errored check."""
    return {c.id: c.code for c in report.checks if c.status in (Status.FAILED, Status.ERROR)}


# -- 15. undefined-terms/v2 is refused in production ------------------------------------------------

def test_undefined_terms_context_is_not_allowed_in_production(  # BAD_INPUTS 15
        verifier: Verifier, sign: Callable[..., dict[str, Any]]) -> None:
    good = sign(badge(ISSUER.public.did_key))
    assert verifier.verify_credential(good).verified  # the positive twin
    doc = copy.deepcopy(good)
    doc["@context"] = [V2, OB, "https://www.w3.org/ns/credentials/undefined-terms/v2"]
    report = verifier.verify_credential(doc)
    assert not report.verified
    assert codes(report)["context"] == "context.not_allowed"


# -- 35. a lone surrogate in a JCS-signed credential -------------------------------------------------

def test_lone_surrogate_in_a_jcs_credential_is_invalid_jcs(  # BAD_INPUTS 35
        verifier: Verifier, sign: Callable[..., dict[str, Any]]) -> None:
    signed = sign(badge(ISSUER.public.did_key), suite="eddsa-jcs-2022")
    text = json.dumps(signed)
    assert verifier.verify_credential(text.encode()).verified  # the positive twin, as bytes
    poisoned = text.replace('"Restorative Classroom Circles"', '"\\ud800"', 1)
    assert poisoned != text
    report = verifier.verify_credential(poisoned.encode())
    assert not report.verified
    assert codes(report)["proof"] == "jcs.invalid"


# -- 36. a symmetric blank-node graph in the subject ---------------------------------------------------

def clique_subject(size: int) -> dict[str, Any]:
    """``size`` blank nodes, each linked to every other one: RDFC's worst case, in JSON-LD."""
    link = "https://academy.riverbend.example/vocab#peer"
    nodes = [{"@id": f"_:n{i}", link: [{"@id": f"_:n{j}"} for j in range(size) if j != i]}
             for i in range(size)]
    return {"id": "did:example:teacher-alvarez", "https://academy.riverbend.example/vocab#cohort": nodes}


def test_eight_clique_in_the_subject_exceeds_the_canonicalization_budget(  # BAD_INPUTS 36
        verifier: Verifier, sign: Callable[..., dict[str, Any]]) -> None:
    small = sign(badge(ISSUER.public.did_key, type=["VerifiableCredential"],
                       credentialSubject=clique_subject(3)))
    assert verifier.verify_credential(small).verified  # a small symmetric graph is fine
    poison = badge(ISSUER.public.did_key, type=["VerifiableCredential"], credentialSubject=clique_subject(8))
    assert 1500 < len(json.dumps(poison["credentialSubject"])) < 2500  # about 1.9 KB, as the item says
    # Signing it would hit the budget too, so the proof is well formed but never computed.
    poison["proof"] = {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022",
                       "created": "2025-09-01T00:00:00Z", "verificationMethod": vm_of(ISSUER),
                       "proofPurpose": "assertionMethod", "proofValue": multibase_encode(bytes(64))}
    report = verifier.verify_credential(poison)
    assert not report.verified
    assert codes(report)["proof"] == "canonicalization.limit_exceeded"


# -- 33. did:web and status-list fetches against the real local HTTPS host -----------------------------

DOMAIN = "issuer.audit.example"
DID = f"did:web:{DOMAIN}"
DID_VM = f"{DID}#key-1"
MOVED, BIG, STALLED = "moved.audit.example", "big.audit.example", "stalled.audit.example"
ELSEWHERE = "elsewhere.audit.example"
WELL_KNOWN = "/.well-known/did.json"


def did_document(did: str) -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": [{"id": f"{did}#key-1", "type": "Multikey", "controller": did,
                                "publicKeyMultibase": ISSUER.public.multibase}],
        "assertionMethod": [f"{did}#key-1"],
    }


def status_url(name: str) -> str:
    return f"https://{DOMAIN}/status/{name}"


def gzip_bomb(inflated_mib: int = 256) -> str:
    """About 250 KB of gzip inflating to ``inflated_mib`` MiB, as a multibase ``u`` string."""
    deflater = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = bytes(1 << 20)
    parts = [deflater.compress(zeros) for _ in range(inflated_mib)]
    parts.append(deflater.flush())
    return "u" + b64url_encode(b"".join(parts))


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


@pytest.fixture(scope="module")
def host_root(tmp_path_factory: pytest.TempPathFactory, sign: Callable[..., dict[str, Any]]) -> Path:
    """One issuer's site (DID document, status lists) plus DIDs whose documents misbehave."""
    root = tmp_path_factory.mktemp("audit-hosts")
    for domain in (DOMAIN, MOVED, STALLED):
        _write(root / domain / WELL_KNOWN.lstrip("/"), json.dumps(did_document(f"did:web:{domain}")).encode())
    oversized = did_document(f"did:web:{BIG}")
    oversized["service"] = [{"id": f"did:web:{BIG}#pad", "type": "Padding", "serviceEndpoint": "x" * 300_000}]
    _write(root / BIG / WELL_KNOWN.lstrip("/"), json.dumps(oversized).encode())
    (root / ELSEWHERE).mkdir()
    status = root / DOMAIN / "status"
    good = status_list(set_bits=[42], url=status_url("1"), issuer=DID)
    del good["proof"]
    _write(status / "1", json.dumps(sign(good, vm=DID_VM)).encode())
    bomb = status_list(url=status_url("bomb"), issuer=DID)
    del bomb["proof"]
    bomb["credentialSubject"]["encodedList"] = gzip_bomb()
    _write(status / "bomb", json.dumps(sign(bomb, vm=DID_VM)).encode())
    big = json.loads((status / "1").read_text())
    _write(status / "big", json.dumps(big).encode() + b" " * (1024 * 1024 + 1))
    return root


@pytest.fixture(scope="module")
def signed_by_did_web(sign: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    def _make(domain: str = DOMAIN, status: str | None = None, index: str = "7") -> dict[str, Any]:
        did = f"did:web:{domain}"
        extra = {"credentialStatus": entry(index, url=status_url(status))} if status else {}
        return sign(badge(did, **extra), vm=f"{did}#key-1")
    return _make


@pytest.fixture
def hosted(request: pytest.FixtureRequest, host_root: Path, interop: Path) -> Iterator[Verifier]:
    """A Verifier whose only network is the fixture host (real TLS, real RequestsFetcher)."""
    host = request.getfixturevalue("fixture_host_factory")(
        host_root,
        redirects={f"{MOVED}{WELL_KNOWN}": f"https://{ELSEWHERE}{WELL_KNOWN}",
                   "/status/moved": f"https://{ELSEWHERE}/status/1"},
        stalls={f"{STALLED}{WELL_KNOWN}", "/status/stalled"},
        stall_seconds=30.0)  # the longest the host allows; stopping the host cuts it short
    # A stall must outlast the read timeout, and every honest answer (a 1 MiB list included) must
    # beat it even with both cores busy: a short timeout would turn "too large" into "timeout".
    yield make_verifier(interop, host.fetcher(timeout=(10.0, 3.0), total_timeout=30.0))


def test_did_web_and_status_list_from_the_fixture_host_decide(  # BAD_INPUTS 33
        hosted: Verifier, signed_by_did_web: Callable[..., dict[str, Any]]) -> None:
    clear = hosted.verify_credential(signed_by_did_web(status="1", index="7"))
    assert clear.verified, codes(clear)
    status = clear.check("status")
    assert status is not None and status.status is Status.PASSED
    revoked = hosted.verify_credential(signed_by_did_web(status="1", index="42"))
    assert codes(revoked) == {"status": "status.revoked"}


@pytest.mark.parametrize(("domain", "code"), [
    (MOVED, "fetch.redirect_refused"),
    (BIG, "fetch.too_large"),
    (STALLED, "fetch.timeout"),
], ids=["redirect", "oversize", "stall"])
def test_refused_did_web_fetch_is_a_proof_error(  # BAD_INPUTS 33
        hosted: Verifier, signed_by_did_web: Callable[..., dict[str, Any]], domain: str, code: str) -> None:
    report = hosted.verify_credential(signed_by_did_web(domain))
    assert not report.verified
    proof = report.check("proof")
    assert proof is not None
    assert (proof.status, proof.code) == (Status.ERROR, code)


@pytest.mark.parametrize(("name", "code", "underlying"), [
    ("moved", "status.unknown", "fetch.redirect_refused"),
    ("big", "status.unknown", "fetch.too_large"),
    ("stalled", "status.unknown", "fetch.timeout"),
    ("bomb", "status.list_too_large", None),
], ids=["redirect", "oversize", "stall", "gzip-bomb"])
def test_refused_status_list_fetch_is_a_status_error(  # BAD_INPUTS 33
        hosted: Verifier, signed_by_did_web: Callable[..., dict[str, Any]], name: str, code: str,
        underlying: str | None) -> None:
    report = hosted.verify_credential(signed_by_did_web(status=name))
    assert not report.verified
    status = report.check("status")
    assert status is not None
    assert (status.status, status.code) == (Status.ERROR, code)
    assert status.details.get("underlying_code") == underlying
    assert codes(report) == {"status": code}  # the credential itself is sound


# -- 39. presentations --------------------------------------------------------------------------------

CHALLENGE = "8q3v-challenge-from-riverbend-hr"
DOMAIN_HR = "hr.riverbend.example"


@pytest.fixture
def vp_verifier(interop: Path) -> Verifier:
    return make_verifier(interop, challenges=MemoryChallengeStore())


@pytest.fixture(scope="module")
def vc(sign: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    return sign(badge(ISSUER.public.did_key))


def presentation(credentials: list[Any], holder: Any = None) -> dict[str, Any]:
    return {"@context": [V2], "type": ["VerifiablePresentation"],
            "holder": HOLDER.public.did_key if holder is None else holder,
            "verifiableCredential": credentials}


def present(sign: Callable[..., dict[str, Any]], doc: dict[str, Any], key: Ed25519KeyPair = HOLDER,
            purpose: str = "authentication", **options: Any) -> dict[str, Any]:
    options = {"challenge": CHALLENGE, "domain": DOMAIN_HR, **options}
    options = {k: v for k, v in options.items() if v is not None}
    return sign(doc, key, purpose=purpose, **options)


def presentation_code(report: VerificationReport) -> str | None:
    result = report.check("presentation")
    assert result is not None
    return result.code


def test_presentation_answering_the_challenge_and_domain_verifies(  # BAD_INPUTS 39
        vp_verifier: Verifier, sign: Callable[..., dict[str, Any]], vc: dict[str, Any]) -> None:
    vp = present(sign, presentation([vc]))
    report = vp_verifier.verify_presentation(vp, challenge=CHALLENGE, domain=DOMAIN_HR)
    assert report.verified, [r.to_json() for r in (report, *report.credentials)]
    assert [r.verified for r in report.credentials] == [True]


def test_presentation_holder_given_as_an_object_verifies(  # BAD_INPUTS 39
        vp_verifier: Verifier, sign: Callable[..., dict[str, Any]], vc: dict[str, Any]) -> None:
    vp = present(sign, presentation([vc], holder={"id": HOLDER.public.did_key, "name": "M. Alvarez"}))
    report = vp_verifier.verify_presentation(vp, challenge=CHALLENGE, domain=DOMAIN_HR)
    assert report.verified, report.to_json()


@pytest.mark.parametrize(("signed_with", "asked", "code"), [
    ({"challenge": None}, {}, "presentation.challenge_mismatch"),
    ({}, {"challenge": "another-challenge"}, "presentation.challenge_mismatch"),
    ({}, {"challenge": None}, "presentation.challenge_mismatch"),
    ({}, {"domain": "hr.elsewhere.example"}, "presentation.domain_mismatch"),
    ({"domain": "hr.elsewhere.example"}, {}, "presentation.domain_mismatch"),
], ids=["not-in-proof", "wrong", "not-asked", "wrong-domain-asked", "wrong-domain-signed"])
def test_missing_or_wrong_challenge_or_domain_is_refused(  # BAD_INPUTS 39
        vp_verifier: Verifier, sign: Callable[..., dict[str, Any]], vc: dict[str, Any],
        signed_with: dict[str, Any], asked: dict[str, Any], code: str) -> None:
    vp = present(sign, presentation([vc]), **signed_with)
    request = {"challenge": CHALLENGE, "domain": DOMAIN_HR, **asked}
    report = vp_verifier.verify_presentation(vp, **request)
    assert not report.verified
    assert presentation_code(report) == code


def test_reused_challenge_is_refused(  # BAD_INPUTS 39
        vp_verifier: Verifier, sign: Callable[..., dict[str, Any]], vc: dict[str, Any]) -> None:
    vp = present(sign, presentation([vc]))
    first = vp_verifier.verify_presentation(vp, challenge=CHALLENGE, domain=DOMAIN_HR)
    assert first.verified
    again = vp_verifier.verify_presentation(vp, challenge=CHALLENGE, domain=DOMAIN_HR)
    assert not again.verified
    assert presentation_code(again) == "presentation.challenge_reused"


def test_assertion_method_purpose_on_a_presentation_is_refused(  # BAD_INPUTS 39
        vp_verifier: Verifier, sign: Callable[..., dict[str, Any]], vc: dict[str, Any]) -> None:
    vp = present(sign, presentation([vc]), purpose="assertionMethod")
    report = vp_verifier.verify_presentation(vp, challenge=CHALLENGE, domain=DOMAIN_HR)
    assert not report.verified
    assert codes(report)["proof"] == "proof.invalid_purpose"
    assert presentation_code(report) == "presentation.invalid"


@pytest.mark.parametrize("holder_form", ["string", "object"])
def test_presentation_signed_by_another_key_than_the_holders_is_refused(  # BAD_INPUTS 39
        vp_verifier: Verifier, sign: Callable[..., dict[str, Any]], vc: dict[str, Any],
        holder_form: str) -> None:
    holder = HOLDER.public.did_key if holder_form == "string" else {"id": HOLDER.public.did_key}
    vp = present(sign, presentation([vc], holder=holder), key=STRANGER)
    report = vp_verifier.verify_presentation(vp, challenge=CHALLENGE, domain=DOMAIN_HR)
    assert not report.verified
    assert presentation_code(report) == "presentation.holder_mismatch"


def test_credential_given_as_a_plain_string_is_refused(  # BAD_INPUTS 39
        vp_verifier: Verifier, sign: Callable[..., dict[str, Any]], vc: dict[str, Any]) -> None:
    vp = present(sign, presentation([vc, "Restorative Classroom Circles, awarded 2025"]))
    report = vp_verifier.verify_presentation(vp, challenge=CHALLENGE, domain=DOMAIN_HR)
    assert not report.verified
    assert codes(report)["format"] == "presentation.invalid"
    assert [r.verified for r in report.credentials] == [True, False]
    nested = report.credentials[1].checks[0]
    assert (nested.id, nested.status) == ("parse", Status.FAILED)
