"""The shortcuts on the SD-JWT hot path give exactly the answers of the long way.

Each shortcut is pinned here with its twin: the remembered header, the remembered did:key
answer and holder key, and the repeated-digest check made once at the end of the walk.
"""

from __future__ import annotations

from typing import Any

import pytest

from verifier.clock import FixedClock
from verifier.errors import VCError
from verifier.fetch import StaticFetcher
from verifier.key_lookup import MEMO_SIZE, ResolverKeyLookup
from verifier.proofs import KeyBinding
from verifier.sdjwt.key_binding import holder_key
from verifier.sdjwt.reconstruct import reconstruct
from verifier.sdjwt.token import parse_jws

from .builders import HOLDER_KEY, ISSUER, KID, NOW, disc, header, jws, payload


def test_a_remembered_header_is_a_fresh_copy_each_time() -> None:
    token = jws(header(), payload())
    first = parse_jws(token).header
    first["alg"] = "none"  # a caller scribbling on its copy
    second = parse_jws(token).header
    assert second == header()
    assert second is not first


def test_a_nested_header_is_read_every_time() -> None:
    token = jws(header(crit=["x"], x=1), payload())
    first = parse_jws(token).header
    first["crit"].append("y")
    assert parse_jws(token).header["crit"] == ["x"]


class _Counting:
    """A resolver that counts how often it is asked (wrapping the real did:key stack)."""

    def __init__(self) -> None:
        self.inner = ResolverKeyLookup.create(StaticFetcher({}), FixedClock(NOW)).resolver
        self.calls = 0

    def resolve(self, did: str) -> Any:
        self.calls += 1
        return self.inner.resolve(did)


def test_did_key_answers_are_remembered() -> None:
    resolver = _Counting()
    lookup = ResolverKeyLookup(resolver, None)  # type: ignore[arg-type]
    first = lookup.lookup(KID, purpose="assertionMethod", expected_controller=ISSUER)
    calls = resolver.calls
    again = lookup.lookup(KID, purpose="assertionMethod", expected_controller=ISSUER)
    assert isinstance(first, KeyBinding) and first.bound
    assert again is first and resolver.calls == calls
    # twin: another question about the same key is answered on its own
    other = lookup.lookup(KID, purpose="assertionMethod", expected_controller="did:key:z6Mkother")
    assert other.problem is not None and other.problem.code == "vm.controller_mismatch"
    assert resolver.calls > calls


def test_the_memo_stays_bounded() -> None:
    lookup = ResolverKeyLookup.create(StaticFetcher({}), FixedClock(NOW))
    for n in range(MEMO_SIZE + 5):
        lookup.lookup(KID, purpose="assertionMethod", expected_controller=f"did:example:{n}")
    assert len(lookup._memo) <= MEMO_SIZE


def test_plain_and_decorated_holder_keys_read_alike() -> None:
    plain = HOLDER_KEY.public.to_jwk()
    assert holder_key({"cnf": {"jwk": plain}}) == HOLDER_KEY.public
    assert holder_key({"cnf": {"jwk": {**plain, "kid": "k-1"}}}) == HOLDER_KEY.public


def test_a_holder_key_with_a_private_part_is_refused() -> None:
    secret = HOLDER_KEY.to_jwk(include_private=True)
    with pytest.raises(VCError) as info:
        holder_key({"cnf": {"jwk": secret}})
    assert info.value.code == "sdjwt.kb_invalid"
    with pytest.raises(VCError) as bad:
        holder_key({"cnf": {"jwk": {**HOLDER_KEY.public.to_jwk(), "crv": "X25519"}}})
    assert bad.value.code == "sdjwt.kb_invalid"


def test_a_repeated_digest_is_reported_where_it_repeats() -> None:
    name = disc("name", "Dana")
    body = payload(credentialSubject={"_sd": [name.digest()]},
                   evidence=[{"id": "e"}, {"...": name.digest()}])
    with pytest.raises(VCError) as info:
        reconstruct(body, [name])
    assert info.value.code == "sdjwt.duplicate_disclosure"
    assert info.value.path == "$.evidence[1]"  # the second listing, in walk order
    # twin: listed once, it is disclosed
    once = payload(credentialSubject={"_sd": [name.digest()]}, evidence=[{"id": "e"}])
    assert reconstruct(once, [name]).claims["credentialSubject"] == {"name": "Dana"}


def test_a_repeat_before_another_fault_is_the_one_reported() -> None:
    name, reserved = disc("name", "Dana"), disc("_sd", "x")
    body = payload(a={"_sd": [name.digest(), name.digest()]}, b={"_sd": [reserved.digest()]})
    with pytest.raises(VCError) as info:
        reconstruct(body, [name, reserved])
    assert info.value.code == "sdjwt.duplicate_disclosure"
    # twin: without the repeat, the later fault is what is reported
    fixed = payload(a={"_sd": [name.digest()]}, b={"_sd": [reserved.digest()]})
    with pytest.raises(VCError) as later:
        reconstruct(fixed, [name, reserved])
    assert later.value.code == "sdjwt.reserved_name"


def _assert_whole_record(obj: Any) -> None:
    """Built by ``verifier.records.record``: every field set, equal to the constructor's, frozen."""
    import dataclasses

    names = [f.name for f in dataclasses.fields(obj)]
    assert set(vars(obj)) >= set(names)
    again = dataclasses.replace(obj)  # reads every init field: fails if one is missing
    assert again == obj and repr(again) == repr(obj)
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(obj, names[0], None)


def test_hot_path_records_are_whole_frozen_dataclasses() -> None:
    from verifier.sdjwt.disclosure import encode_disclosure, parse_disclosure
    from verifier.sdjwt.token import split_sd_jwt
    from verifier.sdjwt.verify import verify_sd_jwt_vc

    from .builders import AUDIENCE, NONCE, sd_jwt

    name = disc("name", "Dana")
    element = parse_disclosure(encode_disclosure(None, {"id": "e"}, "c2FsdHNhbHRzYWx0").encoded)
    body = payload(credentialSubject={"_sd": [name.digest()]}, evidence=[{"...": element.digest()}])
    presented = sd_jwt(body, [name, element])  # with a valid key binding
    sd = split_sd_jwt(presented)
    view = reconstruct(sd.jws.payload, sd.disclosures)
    lookup = ResolverKeyLookup.create(StaticFetcher({}), FixedClock(NOW))
    result = verify_sd_jwt_vc(presented, key_lookup=lookup, clock=FixedClock(NOW), nonce=NONCE,
                              audience=AUDIENCE)
    assert result.ok, [p.code for p in result.problems]
    for obj in (name, element, sd, sd.jws, *sd.disclosures, *view.entries, result):
        _assert_whole_record(obj)


@pytest.mark.parametrize("value", ["sha-256", ["sha-256"], {"alg": "sha-256"}])
def test_a_nested_sd_alg_is_refused_whatever_it_holds(value: Any) -> None:
    with pytest.raises(VCError) as info:
        reconstruct(payload(credentialSubject={"_sd_alg": value, "name": "Dana"}), [])
    assert info.value.code == "sdjwt.malformed"
    assert info.value.path == "$.credentialSubject._sd_alg"
    # twin: at the top level it is the hash name, and not a claim
    claims = reconstruct(payload(credentialSubject={"name": "Dana"}), []).claims
    assert "_sd_alg" not in claims and claims["credentialSubject"] == {"name": "Dana"}


@pytest.mark.parametrize("value", [{"k": "v"}, "digest", [1]])
def test_an_sd_that_is_not_a_list_of_strings_is_refused(value: Any) -> None:
    with pytest.raises(VCError) as info:
        reconstruct(payload(credentialSubject={"_sd": value}), [])
    assert info.value.code == "sdjwt.malformed"
    assert info.value.path == "$.credentialSubject._sd"
