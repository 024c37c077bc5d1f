"""Issuer key files: round trips, passphrases, tampering, KDF caps, file mode and no-overwrite."""

from __future__ import annotations

import json
import os
import stat
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nacl.pwhash.argon2id
import pytest

from vcwallet import keyfile
from vcwallet.keyfile import (
    FAST_FOR_TESTS,
    KdfLimits,
    KeyfileError,
    create_keyfile,
    did_web_document,
    inspect_keyfile,
    load_keyfile,
)
from verifier.keys import Ed25519KeyPair

PASSPHRASE = "correct horse battery staple"
WEB_DID = "did:web:pd.district.example:badges"
WEB_VM = WEB_DID + "#key-1"


def did_key_identity(key: Ed25519KeyPair) -> tuple[str, str]:
    return key.public.did_key, f"{key.public.did_key}#{key.public.multibase}"


@pytest.fixture
def key() -> Ed25519KeyPair:
    return Ed25519KeyPair.from_seed(bytes(range(32)))


@pytest.fixture
def sealed(tmp_path: Path, key: Ed25519KeyPair) -> Path:
    path = tmp_path / "issuer.key.json"
    create_keyfile(path, key, *did_key_identity(key), PASSPHRASE, kdf_limits=FAST_FOR_TESTS)
    return path


@pytest.fixture
def plain(tmp_path: Path, key: Ed25519KeyPair) -> Path:
    path = tmp_path / "plain.key.json"
    create_keyfile(path, key, *did_key_identity(key), None)
    return path


def read(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def write(path: Path, data: dict[str, Any]) -> None:
    path.write_text(json.dumps(data))


# -- round trips ------------------------------------------------------------------------------

def test_encrypted_round_trip(sealed: Path, key: Ed25519KeyPair) -> None:
    loaded = load_keyfile(sealed, PASSPHRASE)
    assert loaded.key == key
    assert (loaded.did, loaded.verification_method) == did_key_identity(key)
    assert loaded.key.public.verify(b"m", loaded.key.sign(b"m"))
    data = read(sealed)
    assert data["secret"]["encoding"] == "xchacha20poly1305"
    assert data["secret"]["kdf"]["name"] == "argon2id"
    assert key.secret_multibase not in sealed.read_text()


def test_plain_round_trip(plain: Path, key: Ed25519KeyPair) -> None:
    loaded = load_keyfile(plain, None)
    assert loaded.key == key
    assert read(plain)["secret"] == {"encoding": "multibase", "secretKeyMultibase": key.secret_multibase}
    # A passphrase given for an unencrypted file is simply not needed.
    assert load_keyfile(plain, "ignored").key == key


def test_did_web_round_trip(tmp_path: Path, key: Ed25519KeyPair) -> None:
    path = tmp_path / "web.key.json"
    create_keyfile(path, key, WEB_DID, WEB_VM, PASSPHRASE, kdf_limits=FAST_FOR_TESTS)
    loaded = load_keyfile(path, PASSPHRASE)
    assert (loaded.did, loaded.verification_method) == (WEB_DID, WEB_VM)


def test_passphrase_is_nfc_normalised(tmp_path: Path, key: Ed25519KeyPair) -> None:
    path = tmp_path / "k.json"
    composed = unicodedata.normalize("NFC", "Zoë-Ångström")
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    create_keyfile(path, key, *did_key_identity(key), composed, kdf_limits=FAST_FOR_TESTS)
    assert load_keyfile(path, decomposed).key == key
    assert load_keyfile(path, composed).key == key


def test_inspect_needs_no_passphrase(sealed: Path, plain: Path, key: Ed25519KeyPair) -> None:
    info = inspect_keyfile(sealed)
    assert info.encrypted and info.public_key == key.public
    assert info.did == key.public.did_key
    assert not inspect_keyfile(plain).encrypted


def test_repr_never_shows_the_secret(sealed: Path, key: Ed25519KeyPair) -> None:
    loaded = load_keyfile(sealed, PASSPHRASE)
    for text in (repr(loaded), str(loaded)):
        assert key.secret_multibase not in text
        assert key.public.multibase in text


# -- passphrase and tampering ------------------------------------------------------------------

@pytest.mark.parametrize("passphrase", ["wrong", PASSPHRASE + " ", None, ""])
def test_wrong_or_missing_passphrase(sealed: Path, passphrase: str | None) -> None:
    with pytest.raises(KeyfileError) as info:
        load_keyfile(sealed, passphrase)
    assert info.value.code == "keyfile.wrong_passphrase"


def _flip_ciphertext(data: dict[str, Any]) -> None:
    raw = keyfile.b64url_decode(data["secret"]["ciphertext"])
    data["secret"]["ciphertext"] = keyfile.b64url_encode(bytes([raw[0] ^ 1]) + raw[1:])


def _other_public_key(data: dict[str, Any]) -> None:
    # A valid key, but not the one the ciphertext was bound to (associated data).
    other = Ed25519KeyPair.from_seed(b"\x07" * 32).public
    data["publicKeyMultibase"] = other.multibase
    data["did"] = other.did_key
    data["verificationMethod"] = f"{other.did_key}#{other.multibase}"


def _flip_nonce(data: dict[str, Any]) -> None:
    raw = keyfile.b64url_decode(data["secret"]["nonce"])
    data["secret"]["nonce"] = keyfile.b64url_encode(bytes([raw[0] ^ 1]) + raw[1:])


@pytest.mark.parametrize("tamper", [_flip_ciphertext, _other_public_key, _flip_nonce],
                         ids=["ciphertext", "public-key", "nonce"])
def test_tampered_sealed_file_does_not_open(sealed: Path, tamper: Callable[[dict[str, Any]], None]) -> None:
    assert load_keyfile(sealed, PASSPHRASE)  # twin: the untouched file opens
    data = read(sealed)
    tamper(data)
    write(sealed, data)
    with pytest.raises(KeyfileError) as info:
        load_keyfile(sealed, PASSPHRASE)
    assert info.value.code == "keyfile.wrong_passphrase"


def test_plain_file_with_foreign_public_key_is_invalid(plain: Path) -> None:
    data = read(plain)
    _other_public_key(data)
    write(plain, data)
    with pytest.raises(KeyfileError) as info:
        load_keyfile(plain, None)
    assert info.value.code == "keyfile.invalid"


# -- KDF caps ----------------------------------------------------------------------------------

@pytest.mark.parametrize("field,value", [
    ("memlimit", 64 * 1024 ** 3),
    ("opslimit", 1),
    ("opslimit", 10 ** 9),
    ("memlimit", 1024),
    ("opslimit", True),
    ("memlimit", "67108864"),
    ("opslimit", 2.0),
])
def test_kdf_params_are_capped_before_derivation(sealed: Path, monkeypatch: pytest.MonkeyPatch,
                                                 field: str, value: Any) -> None:
    data = read(sealed)
    data["secret"]["kdf"][field] = value
    write(sealed, data)

    def no_derivation(*_args: Any, **_kwargs: Any) -> bytes:
        raise AssertionError("the KDF ran with out-of-bounds parameters")

    monkeypatch.setattr(nacl.pwhash.argon2id, "kdf", no_derivation)
    for call in (lambda: load_keyfile(sealed, PASSPHRASE), lambda: inspect_keyfile(sealed)):
        with pytest.raises(KeyfileError) as info:
            call()
        assert info.value.code == "keyfile.invalid"


def test_kdf_params_at_the_bounds_are_accepted(tmp_path: Path, key: Ed25519KeyPair) -> None:
    path = tmp_path / "k.json"
    create_keyfile(path, key, *did_key_identity(key), PASSPHRASE,
                   kdf_limits=KdfLimits(keyfile.MIN_OPSLIMIT, keyfile.MIN_MEMLIMIT))
    assert load_keyfile(path, PASSPHRASE).key == key


def test_create_refuses_limits_it_could_not_read_back(tmp_path: Path, key: Ed25519KeyPair) -> None:
    path = tmp_path / "k.json"
    with pytest.raises(KeyfileError) as info:
        create_keyfile(path, key, *did_key_identity(key), PASSPHRASE,
                       kdf_limits=KdfLimits(nacl.pwhash.argon2id.OPSLIMIT_MIN, keyfile.MIN_MEMLIMIT))
    assert info.value.code == "keyfile.invalid"
    assert not path.exists()


# -- writing -----------------------------------------------------------------------------------

@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
@pytest.mark.parametrize("passphrase", [PASSPHRASE, None])
def test_created_0600(tmp_path: Path, key: Ed25519KeyPair, passphrase: str | None) -> None:
    path = tmp_path / "k.json"
    old = os.umask(0)
    try:
        create_keyfile(path, key, *did_key_identity(key), passphrase, kdf_limits=FAST_FOR_TESTS)
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k.json"]  # no temporary files left


def test_never_overwrites_unless_asked(sealed: Path, key: Ed25519KeyPair) -> None:
    before = sealed.read_bytes()
    with pytest.raises(KeyfileError) as info:
        create_keyfile(sealed, Ed25519KeyPair.generate(), *did_key_identity(key), None)
    assert info.value.code == "keyfile.exists"
    assert sealed.read_bytes() == before
    other = Ed25519KeyPair.generate()
    create_keyfile(sealed, other, *did_key_identity(other), None, overwrite=True)
    assert load_keyfile(sealed, None).key == other


def test_existing_target_found_at_link_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The final link refuses a file that appeared after the early check (a race)."""
    target = tmp_path / "out.json"
    real_lexists = os.path.lexists
    monkeypatch.setattr(keyfile.os.path, "lexists", lambda p: False if Path(p) == target else real_lexists(p))
    target.write_text("someone else's")
    with pytest.raises(KeyfileError) as info:
        keyfile.write_atomic(target, b"new", overwrite=False)
    assert info.value.code == "keyfile.exists"
    assert target.read_text() == "someone else's"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]
    keyfile.write_atomic(tmp_path / "fresh.json", b"new", overwrite=False)
    assert (tmp_path / "fresh.json").read_bytes() == b"new"


@pytest.mark.parametrize("did,vm", [
    ("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", None),  # someone else's did:key
    ("not-a-did", "not-a-did#k"),
    (WEB_DID, WEB_DID),
    (WEB_DID, "did:web:other.example#key-1"),
    (WEB_DID, WEB_DID + "#"),
])
def test_create_refuses_inconsistent_identity(tmp_path: Path, key: Ed25519KeyPair, did: str,
                                              vm: str | None) -> None:
    path = tmp_path / "k.json"
    with pytest.raises(KeyfileError) as info:
        create_keyfile(path, key, did, vm or f"{did}#x", None)
    assert info.value.code == "keyfile.invalid"
    assert not path.exists()


# -- malformed files ---------------------------------------------------------------------------

def _set(path: tuple[str, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def apply(data: dict[str, Any]) -> None:
        target = data
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value
    return apply


def _drop(name: str) -> Callable[[dict[str, Any]], None]:
    return lambda data: data.pop(name)


MALFORMED: dict[str, Callable[[dict[str, Any]], None]] = {
    "version-2": _set(("version",), 2),
    "version-true": _set(("version",), True),
    "type": _set(("type",), "P-256"),
    "extra-member": _set(("comment",), "hi"),
    "no-secret": _drop("secret"),
    "no-did": _drop("did"),
    "public-key-not-string": _set(("publicKeyMultibase",), 5),
    "public-key-garbage": _set(("publicKeyMultibase",), "z0OIl"),
    "encoding": _set(("secret", "encoding"), "rot13"),
    "kdf-name": _set(("secret", "kdf", "name"), "scrypt"),
    "salt-length": _set(("secret", "kdf", "salt"), "AAAA"),
    "nonce-padded": _set(("secret", "nonce"), "AAAA=="),
    "nonce-length": _set(("secret", "nonce"), "AAAA"),
    "ciphertext-short": _set(("secret", "ciphertext"), "AAAA"),
    "ciphertext-huge": _set(("secret", "ciphertext"), "A" * 4000),
    "secret-array": _set(("secret",), []),
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_sealed_file(sealed: Path, name: str) -> None:
    data = read(sealed)
    MALFORMED[name](data)
    write(sealed, data)
    with pytest.raises(KeyfileError) as info:
        load_keyfile(sealed, PASSPHRASE)
    assert info.value.code == "keyfile.invalid"


@pytest.mark.parametrize("mutate", [
    _set(("secret", "secretKeyMultibase"), 42),
    _set(("secret", "secretKeyMultibase"), "z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"),
    _set(("secret", "extra"), 1),
], ids=["not-string", "public-key-as-secret", "extra-member"])
def test_malformed_plain_file(plain: Path, mutate: Callable[[dict[str, Any]], None]) -> None:
    data = read(plain)
    mutate(data)
    write(plain, data)
    with pytest.raises(KeyfileError) as info:
        load_keyfile(plain, None)
    assert info.value.code == "keyfile.invalid"


@pytest.mark.parametrize("content", [b"", b"not json", b"[1, 2]", b'{"a": 1, "a": 2}', b" " * 70000])
def test_not_a_key_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "k.json"
    path.write_bytes(content)
    with pytest.raises(KeyfileError) as info:
        load_keyfile(path, None)
    assert info.value.code == "keyfile.invalid"


def test_missing_file_is_an_os_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_keyfile(tmp_path / "nope.json", None)


def test_did_web_document_lists_the_key_for_issuing_and_authentication(key: Ed25519KeyPair) -> None:
    doc = did_web_document(WEB_DID, WEB_VM, key.public)
    assert doc["id"] == WEB_DID
    assert doc["assertionMethod"] == [WEB_VM] and doc["authentication"] == [WEB_VM]
    assert doc["verificationMethod"][0]["publicKeyMultibase"] == key.public.multibase
    assert doc["verificationMethod"][0]["type"] == "Multikey"
