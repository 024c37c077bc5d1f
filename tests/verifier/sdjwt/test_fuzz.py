"""Property tests: hostile disclosure strings and structures raise only coded errors, and the
verifier never raises at all."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from verifier.clock import FixedClock
from verifier.errors import CODES, VCError
from verifier.fetch import StaticFetcher
from verifier.key_lookup import ResolverKeyLookup
from verifier.multibase import b64url_decode, b64url_encode
from verifier.sdjwt import parse_disclosure, reconstruct, split_sd_jwt, verify_sd_jwt_vc
from verifier.sdjwt.disclosure import Disclosure

from .builders import AUDIENCE, NONCE, NOW, basic, disc, payload, sd_jwt

CLOCK = FixedClock(NOW)
LOOKUP = ResolverKeyLookup.create(StaticFetcher({}), CLOCK)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**60, 2**60) | st.text(max_size=12)
    | st.sampled_from(["_sd", "...", "_sd_alg", "name"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["_sd", "...", "_sd_alg", "name", "a", "b"]) | st.text(max_size=4), inner, max_size=4),
    max_leaves=12)
alphabet = st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_~.=+/ \n\"[]{}")


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet, max_size=80) | st.text(max_size=40))
def test_random_disclosure_strings(text: str) -> None:
    try:
        parsed = parse_disclosure(text)
    except VCError as exc:
        assert exc.code in CODES, exc.code
        return
    # accepted only as what a disclosure is: base64url of [salt, value] or [salt, name, value]
    assert parsed.encoded == text
    assert isinstance(parsed.salt, str)
    assert parsed.name is None or parsed.name not in ("_sd", "...")
    decoded = json.loads(b64url_decode(text))
    assert decoded == ([parsed.salt, parsed.value] if parsed.name is None
                       else [parsed.salt, parsed.name, parsed.value])


@settings(max_examples=300)
@given(json_values)
def test_random_disclosure_json(value: Any) -> None:
    encoded = b64url_encode(json.dumps(value).encode("utf-8"))
    try:
        parsed = parse_disclosure(encoded)
    except VCError as exc:
        assert exc.code in CODES, exc.code
        return
    assert parsed.encoded == encoded


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet, min_size=0, max_size=40), max_size=4), st.booleans())
def test_random_disclosures_in_a_presentation_never_raise(parts: list[str], with_kb: bool) -> None:
    body, disclosures = basic()
    token = sd_jwt(body, disclosures, kb=False)
    forged = token + "~".join(parts) + ("~" if parts else "") + ("a.b.c" if with_kb else "")
    try:
        split_sd_jwt(forged)
    except VCError as exc:
        assert exc.code in CODES, exc.code
    result = verify_sd_jwt_vc(forged, key_lookup=LOOKUP, clock=CLOCK, nonce=NONCE, audience=AUDIENCE)
    assert isinstance(result.problems, list)


@settings(max_examples=300, deadline=None)
@given(json_values, st.lists(st.tuples(st.none() | st.sampled_from(["name", "_sd", "...", "a"]),
                                       json_values), max_size=4), st.data())
def test_random_structures_reconstruct_or_raise_coded(tree: Any, items: list[tuple[str | None, Any]],
                                                      data: st.DataObject) -> None:
    disclosures: list[Disclosure] = [disc(name, value, f"c2FsdA{i}") for i, (name, value) in enumerate(items)]
    digests = [d.digest() for d in disclosures]
    where = data.draw(st.sampled_from(["_sd", "array", "both", "none"]))
    body: dict[str, Any] = payload(tree=tree)
    if where in ("_sd", "both"):
        body["_sd"] = data.draw(st.lists(st.sampled_from(digests) if digests else st.just("x"), max_size=5))
    if where in ("array", "both"):
        body["list"] = [{"...": d} for d in data.draw(st.lists(st.sampled_from(digests or ["x"]), max_size=5))]
    try:
        view = reconstruct(body, disclosures)
    except VCError as exc:
        assert exc.code in CODES, exc.code
        return
    json.dumps(view.claims)
    assert len(view.entries) == len(disclosures)
