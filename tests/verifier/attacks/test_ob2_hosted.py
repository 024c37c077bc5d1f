"""Attacks on hosted Open Badges 2.0: only the issuer's published Profile sets the rules.

The attacker writes the assertion JSON and everything embedded in it, and can publish files on
their own origin. Each attack has a positive twin: the same input, unattacked, verifies.
"""

from __future__ import annotations

import json

from verifier.report import Status

from .ob2_world import (
    EVIL,
    HOSTED,
    ISSUER,
    ORIGIN,
    PRESTIGE,
    REVOCATIONS,
    as_file,
    badge_class,
    code,
    genuine,
    hosted,
    issuer,
    rsa_key,
    served,
    verify,
    with_changes,
)

FOREIGN = f"{EVIL}/assertions/5f2e.json"


def test_genuine_hosted_assertion_verifies() -> None:
    report = verify(as_file(hosted()), genuine(rsa_key("issuer")))
    assert report.verified, report.to_json()
    assert report.format == "ob2"
    assert [code(report, c) for c in ("proof", "validity", "trust", "openbadges")] == ["passed"] * 4
    assert report.check("proof").details["issuer"] == ISSUER


# -- where the assertion may live ------------------------------------------------------------


def test_assertion_on_attacker_origin_fails() -> None:
    world = {**genuine(rsa_key("issuer")), **served(hosted(FOREIGN))}
    report = verify(as_file(hosted(FOREIGN)), world)
    assert not report.verified
    assert code(report, "proof") == "openbadges.origin_mismatch"
    # twin: the same assertion at the issuer's origin
    assert verify(as_file(hosted()), world).verified


def test_embedded_allowed_origins_cannot_widen_the_issuers_policy() -> None:
    widened = issuer(verification={"type": "VerificationObject", "allowedOrigins": ["attacker.example"]})
    doc = hosted(FOREIGN, badge=badge_class(issuer=widened))
    world = {**genuine(rsa_key("issuer")), **served(doc)}
    for given in (as_file(doc), as_file(hosted(FOREIGN))):  # embedded, or only on the host
        report = verify(given, world)
        assert not report.verified
        assert code(report, "proof") == "openbadges.embedded_mismatch"
    # twin: the issuer itself publishes that policy, so the very same document verifies
    world.update(served(widened))
    assert verify(as_file(doc), world).verified


def test_starts_with_prefix_is_bound_to_its_origin() -> None:
    sibling = f"{ORIGIN}.attacker.example/assertions/5f2e.json"
    policy = {"verification": {"type": "VerificationObject", "startsWith": ORIGIN}}
    world = {**genuine(rsa_key("issuer"), **policy), **served(hosted(sibling))}
    assert code(verify(as_file(hosted(sibling)), world), "proof") == "openbadges.origin_mismatch"
    assert verify(as_file(hosted()), world).verified  # twin


def test_starts_with_path_prefix_is_enforced() -> None:
    policy = {"verification": {"startsWith": f"{ORIGIN}/assertions/"}}
    elsewhere = f"{ORIGIN}/uploads/5f2e.json"
    world = {**genuine(rsa_key("issuer"), **policy), **served(hosted(elsewhere))}
    assert code(verify(as_file(hosted(elsewhere)), world), "proof") == "openbadges.origin_mismatch"
    assert verify(as_file(hosted()), world).verified


def test_allowed_origins_listed_by_the_issuer_are_honoured() -> None:
    delegated = "https://badges.vendor.example/a/5f2e.json"
    policy = {"verification": {"allowedOrigins": ["badges.vendor.example"]}}
    world = {**genuine(rsa_key("issuer"), **policy), **served(hosted(delegated))}
    assert verify(as_file(hosted(delegated)), world).verified
    # twin: without the issuer's word the vendor's copy is refused
    world.update(served(issuer()))
    assert code(verify(as_file(hosted(delegated)), world), "proof") == "openbadges.origin_mismatch"


# -- whose profile -----------------------------------------------------------------------------


def test_profile_served_by_attacker_cannot_claim_the_issuers_id() -> None:
    fake = f"{EVIL}/issuer.json"
    doc = hosted(FOREIGN, badge=f"{EVIL}/badge.json")
    world = {**genuine(rsa_key("issuer")), **served(doc, badge_class(f"{EVIL}/badge.json", issuer=fake))}
    world[fake] = json.dumps(issuer()).encode()  # a copy of the genuine Profile, id and all
    report = verify(as_file(doc), world)
    assert not report.verified
    assert code(report, "proof") == "openbadges.id_mismatch"
    # twin: the attacker's own Profile under its own id is just an untrusted issuer
    world[fake] = json.dumps(issuer(id=fake, name="District Office of Professional Learning")).encode()
    report = verify(as_file(doc), world, require_trusted=True)
    assert code(report, "proof") == "passed"
    assert report.check("proof").details["issuer"] == fake
    assert code(report, "trust") == "trust.untrusted_issuer" and not report.verified


def test_embedded_issuer_with_unfetchable_id_is_refused() -> None:
    anonymous = issuer(id="urn:uuid:9d1c1f9e-0000-4000-8000-000000000001")
    doc = hosted(badge=badge_class(id="urn:uuid:9d1c1f9e-0000-4000-8000-000000000002", issuer=anonymous))
    world = {**genuine(rsa_key("issuer")), **served(doc)}
    report = verify(as_file(doc), world)
    assert code(report, "proof") == "openbadges.invalid"
    # twin: an ephemeral BadgeClass naming the published issuer is fine inside a hosted assertion
    ephemeral = hosted(badge=badge_class(id="urn:uuid:9d1c1f9e-0000-4000-8000-000000000002"))
    world.update(served(ephemeral))
    assert verify(as_file(ephemeral), world).verified


# -- the copy in hand against the hosted one -------------------------------------------------------


def test_badge_class_swapped_in_the_local_copy_fails() -> None:
    world = genuine(rsa_key("issuer"))
    swapped = hosted(badge=PRESTIGE)
    report = verify(json.dumps(swapped).encode(), world)
    assert not report.verified
    assert code(report, "proof") == "openbadges.hosted_mismatch"
    assert verify(json.dumps(hosted()).encode(), world).verified  # twin


def test_embedded_badge_class_renamed_in_the_local_copy_fails() -> None:
    world = genuine(rsa_key("issuer"))
    renamed = hosted(badge=badge_class(name="Master Educator"))
    assert code(verify(json.dumps(renamed).encode(), world), "proof") == "openbadges.hosted_mismatch"
    # twin: an embedded copy identical to the published BadgeClass is accepted
    assert verify(json.dumps(hosted(badge=badge_class())).encode(), world).verified


def test_badge_class_swapped_on_the_host_side_is_judged_as_published() -> None:
    # The issuer's hosted assertion embeds a BadgeClass that differs from the one at its id.
    world = {**genuine(rsa_key("issuer")), **served(hosted(badge=badge_class(name="Master Educator")))}
    assert code(verify(as_file(hosted()), world), "proof") == "openbadges.embedded_mismatch"
    world.update(served(hosted(badge=badge_class())))
    assert verify(as_file(hosted()), world).verified


def test_local_copy_cannot_drop_a_changed_field_silently() -> None:
    world = genuine(rsa_key("issuer"))
    edited = with_changes(hosted(), issuedOn="2026-05-01T00:00:00Z", recipient={"type": "email",
                                                                                   "hashed": False,
                                                                                   "identity": "x@y.example"})
    assert code(verify(json.dumps(edited).encode(), world), "proof") == "openbadges.hosted_mismatch"


# -- revocation comes from the published profile -----------------------------------------------------


def test_embedded_profile_cannot_hide_the_revocation_list() -> None:
    listed = {"@context": "https://w3id.org/openbadges/v2", "id": REVOCATIONS, "type": "RevocationList",
              "issuer": ISSUER, "revokedAssertions": [{"id": HOSTED, "revocationReason": "error"}]}
    doc = hosted(badge=badge_class(issuer=issuer()))  # embedded Profile without revocationList
    world = {**genuine(rsa_key("issuer"), revocationList=REVOCATIONS), **served(doc, listed)}
    report = verify(json.dumps(doc).encode(), world)
    assert not report.verified
    assert code(report, "status") == "status.revoked"
    world.update(served(dict(listed, revokedAssertions=[])))  # twin
    report = verify(json.dumps(doc).encode(), world)
    assert report.verified and code(report, "status") == "passed"


def test_revoked_stub_on_the_host_is_revoked() -> None:
    world = {**genuine(rsa_key("issuer")),
             **served({"@context": "https://w3id.org/openbadges/v2", "id": HOSTED, "revoked": True,
                       "revocationReason": "Issued in error"})}
    report = verify(json.dumps(hosted()).encode(), world)
    assert not report.verified
    assert code(report, "status") == "status.revoked"
    assert report.check("status").details.get("revocationReason") == "Issued in error"
    assert report.check("proof").status is Status.SKIPPED


def test_unknown_verification_property_fails_closed() -> None:
    # Only ``id`` is defined; a policy on another property cannot be applied, so nothing passes.
    odd = {"verification": {"verificationProperty": "recipient", "allowedOrigins": "pd.district.example"}}
    assert code(verify(as_file(hosted()), genuine(rsa_key("issuer"), **odd)),
                "proof") == "openbadges.origin_mismatch"
    explicit = {"verification": {"verificationProperty": "id", "allowedOrigins": "pd.district.example"}}
    assert verify(as_file(hosted()), genuine(rsa_key("issuer"), **explicit)).verified
