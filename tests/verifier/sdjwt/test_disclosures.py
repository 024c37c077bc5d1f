"""BAD_INPUTS.md item 38, disclosure half: each case fails with its own ``sdjwt.*`` code, and each has
a positive twin that differs only in the one thing the case breaks."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from verifier.sdjwt import SdJwtResult, parse_disclosure, reconstruct
from verifier.sdjwt.disclosure import digest_of
from verifier.sdjwt.key_binding import sd_hash

from .builders import basic, disc, header, jws, kb_jwt, payload, raw_disclosure, sd_jwt

Verify = Callable[..., SdJwtResult]


def codes(result: SdJwtResult) -> list[str]:
    return [p.code for p in result.problems]


def test_basic_twin_verifies_and_lists_disclosed_paths(verify: Verify) -> None:
    body, disclosures = basic()
    result = verify(sd_jwt(body, disclosures))
    assert result.ok, codes(result)
    assert result.disclosed == ("credentialSubject.name", "evidence[0]")
    assert result.claims is not None
    assert result.claims["credentialSubject"]["name"] == "Dana Teacher"
    assert result.claims["evidence"] == [{"id": "https://class.example/1"}, {"id": "https://public.example/x"}]
    assert "credentialSubject.achievement" in result.always_visible
    assert "_sd_alg" not in result.claims


def test_withheld_claims_disappear(verify: Verify) -> None:
    body, disclosures = basic()
    result = verify(sd_jwt(body, disclosures[:1]))
    assert result.ok
    assert result.disclosed == ("credentialSubject.name",)
    assert result.claims is not None and result.claims["evidence"] == [{"id": "https://public.example/x"}]


def test_duplicate_disclosure(verify: Verify) -> None:
    body, disclosures = basic()
    result = verify(sd_jwt(body, [disclosures[0], disclosures[0]]))
    assert result.disclosure_error is not None
    assert result.disclosure_error.code == "sdjwt.duplicate_disclosure"
    assert result.disclosure_error.details["kind"] == "disclosure"
    assert not result.ok


@pytest.mark.parametrize("where", ["same _sd", "_sd and array"])
def test_duplicate_digest(verify: Verify, where: str) -> None:
    name = disc("name", "Dana")
    if where == "same _sd":
        body = payload(credentialSubject={"_sd": [name.digest(), name.digest()]})
    else:
        body = payload(credentialSubject={"_sd": [name.digest()]}, evidence=[{"...": name.digest()}])
    result = verify(sd_jwt(body, [name]))
    assert result.disclosure_error is not None
    assert result.disclosure_error.code == "sdjwt.duplicate_disclosure"
    assert result.disclosure_error.details["kind"] == "digest"


def test_duplicate_digest_twin_decoy_listed_once(verify: Verify) -> None:
    name = disc("name", "Dana")
    body = payload(credentialSubject={"_sd": [name.digest(), digest_of("decoy")]})
    assert verify(sd_jwt(body, [name])).ok


def test_unreferenced_disclosure(verify: Verify) -> None:
    body, disclosures = basic()
    stray = disc("email", "dana@example.org")
    result = verify(sd_jwt(body, [*disclosures, stray]))
    assert result.disclosure_error is not None
    assert result.disclosure_error.code == "sdjwt.unreferenced_disclosure"


def test_tampered_disclosure_is_unreferenced(verify: Verify) -> None:
    body, disclosures = basic()
    tampered = disc("name", "Someone Else", disclosures[0].salt)
    result = verify(sd_jwt(body, [tampered]))
    assert result.disclosure_error is not None
    assert result.disclosure_error.code == "sdjwt.unreferenced_disclosure"
    assert result.error is None  # the issuer signature itself is intact


@pytest.mark.parametrize("shape", ["plain claim", "two disclosures"])
def test_name_collision(verify: Verify, shape: str) -> None:
    first, second = disc("name", "Dana", "c2FsdDE"), disc("name", "Mallory", "c2FsdDI")
    if shape == "plain claim":
        body = payload(credentialSubject={"name": "Dana", "_sd": [second.digest()]})
        disclosures = [second]
    else:
        body = payload(credentialSubject={"_sd": [first.digest(), second.digest()]})
        disclosures = [first, second]
    result = verify(sd_jwt(body, disclosures))
    assert result.disclosure_error is not None
    assert result.disclosure_error.code == "sdjwt.name_collision"


def test_name_collision_twin_distinct_names(verify: Verify) -> None:
    first, second = disc("name", "Dana", "c2FsdDE"), disc("nickname", "D", "c2FsdDI")
    body = payload(credentialSubject={"_sd": [first.digest(), second.digest()]})
    assert verify(sd_jwt(body, [first, second])).ok


@pytest.mark.parametrize("name", ["_sd", "..."])
def test_reserved_name(verify: Verify, name: str) -> None:
    bad = disc(name, ["x"])
    body = payload(credentialSubject={"_sd": [bad.digest()]})
    result = verify(sd_jwt(body, [bad]))
    assert result.disclosure_error is not None
    assert result.disclosure_error.code == "sdjwt.reserved_name"


def test_reserved_name_twin(verify: Verify) -> None:
    good = disc("sd", ["x"])
    body = payload(credentialSubject={"_sd": [good.digest()]})
    assert verify(sd_jwt(body, [good])).ok


@pytest.mark.parametrize("claim", ["cnf", "status", "exp", "nbf", "vct#integrity"])
def test_sd_jwt_vc_claims_must_stay_visible(verify: Verify, claim: str) -> None:
    bad = disc(claim, 2000000000 if claim in ("exp", "nbf") else "x")
    body = payload(_sd=[bad.digest()])
    body.pop(claim, None)
    result = verify(sd_jwt(body, [bad]))
    assert result.disclosure_error is not None
    assert result.disclosure_error.code == "sdjwt.reserved_name"


def test_sd_jwt_vc_disclosable_sub_twin(verify: Verify) -> None:
    good = disc("sub", "did:example:dana")
    assert verify(sd_jwt(payload(_sd=[good.digest()]), [good])).ok


@pytest.mark.parametrize("case", ["claim disclosure in array", "element disclosure in _sd",
                                  "placeholder with extra member", "placeholder not a string"])
def test_bad_array_arity(verify: Verify, case: str) -> None:
    claim, element = disc("name", "Dana"), disc(None, "Dana")
    if case == "claim disclosure in array":
        body, disclosures = payload(names=[{"...": claim.digest()}]), [claim]
    elif case == "element disclosure in _sd":
        body, disclosures = payload(credentialSubject={"_sd": [element.digest()]}), [element]
    elif case == "placeholder with extra member":
        body, disclosures = payload(names=[{"...": element.digest(), "x": 1}]), [element]
    else:
        body, disclosures = payload(names=[{"...": 42}]), []
    result = verify(sd_jwt(body, disclosures))
    assert result.disclosure_error is not None
    assert result.disclosure_error.code == "sdjwt.invalid_array_element"


def test_array_arity_twin(verify: Verify) -> None:
    claim, element = disc("name", "Dana"), disc(None, "Dana")
    body = payload(names=[{"...": element.digest()}], credentialSubject={"_sd": [claim.digest()]})
    result = verify(sd_jwt(body, [claim, element]))
    assert result.ok
    assert result.claims is not None and result.claims["names"] == ["Dana"]


@pytest.mark.parametrize("items", [["salt"], ["salt", "name", "value", "extra"], [1, "name", "v"],
                                   ["salt", 7, "v"], {"salt": "x"}, "text"])
def test_malformed_disclosure(verify: Verify, items: object) -> None:
    body, disclosures = basic()
    result = verify(sd_jwt(body, [disclosures[0], raw_disclosure(items)]))
    assert not result.parsed
    assert result.error is not None and result.error.code == "sdjwt.malformed"


@pytest.mark.parametrize("alg", ["sha-1", "md5", "SHA-256", 256, None])
def test_unsupported_sd_alg(verify: Verify, alg: object) -> None:
    body, disclosures = basic()
    body["_sd_alg"] = alg
    result = verify(sd_jwt(body, disclosures))
    assert result.disclosure_error is not None
    assert result.disclosure_error.code == "sdjwt.unsupported_hash"
    assert result.kb_error is not None  # sd_hash cannot be computed either


@pytest.mark.parametrize("alg", ["sha-384", "sha-512", "absent"])
def test_supported_sd_alg_twin(verify: Verify, alg: str) -> None:
    used = "sha-256" if alg == "absent" else alg
    name = disc("name", "Dana")
    body = payload(credentialSubject={"_sd": [name.digest(used)]})
    if alg == "absent":
        del body["_sd_alg"]
    else:
        body["_sd_alg"] = alg
    presented = f"{jws(header(), body)}~{name.encoded}~"
    result = verify(presented + kb_jwt(presented, sd_hash_value=sd_hash(presented, used)))
    assert result.ok, [p.code for p in result.problems]


def test_nested_disclosures_and_decoys() -> None:
    inner = disc("value", "92", "c2FsdC12")
    result_item = disc(None, {"type": ["Result"], "_sd": [inner.digest(), digest_of("decoy")]}, "c2FsdC1y")
    body = payload(credentialSubject={"result": [{"...": result_item.digest()}, {"...": digest_of("x")}]})
    view = reconstruct(body, [result_item, inner])
    assert view.claims["credentialSubject"]["result"] == [{"type": ["Result"], "value": "92"}]
    assert view.disclosed == ("credentialSubject.result[0]", "credentialSubject.result[0].value")
    only_outer = reconstruct(body, [result_item])
    assert only_outer.claims["credentialSubject"]["result"] == [{"type": ["Result"]}]


def test_inner_disclosure_without_its_container_is_unreferenced() -> None:
    inner = disc("value", "92")
    outer = disc(None, {"_sd": [inner.digest()]})
    body = payload(results=[{"...": outer.digest()}])
    with pytest.raises(Exception) as caught:
        reconstruct(body, [inner])
    assert getattr(caught.value, "code", None) == "sdjwt.unreferenced_disclosure"


def test_nesting_depth_is_bounded() -> None:
    deep: object = "leaf"
    for _ in range(80):
        deep = {"a": deep}
    with pytest.raises(Exception) as caught:
        reconstruct(payload(deep=deep), [])
    assert getattr(caught.value, "code", None) == "sdjwt.malformed"


def test_nesting_twin_shallow() -> None:
    assert reconstruct(payload(deep={"a": {"b": 1}}), []).claims["deep"] == {"a": {"b": 1}}


def test_rfc_disclosure_digest() -> None:
    # RFC 9901 §4.2.1/4.2.3: the digest is over the base64url text exactly as sent.
    encoded = "WyJfMjZiYzRMVC1hYzZxMktJNmNCVzVlcyIsICJmYW1pbHlfbmFtZSIsICJNw7ZiaXVzIl0"
    parsed = parse_disclosure(encoded)
    assert (parsed.salt, parsed.name, parsed.value) == ("_26bc4LT-ac6q2KI6cBW5es", "family_name", "Möbius")
    assert parsed.digest() == "X9yH0Ajrdm1Oij4tWso9UzzKJvPoDxwmuEcO3XAdRC0"
