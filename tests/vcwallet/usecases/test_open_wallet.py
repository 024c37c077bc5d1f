"""Opening the wallet with no front end: create, unlock, change the passphrase, and the passphrase
rules they all follow (vcwallet.passphrases)."""

from __future__ import annotations

import stat
import unicodedata
from pathlib import Path

import pytest

from tests.vcwallet.store.support import FAST, PASSPHRASE, StubVerifier
from vcwallet.passphrases import check_new_passphrase, check_passphrase, passphrase_bytes
from vcwallet.usecases.open_wallet import change_passphrase, create_wallet, unlock_wallet
from verifier.errors import VCError

COMPOSED = unicodedata.normalize("NFC", "café au lait")
DECOMPOSED = unicodedata.normalize("NFD", "café au lait")


def test_create_makes_a_private_folder_a_wallet_and_a_holder_key(tmp_path: Path) -> None:
    path = tmp_path / "new" / "folder" / "wallet.db"
    made = create_wallet(path, PASSPHRASE, kdf=FAST)
    with made.wallet:
        assert made.path == path and made.holder_did.startswith("did:key:")
        assert [k.did for k in made.wallet.holder_keys()] == [made.holder_did]
        assert "XChaCha20-Poly1305" in made.protection
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    with unlock_wallet(path, PASSPHRASE) as again:
        assert again.holder_keys()[0].did == made.holder_did


def test_create_never_overwrites_what_is_there(tmp_path: Path) -> None:
    path = tmp_path / "wallet.db"
    path.write_bytes(b"someone's file")
    with pytest.raises(VCError) as caught:
        create_wallet(path, PASSPHRASE, kdf=FAST)
    assert caught.value.code == "wallet.exists" and path.read_bytes() == b"someone's file"


def test_an_empty_passphrase_creates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "wallet.db"
    with pytest.raises(VCError) as caught:
        create_wallet(path, "", kdf=FAST)
    assert caught.value.code == "passphrase.empty" and not path.exists()


def test_unlock_tells_a_wrong_passphrase_from_a_right_one(tmp_path: Path) -> None:
    path = tmp_path / "wallet.db"
    create_wallet(path, PASSPHRASE, kdf=FAST).wallet.close()
    for wrong, code in (("not it", "wallet.wrong_passphrase"), ("", "passphrase.empty")):
        with pytest.raises(VCError) as caught:
            unlock_wallet(path, wrong)
        assert caught.value.code == code
    with unlock_wallet(path, PASSPHRASE, verifier=StubVerifier()) as wallet:
        assert wallet.verifier is not None


def test_unlock_of_a_missing_wallet_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(VCError) as caught:
        unlock_wallet(tmp_path / "nothing.db", PASSPHRASE)
    assert caught.value.code == "wallet.not_found"


def test_change_passphrase_follows_the_rules(tmp_path: Path) -> None:
    path = tmp_path / "wallet.db"
    with create_wallet(path, PASSPHRASE, kdf=FAST).wallet as wallet:
        with pytest.raises(VCError) as caught:
            change_passphrase(wallet, PASSPHRASE, "")
        assert caught.value.code == "passphrase.empty"
        change_passphrase(wallet, PASSPHRASE, "a brand new passphrase")
    unlock_wallet(path, "a brand new passphrase").close()
    with pytest.raises(VCError):
        unlock_wallet(path, PASSPHRASE)


# -- the rules -------------------------------------------------------------------------------------------


def test_a_new_passphrase_must_be_typed_the_same_twice() -> None:
    with pytest.raises(VCError) as caught:
        check_new_passphrase("one passphrase", "one passphrasE")
    assert caught.value.code == "passphrase.mismatch"
    assert check_new_passphrase("one passphrase", "one passphrase") == "one passphrase"


def test_the_same_passphrase_typed_on_another_keyboard_matches_and_opens(tmp_path: Path) -> None:
    """NFC: "é" as one code point or as "e" + combining accent is one passphrase."""
    assert COMPOSED != DECOMPOSED
    assert check_new_passphrase(COMPOSED, DECOMPOSED) == COMPOSED
    assert passphrase_bytes(COMPOSED) == passphrase_bytes(DECOMPOSED)
    path = tmp_path / "wallet.db"
    create_wallet(path, DECOMPOSED, kdf=FAST).wallet.close()
    unlock_wallet(path, COMPOSED).close()


def test_no_other_folding_is_applied() -> None:
    assert passphrase_bytes("Passphrase") != passphrase_bytes("passphrase")
    assert passphrase_bytes("ｐａｓｓ") != passphrase_bytes("pass")  # full-width is not NFKC-folded


def test_empty_and_unencodable_passphrases_are_refused() -> None:
    with pytest.raises(VCError) as caught:
        check_passphrase("")
    assert caught.value.code == "passphrase.empty"
    with pytest.raises(ValueError):
        passphrase_bytes("lone \udc80 surrogate")
    assert check_passphrase("x") == "x"
