"""IETF Token Status List: encoding, the spec's examples, and the checker's refusals and cache."""

from __future__ import annotations

import zlib
from collections.abc import Callable
from typing import Any

import pytest

from verifier.clock import FixedClock
from verifier.errors import VCError
from verifier.fetch import FetchResponse, StaticFetcher
from verifier.jose import sign_compact
from verifier.key_lookup import ResolverKeyLookup
from verifier.multibase import b64url_encode
from verifier.sdjwt import SdJwtResult, TokenStatusChecker, TokenStatusList, status_list_token
from verifier.sdjwt.status_list import StatusReference, parse_status_claim

from .builders import ATTACKER_KEY, ISSUER, ISSUER_KEY, KID, NOW_S, basic, sd_jwt

Verify = Callable[..., SdJwtResult]
URI = "https://college.example/status/1"


class CountingFetcher:
    """A static fetcher that counts requests, for cache tests."""

    def __init__(self, mapping: dict[str, bytes]) -> None:
        self.inner = StaticFetcher(mapping)
        self.calls = 0

    def fetch(self, url: str, *, accept: str | None = None, max_bytes: int | None = None) -> FetchResponse:
        self.calls += 1
        return self.inner.fetch(url, accept=accept, max_bytes=max_bytes)


def list_token(values: dict[int, int], *, bits: int = 2, size: int = 64, uri: str = URI,
               issuer: str = ISSUER, key: Any = ISSUER_KEY, kid: str = KID, **extra: Any) -> bytes:
    status_list = TokenStatusList.new(size, bits)
    for index, value in values.items():
        status_list.set(index, value)
    return status_list_token(status_list, uri=uri, issuer=issuer, key=key, kid=kid,
                             iat=extra.pop("iat", NOW_S - 60), **extra).encode("ascii")


def wrong_typ_token() -> bytes:
    body = {"sub": URI, "iss": ISSUER, "iat": NOW_S, "status_list": TokenStatusList.new(64).encode()}
    return sign_compact({"alg": "EdDSA", "typ": "JWT", "kid": KID}, body, ISSUER_KEY).encode("ascii")


def checker(lookup: ResolverKeyLookup, clock: FixedClock, body: bytes, **kwargs: Any) -> TokenStatusChecker:
    return TokenStatusChecker(StaticFetcher({URI: body}), lookup, clock, **kwargs)


def credential(idx: int = 3) -> str:
    body, disclosures = basic()
    body["status"] = {"status_list": {"idx": idx, "uri": URI}}
    return sd_jwt(body, disclosures)


def test_spec_examples_decode() -> None:
    # Token Status List §4.1 examples: 16 one-bit and 12 two-bit statuses.
    one = TokenStatusList.decode({"bits": 1, "lst": "eNrbuRgAAhcBXQ"})
    assert [one.get(i) for i in range(16)] == [1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1]
    assert one.to_bytes() == bytes([0xB9, 0xA3])
    two = TokenStatusList.decode({"bits": 2, "lst": "eNo76fITAAPfAgc"})
    assert [two.get(i) for i in range(12)] == [1, 2, 0, 3, 0, 1, 0, 1, 1, 2, 3, 3]


@pytest.mark.parametrize("bits", [1, 2, 4, 8])
def test_round_trip(bits: int) -> None:
    status_list = TokenStatusList.new(100, bits)
    top = (1 << bits) - 1
    for index in (0, 7, 8, 99):
        status_list.set(index, top)
    again = TokenStatusList.decode(status_list.encode())
    assert again == status_list
    assert [again.get(i) for i in (0, 1, 7, 8, 98, 99)] == [top, 0, top, top, 0, top]


@pytest.mark.parametrize("claim", [
    {"bits": 3, "lst": "eNrbuRgAAhcBXQ"}, {"bits": True, "lst": "eNrbuRgAAhcBXQ"},
    {"bits": 1, "lst": "eNrbuRgAAhcBXQ=="}, {"bits": 1, "lst": "not zlib"},
    {"bits": 1, "lst": b64url_encode(zlib.compress(b"abc"))[:-4]}, {"bits": 1}, [1, 2],
    {"bits": 1, "lst": b64url_encode(zlib.compress(b""))},
])
def test_invalid_lists(claim: Any) -> None:
    with pytest.raises(VCError) as caught:
        TokenStatusList.decode(claim)
    assert caught.value.code == "status.invalid_list"


def test_decompression_bomb_is_capped() -> None:
    bomb = {"bits": 1, "lst": b64url_encode(zlib.compress(bytes(8 * 1024 * 1024), 9))}
    with pytest.raises(VCError) as caught:
        TokenStatusList.decode(bomb, max_bytes=1024 * 1024)
    assert caught.value.code == "status.list_too_large"


def test_bomb_twin_under_the_cap() -> None:
    small = {"bits": 1, "lst": b64url_encode(zlib.compress(bytes(1024 * 1024), 9))}
    assert len(TokenStatusList.decode(small, max_bytes=1024 * 1024)) == 8 * 1024 * 1024


@pytest.mark.parametrize(("status", "code"), [
    ({"status_list": {"idx": -1, "uri": URI}}, "status.invalid_index"),
    ({"status_list": {"idx": "3", "uri": URI}}, "status.invalid_index"),
    ({"status_list": {"idx": 3, "uri": "http://college.example/status/1"}}, "status.unknown"),
    ({"status_list": {"idx": 3}}, "status.unknown"),
    ({"bitstring": {}}, "status.unsupported_type"),
    ("revoked", "status.unsupported_type"),
])
def test_status_claim_shapes(status: Any, code: str) -> None:
    with pytest.raises(VCError) as caught:
        parse_status_claim(status)
    assert caught.value.code == code


def test_status_claim_twin() -> None:
    assert parse_status_claim({"status_list": {"idx": 3, "uri": URI}}) == StatusReference(URI, 3)


@pytest.mark.parametrize(("value", "name"), [(0, "valid"), (1, "invalid"), (2, "suspended"),
                                              (3, "application-specific (0x03)")])
def test_credential_status_values(verify: Verify, lookup: ResolverKeyLookup, clock: FixedClock,
                                  value: int, name: str) -> None:
    result = verify(credential(), status_checker=checker(lookup, clock, list_token({3: value, 4: 1})))
    assert result.status is not None and result.status.value == value and result.status.name == name
    assert result.ok is (value == 0)
    if value in (1, 2):
        assert [p.code for p in result.problems] == ["status.revoked" if value == 1 else "status.suspended"]


@pytest.mark.parametrize(("make", "code"), [
    (lambda: list_token({}, uri="https://college.example/status/2"), "status.list_mismatch"),
    (lambda: list_token({}, issuer=ATTACKER_KEY.public.did_key, key=ATTACKER_KEY,
                        kid=f"{ATTACKER_KEY.public.did_key}#{ATTACKER_KEY.public.multibase}"),
     "status.list_mismatch"),
    (lambda: list_token({}, issuer=ISSUER, key=ATTACKER_KEY,
                        kid=f"{ATTACKER_KEY.public.did_key}#{ATTACKER_KEY.public.multibase}"),
     "status.list_mismatch"),
    (lambda: list_token({}, key=ATTACKER_KEY), "status.unknown"),
    (lambda: list_token({}, exp=NOW_S - 1), "status.unknown"),
    (lambda: list_token({}, bits=8, size=2), "status.invalid_index"),
    (lambda: b"not a token", "status.invalid_list"),
    (lambda: wrong_typ_token(), "status.unknown"),
])
def test_refused_lists(verify: Verify, lookup: ResolverKeyLookup, clock: FixedClock,
                       make: Callable[[], bytes], code: str) -> None:
    result = verify(credential(), status_checker=checker(lookup, clock, make()))
    assert result.status is not None and result.status.error is not None
    assert result.status.error.code == code
    assert not result.ok


def test_unreachable_list(verify: Verify, lookup: ResolverKeyLookup, clock: FixedClock) -> None:
    offline = TokenStatusChecker(StaticFetcher({}), lookup, clock)
    result = verify(credential(), status_checker=offline)
    assert result.status is not None and result.status.error is not None
    assert result.status.error.code == "status.unknown"
    assert result.status.error.details["underlying_code"] == "fetch.not_allowed"


def test_no_checker_configured_is_unknown(verify: Verify) -> None:
    result = verify(credential())
    assert result.status is not None and result.status.error is not None
    assert result.status.error.code == "status.unknown"


def test_no_status_claim_twin(verify: Verify) -> None:
    body, disclosures = basic()
    result = verify(sd_jwt(body, disclosures))
    assert result.status is None and result.ok


def test_forged_credential_never_fetches(verify: Verify, lookup: ResolverKeyLookup, clock: FixedClock) -> None:
    fetcher = CountingFetcher({URI: list_token({})})
    body, disclosures = basic()
    body["status"] = {"status_list": {"idx": 3, "uri": URI}}
    forged = sd_jwt(body, disclosures, issuer_signer=ATTACKER_KEY)
    result = verify(forged, status_checker=TokenStatusChecker(fetcher, lookup, clock))
    assert result.status is None and fetcher.calls == 0


def test_cache_ttl(verify: Verify, lookup: ResolverKeyLookup, clock: FixedClock) -> None:
    fetcher = CountingFetcher({URI: list_token({3: 1}, ttl=60)})
    tsl = TokenStatusChecker(fetcher, lookup, clock, cache_ttl=300)
    assert tsl.check(URI, 3, issuer=ISSUER) == 1
    assert tsl.check(URI, 4, issuer=ISSUER) == 0
    assert fetcher.calls == 1
    clock.advance(61)  # the list's own ttl (60 s) is shorter than the checker's
    assert tsl.check(URI, 3, issuer=ISSUER) == 1
    assert fetcher.calls == 2


def test_cache_is_per_issuer(lookup: ResolverKeyLookup, clock: FixedClock) -> None:
    fetcher = CountingFetcher({URI: list_token({3: 1})})
    tsl = TokenStatusChecker(fetcher, lookup, clock)
    assert tsl.check(URI, 3, issuer=ISSUER) == 1
    with pytest.raises(VCError) as caught:
        tsl.check(URI, 3, issuer=ATTACKER_KEY.public.did_key)
    assert caught.value.code == "status.list_mismatch"
