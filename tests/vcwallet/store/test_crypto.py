"""Keys and record encryption (BAD_INPUTS S11, S12, S15): NFC passphrases, KDF bounds checked
before any derivation, random nonces, and ciphertexts bound to their row."""

from __future__ import annotations

import sqlite3
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.vcwallet.store.support import FAST, PASSPHRASE
from vcwallet.store import KdfParamsInvalid, Store, WrongPassphrase, crypto
from vcwallet.store.crypto import KdfParams, RecordCipher

CAFE_NFC = "caf\u00e9 au lait, s'il vous pla\u00eet"
CAFE_NFD = unicodedata.normalize("NFD", CAFE_NFC)


# -- S11 ---------------------------------------------------------------------------------------------

def test_nfc_and_nfd_forms_of_a_passphrase_open_the_same_wallet(tmp_path: Path) -> None:  # BAD_INPUTS S11
    assert CAFE_NFC != CAFE_NFD
    path = tmp_path / "wallet.db"
    Store.create(path, CAFE_NFD, kdf=FAST).close()
    with Store.open(path, CAFE_NFC) as store:
        assert store.schema_version >= 1
    salt = crypto.new_salt()
    assert crypto.derive_kek(CAFE_NFC, salt, FAST) == crypto.derive_kek(CAFE_NFD, salt, FAST)


def test_a_different_passphrase_does_not_open_it(tmp_path: Path) -> None:  # BAD_INPUTS S11
    path = tmp_path / "wallet.db"
    Store.create(path, CAFE_NFC, kdf=FAST).close()
    with pytest.raises(WrongPassphrase) as caught:
        Store.open(path, CAFE_NFC.replace("\u00e9", "e"))
    assert caught.value.code == "wallet.wrong_passphrase"


def test_empty_passphrase_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        Store.create(tmp_path / "w.db", "", kdf=FAST)


# -- S12 ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("column", "value"), [
    ("memlimit", 64 * 1024 ** 3), ("opslimit", 1), ("opslimit", 10 ** 9), ("memlimit", 1024),
    ("opslimit", 2.5), ("memlimit", b"\x00"), ("kdf", "scrypt"),
])
def test_tampered_kdf_parameters_are_refused_before_derivation(  # BAD_INPUTS S12
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, column: str, value: object) -> None:
    path = tmp_path / "wallet.db"
    Store.create(path, PASSPHRASE, kdf=FAST).close()
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(f"UPDATE keyslot SET {column} = ?", (value,))
    conn.close()

    def no_derivation(*_args: object, **_kwargs: object) -> bytes:
        raise AssertionError("Argon2id ran with unchecked parameters")

    monkeypatch.setattr("nacl.pwhash.argon2id.kdf", no_derivation)
    with pytest.raises(KdfParamsInvalid) as caught:
        Store.open(path, PASSPHRASE)
    assert caught.value.code == "wallet.kdf_params_invalid"


def test_parameters_within_bounds_are_used(tmp_path: Path) -> None:  # BAD_INPUTS S12
    path = tmp_path / "wallet.db"
    Store.create(path, PASSPHRASE, kdf=KdfParams(3, 16 * 1024 * 1024)).close()
    with Store.open(path, PASSPHRASE) as store:
        assert store.kdf == KdfParams(3, 16 * 1024 * 1024)


def test_creating_with_out_of_bounds_parameters_is_refused(tmp_path: Path) -> None:
    with pytest.raises(KdfParamsInvalid):
        Store.create(tmp_path / "w.db", PASSPHRASE, kdf=KdfParams(1, crypto.MIN_MEMLIMIT))
    assert not (tmp_path / "w.db").exists()


def test_the_default_strength_is_not_weakened() -> None:
    assert crypto.DEFAULT_KDF.opslimit >= 3 and crypto.DEFAULT_KDF.memlimit >= 256 * 1024 * 1024


# -- S15 ---------------------------------------------------------------------------------------------

def test_ten_thousand_encryptions_use_distinct_random_nonces() -> None:  # BAD_INPUTS S15
    cipher = RecordCipher(crypto.new_data_key())
    nonces = {cipher.seal("abcd", "summary", b"same plaintext")[0] for _ in range(10_000)}
    assert len(nonces) == 10_000
    assert all(len(n) == 24 for n in nonces)


def test_each_nonce_still_decrypts_its_own_ciphertext() -> None:  # BAD_INPUTS S15
    cipher = RecordCipher(crypto.new_data_key())
    sealed = [cipher.seal("abcd", "summary", b"plaintext %d" % i) for i in range(100)]
    assert [cipher.open("abcd", "summary", n, c) for n, c in sealed] == [b"plaintext %d" % i for i in range(100)]


@settings(max_examples=60, deadline=None)
@given(record_id=st.text(alphabet="0123456789abcdef", min_size=1, max_size=20),
       kind=st.sampled_from(["credential", "report", "summary", "holder_key"]),
       plaintext=st.binary(max_size=2000))
def test_ciphertexts_open_only_under_their_own_id_and_kind(record_id: str, kind: str, plaintext: bytes) -> None:
    cipher = RecordCipher(b"\x07" * 32)
    nonce, ciphertext = cipher.seal(record_id, kind, plaintext)
    assert cipher.open(record_id, kind, nonce, ciphertext) == plaintext
    assert cipher.try_open(record_id + "0", kind, nonce, ciphertext) is None
    assert cipher.try_open(record_id, kind + "x", nonce, ciphertext) is None


def test_lookup_tags_are_keyed() -> None:
    one, two = RecordCipher(b"\x01" * 32), RecordCipher(b"\x02" * 32)
    assert one.lookup_tag("credential-id", "urn:x") == one.lookup_tag("credential-id", "urn:x")
    assert one.lookup_tag("credential-id", "urn:x") != two.lookup_tag("credential-id", "urn:x")
    assert one.lookup_tag("credential-id", "urn:x") != one.lookup_tag("sha256", "urn:x")
