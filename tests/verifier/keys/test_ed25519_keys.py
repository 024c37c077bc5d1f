"""Ed25519 keys: signing, verification, encodings, and never leaking the secret."""

from __future__ import annotations

import copy
import pickle

import pytest

from verifier.errors import KeyFormatError
from verifier.keys import Ed25519KeyPair, Ed25519PublicKey
from verifier.multibase import ED25519_PRIV, b64url_encode, encode_multikey

# RFC 8037 appendix A.1 (Ed25519 OKP key).
RFC8037_D = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"
RFC8037_X = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
SEED0_DID = "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"


@pytest.fixture
def pair() -> Ed25519KeyPair:
    return Ed25519KeyPair.from_seed(bytes(range(32)))


def test_sign_and_verify(pair: Ed25519KeyPair) -> None:
    signature = pair.sign(b"message")
    assert len(signature) == 64
    assert pair.public.verify(b"message", signature) is True


def test_verify_returns_false_not_raises(pair: Ed25519KeyPair) -> None:
    signature = pair.sign(b"message")
    flipped = signature[:-1] + bytes([signature[-1] ^ 1])
    assert pair.public.verify(b"message", flipped) is False
    assert pair.public.verify(b"other", signature) is False
    assert pair.public.verify(b"message", signature[:63]) is False
    assert pair.public.verify(b"message", signature + b"\x00") is False
    assert pair.public.verify(b"message", bytes(64)) is False


def test_seed_zero_matches_did_key_vector() -> None:
    assert Ed25519KeyPair.from_seed(bytes(32)).public.did_key == SEED0_DID


def test_multibase_round_trip(pair: Ed25519KeyPair) -> None:
    value = pair.public.multibase
    assert value.startswith("z6Mk")
    assert Ed25519PublicKey.from_multibase(value) == pair.public
    assert hash(Ed25519PublicKey.from_multibase(value)) == hash(pair.public)
    assert Ed25519PublicKey.from_base58(pair.public.base58) == pair.public


def test_public_key_wrong_length() -> None:
    with pytest.raises(KeyFormatError) as info:
        Ed25519PublicKey(bytes(31))
    assert info.value.code == "key.invalid_length"
    assert Ed25519PublicKey(bytes(32)).raw == bytes(32)


def test_secret_multibase_round_trip(pair: Ed25519KeyPair) -> None:
    value = pair.secret_multibase
    assert value.startswith("z3u2")
    again = Ed25519KeyPair.from_secret_multibase(value)
    assert again == pair
    assert again.public == pair.public


def test_secret_multibase_64_byte_form() -> None:
    pair = Ed25519KeyPair.from_seed(bytes(range(32)))
    good = encode_multikey(ED25519_PRIV, bytes(range(32)) + pair.public.raw)
    assert Ed25519KeyPair.from_secret_multibase(good) == pair
    bad = encode_multikey(ED25519_PRIV, bytes(range(32)) + bytes(32))
    with pytest.raises(KeyFormatError) as info:
        Ed25519KeyPair.from_secret_multibase(bad)
    assert info.value.code == "key.invalid_length"


def test_secret_multibase_rejects_public_header(pair: Ed25519KeyPair) -> None:
    with pytest.raises(KeyFormatError) as info:
        Ed25519KeyPair.from_secret_multibase(pair.public.multibase)
    assert info.value.code == "key.invalid_multicodec"


def test_from_seed_wrong_length() -> None:
    with pytest.raises(KeyFormatError) as info:
        Ed25519KeyPair.from_seed(bytes(16))
    assert info.value.code == "key.invalid_length"


def test_generate_is_random() -> None:
    assert Ed25519KeyPair.generate().public != Ed25519KeyPair.generate().public


def test_rfc8037_jwk() -> None:
    pair = Ed25519KeyPair.from_jwk({"kty": "OKP", "crv": "Ed25519", "d": RFC8037_D,
                                    "x": RFC8037_X})
    assert pair.public.to_jwk() == {"kty": "OKP", "crv": "Ed25519", "x": RFC8037_X}
    assert pair.to_jwk(include_private=True)["d"] == RFC8037_D
    assert "d" not in pair.to_jwk()


def test_jwk_round_trip(pair: Ed25519KeyPair) -> None:
    assert Ed25519PublicKey.from_jwk(pair.public.to_jwk()) == pair.public
    assert Ed25519KeyPair.from_jwk(pair.to_jwk(include_private=True)) == pair


@pytest.mark.parametrize(
    ("jwk", "code"),
    [
        pytest.param({"kty": "EC", "crv": "P-256", "x": RFC8037_X}, "key.invalid_jwk", id="ec"),
        pytest.param({"kty": "OKP", "crv": "X25519", "x": RFC8037_X}, "key.invalid_jwk",
                     id="x25519"),
        pytest.param({"kty": "OKP", "crv": "Ed25519"}, "key.invalid_jwk", id="no-x"),
        pytest.param({"kty": "OKP", "crv": "Ed25519", "x": RFC8037_X + "="}, "key.invalid_jwk",
                     id="padded-x"),
        pytest.param({"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(bytes(31))},
                     "key.invalid_length", id="short-x"),
        pytest.param({"kty": "OKP", "crv": "Ed25519", "x": RFC8037_X, "d": RFC8037_D},
                     "key.invalid_jwk", id="private-in-public"),
        pytest.param({"kty": "OKP", "crv": "Ed25519", "x": RFC8037_X, "alg": "ES256"},
                     "key.invalid_jwk", id="wrong-alg"),
    ],
)
def test_public_jwk_rejects(jwk: dict[str, str], code: str) -> None:
    with pytest.raises(KeyFormatError) as info:
        Ed25519PublicKey.from_jwk(jwk)
    assert info.value.code == code


def test_public_jwk_accepts_eddsa_alg() -> None:
    jwk = {"kty": "OKP", "crv": "Ed25519", "x": RFC8037_X, "alg": "EdDSA", "use": "sig"}
    assert Ed25519PublicKey.from_jwk(jwk).to_jwk()["x"] == RFC8037_X


def test_private_jwk_rejects() -> None:
    with pytest.raises(KeyFormatError) as info:
        Ed25519KeyPair.from_jwk({"kty": "OKP", "crv": "Ed25519", "x": RFC8037_X})
    assert info.value.code == "key.secret_missing"
    other_x = Ed25519KeyPair.from_seed(bytes(32)).public.to_jwk()["x"]
    with pytest.raises(KeyFormatError) as info:
        Ed25519KeyPair.from_jwk({"kty": "OKP", "crv": "Ed25519", "d": RFC8037_D, "x": other_x})
    assert info.value.code == "key.invalid_jwk"


def test_repr_and_str_hide_secret(pair: Ed25519KeyPair) -> None:
    secrets = [pair.secret_multibase, bytes(range(32)).hex(), pair.to_jwk(True)["d"],
               repr(bytes(range(32)))]
    shown = [repr(pair), str(pair), f"{pair}", f"{pair!r}", repr([pair]), repr({"k": pair})]
    for text in shown:
        assert pair.public.multibase in text
        for secret in secrets:
            assert secret not in text


def test_key_pair_cannot_be_pickled_or_copied(pair: Ed25519KeyPair) -> None:
    with pytest.raises(TypeError):
        pickle.dumps(pair)
    with pytest.raises(TypeError):
        copy.copy(pair)
    assert pickle.loads(pickle.dumps(pair.public.raw)) == pair.public.raw
